import midiPkg from '@tonejs/midi';
import { readMidi } from '../midi/read';
import { oneSoundPerKey, type MusicPiece } from './notes';

const { Midi } = midiPkg;

/**
 * A MIDI file as the measures see it: the notes the project's reader gives (sustain pedal applied, as
 * the catalog stores them) in beats, one sound per key and voice at a time (see oneSoundPerKey), with
 * the file's tempo map and time signatures, so a sample is measured as the user will hear it.
 * Throws MidiInputError naming `path` for a bad file.
 */
export function pieceFromMidi(bytes: Uint8Array, path?: string): MusicPiece {
  const parsed = readMidi(bytes, { path });
  const header = new Midi(bytes).header;
  const ppq = parsed.ppq;
  return {
    notes: oneSoundPerKey(
      parsed.notes.map((n) => ({
        pitch: n.pitch,
        start: n.start / ppq,
        end: n.end / ppq,
        velocity: n.velocity,
        voice: n.voice,
      })),
      (n) => `${n.voice}${n.pitch}`,
    ).map(({ voice: _voice, ...n }) => n),
    tempos: header.tempos.map((t) => ({ beat: t.ticks / ppq, bpm: t.bpm })).sort((a, b) => a.beat - b.beat),
    meters: header.timeSignatures
      .map((t) => ({ beat: t.ticks / ppq, numerator: t.timeSignature[0]!, denominator: t.timeSignature[1]! }))
      .sort((a, b) => a.beat - b.beat),
  };
}
