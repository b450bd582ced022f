/**
 * The reader as it was on @tonejs/midi (quadratic in the notes of a track), kept only as the oracle
 * that the linear reader in core/midi/parse.ts gives the same pieces on real files.
 */
import midiPkg from '@tonejs/midi';
import { MidiInputError } from '../core/errors';
import { decideRole } from '../core/midi/instruments';
import { composerFromMeta, titleFromMeta } from '../core/midi/metadata';
import { pedalIntervals, pedalRelease, type PedalEvent } from '../core/midi/pedal';
import type { Ensemble, ParsedPiece, PieceTiming, TickNote, TrackInfo, Voice } from '../core/midi/types';

const { Midi } = midiPkg;

/** About 14 hours at 120 bpm: longer is a corrupt delta time, not music. */
const MAX_QUARTERS = 100_000;

interface ReadOptions {
  /** Extend piano notes held by the sustain pedal (CC64). On by default: nearly every piano file uses it. */
  pedal?: boolean;
  /** Shown in errors so the user knows which file is at fault. */
  path?: string;
  fileStem?: string;
}

function checkContainer(bytes: Uint8Array, path?: string): void {
  if (bytes.length === 0) throw new MidiInputError('empty file (0 bytes)', path);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'MThd') throw new MidiInputError('not a MIDI file (no "MThd" header)', path);
  if (bytes.length < 14) throw new MidiInputError('truncated MIDI header', path);
  const ntracks = (bytes[10]! << 8) | bytes[11]!;
  if (ntracks === 0 || bytes.length <= 14)
    throw new MidiInputError('header only: the file declares or holds no tracks', path);
  const division = (bytes[12]! << 8) | bytes[13]!;
  if (division & 0x8000)
    throw new MidiInputError('SMPTE time division is not supported (only ticks per quarter note)', path);
  if (division === 0) throw new MidiInputError('invalid time division of 0 ticks per quarter note', path);
  // Walk the chunk headers so a cut-off file is named as such rather than half read.
  let at = 14;
  let found = 0;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new MidiInputError(`truncated: chunk header cut off at byte ${at}`, path);
    const len = ((bytes[at + 4]! << 24) >>> 0) + (bytes[at + 5]! << 16) + (bytes[at + 6]! << 8) + bytes[at + 7]!;
    if (at + 8 + len > bytes.length) {
      throw new MidiInputError(
        `truncated: track ${found + 1} of ${ntracks} needs ${len} bytes, ${bytes.length - at - 8} remain`,
        path,
      );
    }
    at += 8 + len;
    found++;
  }
}

/** Parses a Standard MIDI File into notes in ticks, with each track's voice decided. Throws MidiInputError with the reason. */
/** The old reader's output: everything but the timing it never kept. */
export function legacyReadMidi(bytes: Uint8Array, opts: ReadOptions = {}): Omit<ParsedPiece, keyof PieceTiming> {
  const path = opts.path;
  checkContainer(bytes, path);
  let midi: InstanceType<typeof Midi>;
  try {
    midi = new Midi(bytes);
  } catch (err) {
    throw new MidiInputError(`unreadable MIDI data (${err instanceof Error ? err.message : String(err)})`, path);
  }
  const ppq = midi.header.ppq;
  const warnings: string[] = [];
  const tracks: TrackInfo[] = [];
  const unsupported: string[] = [];
  const pedalByChannel = new Map<number, PedalEvent[]>();
  let lastTick = 0;

  midi.tracks.forEach((t, index) => {
    for (const cc of t.controlChanges[64] ?? []) {
      const list = pedalByChannel.get(t.channel) ?? [];
      list.push({ ticks: cc.ticks, value: Math.round(cc.value * 127) });
      pedalByChannel.set(t.channel, list);
    }
    const decided = decideRole({
      program: t.instrument.number,
      channel: t.channel,
      percussion: t.instrument.percussion,
      name: t.name,
      noteCount: t.notes.length,
    });
    for (const n of t.notes) lastTick = Math.max(lastTick, n.ticks + n.durationTicks);
    const base = {
      index,
      name: t.name,
      channel: t.channel,
      family: t.instrument.family,
      instrument: t.instrument.name,
      noteCount: t.notes.length,
    };
    if ('unsupported' in decided) {
      unsupported.push(
        `track ${index + 1}${t.name ? ` "${t.name}"` : ''} (${t.instrument.name}, ${decided.unsupported})`,
      );
      tracks.push({ ...base, program: t.instrument.number, role: 'empty', roleReason: 'unsupported instrument' });
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
    for (const n of t.notes) {
      const start = n.ticks;
      const rawEnd = start + Math.max(0, n.durationTicks);
      const end = intervals ? pedalRelease(rawEnd, intervals) : rawEnd;
      notes.push({ pitch: n.midi, start, end, velocity: Math.round(n.velocity * 127), voice, track: index });
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
  const meta = midi.header.meta.map((m) => ({ text: m.text, ticks: m.ticks, type: m.type }));
  return {
    ppq,
    title: titleFromMeta(midi.header.name ?? '', trackNames, opts.fileStem ?? 'untitled'),
    composer: composerFromMeta(meta, trackNames),
    tracks,
    notes,
    ensemble,
    durationTicks: lastTick,
    durationSeconds: midi.header.ticksToSeconds(lastTick),
    warnings,
  };
}
