import { DrumKitByPatchID, InstrumentFamilyByID, instrumentByPatchID } from '@tonejs/midi/dist/InstrumentMaps.js';
import { MidiInputError } from '../errors';
import { decideRole } from './instruments';
import { composerFromMeta, titleFromMeta } from './metadata';
import { parseSmf, ticksToSeconds } from './parse';
import { pedalIntervals, pedalRelease, type PedalEvent } from './pedal';
import type { Ensemble, ParsedPiece, TickNote, TrackInfo, Voice } from './types';

/** About 14 hours at 120 bpm: longer is a corrupt delta time, not music. */
const MAX_QUARTERS = 100_000;

export interface ReadOptions {
  /** Extend piano notes held by the sustain pedal (CC64). On by default: nearly every piano file uses it. */
  pedal?: boolean;
  /** Shown in errors so the user knows which file is at fault. */
  path?: string;
  fileStem?: string;
}

/** GM names as @tonejs/midi gives them (the catalog stores them per track). */
function instrumentOf(program: number, channel: number): { percussion: boolean; name: string; family: string } {
  const percussion = channel === 9;
  return {
    percussion,
    name: (percussion ? (DrumKitByPatchID as Record<number, string>)[program] : instrumentByPatchID[program]) as string,
    family: (percussion ? 'drums' : InstrumentFamilyByID[Math.floor(program / 8)]) as string,
  };
}

/** Parses a Standard MIDI File into notes in ticks, with each track's voice decided. Throws MidiInputError with the reason. */
export function readMidi(bytes: Uint8Array, opts: ReadOptions = {}): ParsedPiece {
  const path = opts.path;
  const midi = parseSmf(bytes, path);
  const ppq = midi.ppq;
  const warnings: string[] = [...midi.warnings];
  const tracks: TrackInfo[] = [];
  const unsupported: string[] = [];
  const pedalByChannel = new Map<number, PedalEvent[]>();
  let lastTick = 0;

  midi.tracks.forEach((t, index) => {
    if (t.pedal.length > 0) {
      const list = pedalByChannel.get(t.channel) ?? [];
      for (const cc of t.pedal) list.push(cc);
      pedalByChannel.set(t.channel, list);
    }
    const instrument = instrumentOf(t.program, t.channel);
    const decided = decideRole({
      program: t.program,
      channel: t.channel,
      percussion: instrument.percussion,
      name: t.name,
      noteCount: t.notes.ticks.length,
    });
    for (let i = 0; i < t.notes.ticks.length; i++)
      lastTick = Math.max(lastTick, t.notes.ticks[i]! + t.notes.durationTicks[i]!);
    const base = {
      index,
      name: t.name,
      channel: t.channel,
      family: instrument.family,
      instrument: instrument.name,
      noteCount: t.notes.ticks.length,
    };
    if ('unsupported' in decided) {
      unsupported.push(
        `track ${index + 1}${t.name ? ` "${t.name}"` : ''} (${instrument.name}, ${decided.unsupported})`,
      );
      tracks.push({ ...base, program: t.program, role: 'empty', roleReason: 'unsupported instrument' });
    } else {
      tracks.push({
        ...base,
        program: decided.program,
        role: decided.role,
        ...(decided.reason ? { roleReason: decided.reason } : {}),
      });
    }
  });

  const total = tracks.reduce((s, t) => s + t.noteCount, 0);
  if (tracks.length === 0) throw new MidiInputError('no tracks', path);
  if (total === 0) throw new MidiInputError('no notes in any track', path);
  const drumNotes = tracks.filter((t) => t.role === 'drums').reduce((s, t) => s + t.noteCount, 0);
  if (drumNotes === total) throw new MidiInputError('drums only: every note is on the percussion channel (10)', path);
  if (unsupported.length > 0) {
    throw new MidiInputError(
      `not a piano or solo-instrument-and-piano piece: ${unsupported.join('; ')} has no place in the p/v voices`,
      path,
    );
  }
  if (lastTick / ppq > MAX_QUARTERS) {
    throw new MidiInputError(
      `implausibly long: ${Math.round(lastTick / ppq)} quarter notes (limit ${MAX_QUARTERS})`,
      path,
    );
  }
  if (drumNotes > 0) warnings.push(`ignored ${drumNotes} percussion notes`);
  if (midi.unclosedNotes > 0) warnings.push(`closed ${midi.unclosedNotes} never-ended notes at the end of their track`);

  const usePedal = opts.pedal ?? true;
  const pedals = new Map<number, Array<[number, number]>>();
  // A pedal never released holds to the last note-off of the piece, not beyond it.
  for (const [ch, events] of pedalByChannel) pedals.set(ch, pedalIntervals(events, lastTick));

  const notes: TickNote[] = [];
  midi.tracks.forEach((t, index) => {
    const info = tracks[index]!;
    if (info.role !== 'piano' && info.role !== 'solo') return;
    const voice: Voice = info.role === 'piano' ? 'p' : 'v';
    const intervals = voice === 'p' && usePedal ? pedals.get(t.channel) : undefined;
    const { pitch, ticks, durationTicks, velocity } = t.notes;
    for (let i = 0; i < ticks.length; i++) {
      const start = ticks[i]!;
      const rawEnd = start + Math.max(0, durationTicks[i]!);
      const end = intervals ? pedalRelease(rawEnd, intervals) : rawEnd;
      notes.push({ pitch: pitch[i]!, start, end, velocity: velocity[i]!, voice, track: index });
      lastTick = Math.max(lastTick, end);
    }
  });
  notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch || (a.voice < b.voice ? -1 : a.voice > b.voice ? 1 : 0));

  const hasPiano = tracks.some((t) => t.role === 'piano');
  const soloTracks = tracks.filter((t) => t.role === 'solo');
  const soloPrograms = new Set(soloTracks.map((t) => t.program));
  const ensemble: Ensemble =
    soloTracks.length === 0 ? 'piano' : !hasPiano ? 'solo' : soloPrograms.size === 1 ? 'solo+piano' : 'chamber';

  const trackNames = midi.tracks.map((t) => t.name);
  return {
    ppq,
    title: titleFromMeta(midi.name, trackNames, opts.fileStem ?? 'untitled'),
    composer: composerFromMeta(midi.meta, trackNames),
    tracks,
    notes,
    ensemble,
    durationTicks: lastTick,
    durationSeconds: ticksToSeconds(midi.tempos, ppq, lastTick),
    warnings,
    tempos: midi.tempos.map((t) => ({ tick: t.ticks, bpm: t.bpm })),
    timeSignatures: midi.timeSignatures.map((t) => ({
      tick: t.ticks,
      numerator: t.timeSignature[0],
      denominator: t.timeSignature[1],
    })),
    keySignatures: midi.keySignatures.map((k) => ({ tick: k.ticks, sharps: k.sharps, minor: k.minor })),
  };
}
