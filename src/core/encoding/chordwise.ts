import type { Voice } from '../midi/types';
import { DEFAULT_VELOCITY, type DecodeReport } from './notewise';
import type { EncodingOptions } from './options';
import { byOnset, type StepNote } from './steps';

/** How many steps back a rest word counts struck notes, and the cap on that count (Clara's a..Z). */
export const REST_LOOKBACK = 10;
export const REST_CAP = 51;

/**
 * Chordwise words, one per time step: `p` followed by one character per key (`1` struck, `0` not),
 * with the solo voice's `v…` part first in pieces that have one. Only onsets are kept, as in Clara.
 * A step with no onset becomes a rest word `rN`, N the notes struck in the previous 10 steps
 * (capped at 51), so that rests carry information and cannot be predicted blindly.
 */
export function encodeChordwise(notes: readonly StepNote[], o: EncodingOptions, withSolo?: boolean): string[] {
  if (notes.length === 0) return [];
  const solo = withSolo ?? notes.some((n) => n.voice === 'v');
  const last = notes.reduce((m, n) => Math.max(m, n.start), 0);
  const steps = last + 1;
  const struck = new Uint32Array(steps);
  const byStep = new Map<number, StepNote[]>();
  for (const n of notes) {
    struck[n.start]!++;
    const list = byStep.get(n.start);
    if (list) list.push(n);
    else byStep.set(n.start, [n]);
  }
  const blank = '0'.repeat(o.rangeSize);
  const words: string[] = new Array(steps);
  let window = 0;
  for (let t = 0; t < steps; t++) {
    if (t > REST_LOOKBACK) window -= struck[t - REST_LOOKBACK - 1]!;
    const here = byStep.get(t);
    if (!here) words[t] = `r${Math.min(REST_CAP, window)}`;
    else {
      const keys: Record<Voice, string[]> = { p: blank.split(''), v: blank.split('') };
      for (const n of here) keys[n.voice][n.key] = '1';
      words[t] = (solo ? `v${keys.v.join('')}` : '') + `p${keys.p.join('')}`;
    }
    window += struck[t]!;
  }
  return words;
}

const REST = /^r\d+$/;

/**
 * Reads chordwise words back. Durations are not in the encoding: each note sounds until the next
 * step with an onset, at least one step and at most one 4/4 bar, which plays legato as written.
 */
/**
 * Chordwise text carries no dynamics: every note takes `velocity`, the training corpus's median
 * where the checkpoint knows it (see RunConfig.typicalVelocity), else DEFAULT_VELOCITY.
 */
export function decodeChordwise(
  words: readonly string[],
  o: EncodingOptions,
  velocity = DEFAULT_VELOCITY,
): DecodeReport {
  const onsets: Array<{ t: number; voice: Voice; key: number }> = [];
  const onsetSteps: number[] = [];
  let skipped = 0;
  words.forEach((w, t) => {
    if (w === '' || REST.test(w)) return;
    const parts = /^(?:v([01]+))?p([01]+)$/.exec(w);
    if (!parts || parts[2]!.length !== o.rangeSize || (parts[1] !== undefined && parts[1].length !== o.rangeSize)) {
      skipped++;
      return;
    }
    let any = false;
    const add = (bits: string | undefined, voice: Voice): void => {
      if (!bits) return;
      for (let k = 0; k < bits.length; k++) {
        if (bits.charCodeAt(k) === 49) {
          onsets.push({ t, voice, key: k });
          any = true;
        }
      }
    };
    add(parts[1], 'v');
    add(parts[2], 'p');
    if (any) onsetSteps.push(t);
  });
  const bar = 4 * o.sampleFreq;
  const nextOnset = new Map<number, number>();
  for (let i = 0; i < onsetSteps.length; i++)
    nextOnset.set(onsetSteps[i]!, onsetSteps[i + 1] ?? onsetSteps[i]! + o.sampleFreq);
  const notes = onsets.map(({ t, voice, key }) => ({
    voice,
    key,
    start: t,
    dur: Math.min(bar, Math.max(1, nextOnset.get(t)! - t)),
    velocity,
  }));
  return { notes: notes.sort(byOnset), skipped };
}
