import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Reads a MIDI file with Debian's python3-mido, an independent parser: note-ons and tracks. Null
 * where python3-mido is missing on a developer's machine; CI installs it, and there it must work.
 */
export function readWithMido(file: string): { notes: number; tracks: number } | null {
  const py = '/usr/bin/python3';
  if (!fs.existsSync(py) || spawnSync(py, ['-c', 'import mido']).status !== 0) {
    if (process.env.CI) throw new Error('python3-mido is required in CI (apt-get install python3-mido)');
    return null;
  }
  const script =
    'import mido,sys,json; m=mido.MidiFile(sys.argv[1]); ' +
    'print(json.dumps({"notes": sum(1 for t in m.tracks for e in t if e.type=="note_on" and e.velocity>0), "tracks": len(m.tracks)}))';
  return JSON.parse(execFileSync(py, ['-c', script, file], { encoding: 'utf8' })) as { notes: number; tracks: number };
}

/** Each track's name, programs and tempos as python3-mido reads them; null where python3-mido is missing. */
export function readTracksWithMido(
  file: string,
): Array<{ name: string | null; programs: number[]; tempos: number[]; notes: number[] }> | null {
  if (readWithMido(file) === null) return null;
  const script =
    'import mido,sys,json; m=mido.MidiFile(sys.argv[1]); ' +
    'print(json.dumps([{"name": next((e.name for e in t if e.type=="track_name"), None), ' +
    '"programs": [e.program for e in t if e.type=="program_change"], ' +
    '"tempos": [round(mido.tempo2bpm(e.tempo), 3) for e in t if e.type=="set_tempo"], ' +
    '"notes": [e.note for e in t if e.type=="note_on" and e.velocity>0]} for t in m.tracks]))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' })) as Array<{
    name: string | null;
    programs: number[];
    tempos: number[];
    notes: number[];
  }>;
}
