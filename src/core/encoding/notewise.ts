import type { Voice } from '../midi/types';
import { maxWait, type EncodingOptions } from './options';
import { byOnset, type StepNote } from './steps';
import { binVelocity, DYNAMIC, dynamicWords, velocityBin } from './velocity';

/** Velocity of decoded notes when the text says none (no dynamics words, or before the first). */
export const DEFAULT_VELOCITY = 80;

/**
 * Notewise words, as in Clara: per time step the solo voice's words come before the piano's, starts
 * before ends, keys ascending; `endpN` comes in the note's last sounding step, before that step's
 * wait, so an eighth note at 12 steps per quarter is `p38 wait5 endp38 wait1`. Consecutive waits
 * merge into one word of at most two quarter notes. Input must be canonical (see steps.ts).
 */
export function encodeNotewise(notes: readonly StepNote[], o: EncodingOptions): string[] {
  // Events packed as one sortable number: step, then voice (v first), then start/end, then key.
  const events = new Float64Array(notes.length * 2);
  for (let i = 0; i < notes.length; i++) {
    const n = notes[i]!;
    const voiceRank = n.voice === 'v' ? 0 : 2;
    events[2 * i] = n.start * 1024 + (voiceRank + 0) * 256 + n.key;
    events[2 * i + 1] = (n.start + n.dur - 1) * 1024 + (voiceRank + 1) * 256 + n.key;
  }
  // Velocity of each start, looked up by the same packed number (canonical notes: one per key and step).
  const bins = o.velocityBins;
  const velocityAt = new Map<number, number>();
  if (bins > 0) for (let i = 0; i < notes.length; i++) velocityAt.set(events[2 * i]!, notes[i]!.velocity);
  events.sort();
  let dynamic = -1;
  const words: string[] = [];
  const cap = maxWait(o);
  const pushWait = (steps: number): void => {
    while (steps > 0) {
      const w = Math.min(cap, steps);
      words.push(`wait${w}`);
      steps -= w;
    }
  };
  let step = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const s = Math.floor(e / 1024);
    const rest = e - s * 1024;
    const kind = rest >> 8;
    const key = rest & 255;
    if (s > step) {
      pushWait(s - step);
      step = s;
    }
    const voice = kind < 2 ? 'v' : 'p';
    if (bins > 0 && !(kind & 1)) {
      const bin = velocityBin(velocityAt.get(e)!, bins);
      if (bin !== dynamic) words.push(`d${(dynamic = bin)}`);
    }
    words.push((kind & 1 ? 'end' : '') + voice + key);
  }
  if (events.length > 0) pushWait(1);
  return words;
}

const WORD = /^(end)?([pv])(\d+)$/;
const WAIT = /^wait(\d+)$/;

export interface DecodeReport {
  notes: StepNote[];
  /** Words that were not understood or did not fit (an end with no sounding note, a key out of range). */
  skipped: number;
}

/**
 * Reads notewise words back into notes. Tolerant, since generated text need not be well formed: an
 * `end` with no sounding note is skipped, a key struck again while sounding ends the earlier note,
 * and notes still sounding at the end are closed there.
 */
export function decodeNotewise(
  words: readonly string[],
  o: EncodingOptions,
  velocity = DEFAULT_VELOCITY,
): DecodeReport {
  const notes: StepNote[] = [];
  const open = new Map<string, number>();
  const loudness = new Map<string, number>();
  let current = velocity;
  let t = 0;
  let skipped = 0;
  const close = (voice: Voice, key: number, start: number, dur: number): void => {
    notes.push({ voice, key, start, dur: Math.max(1, dur), velocity: loudness.get(voice + key) ?? current });
  };
  for (const w of words) {
    if (w === '') continue;
    const dyn = DYNAMIC.exec(w);
    if (dyn) {
      if (Number(dyn[1]) < o.velocityBins) current = binVelocity(Number(dyn[1]), o.velocityBins);
      else skipped++;
      continue;
    }
    const wait = WAIT.exec(w);
    if (wait) {
      t += Number(wait[1]);
      continue;
    }
    const m = WORD.exec(w);
    const key = m ? Number(m[3]) : -1;
    if (!m || key >= o.rangeSize) {
      skipped++;
      continue;
    }
    const voice = m[2] as Voice;
    const id = voice + key;
    const started = open.get(id);
    if (m[1]) {
      if (started === undefined) skipped++;
      else {
        close(voice, key, started, t - started + 1);
        open.delete(id);
      }
    } else {
      if (started !== undefined) {
        if (started === t) {
          skipped++;
          continue;
        }
        close(voice, key, started, t - started);
      }
      open.set(id, t);
      loudness.set(id, current);
    }
  }
  for (const [id, start] of open) close(id[0] as Voice, Number(id.slice(1)), start, t - start);
  return { notes: notes.sort(byOnset), skipped };
}

/** Every word the notewise encoding can produce under these options, in a stable order. */
export function notewiseVocabulary(o: EncodingOptions, withSolo: boolean): string[] {
  const words: string[] = [];
  const voices: Voice[] = withSolo ? ['p', 'v'] : ['p'];
  for (const v of voices) {
    const low = v === 'v' ? o.soloLow : 0;
    for (let k = low; k < o.rangeSize; k++) words.push(`${v}${k}`);
    for (let k = low; k < o.rangeSize; k++) words.push(`end${v}${k}`);
  }
  for (let w = 1; w <= maxWait(o); w++) words.push(`wait${w}`);
  words.push(...dynamicWords(o.velocityBins));
  return words;
}
