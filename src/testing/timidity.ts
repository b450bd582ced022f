import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Renders a MIDI file with Debian's timidity (and the TimGM6mb soundfont), an independent player, and returns the WAV's length in
 * seconds and its peak sample. Null where timidity is missing on a developer's machine; CI installs
 * it, and there it must work.
 */
export function renderWithTimidity(file: string): { seconds: number; peak: number } | null {
  const bin = '/usr/bin/timidity';
  // Debian's timidity config wants the 120 MB fluid-soundfont-gm; the 5 MB TimGM6mb is enough here.
  const cfg = '/etc/timidity/timgm6mb.cfg';
  if (!fs.existsSync(bin) || !fs.existsSync(cfg)) {
    if (process.env.CI) throw new Error('timidity is required in CI (apt-get install timidity timgm6mb-soundfont)');
    return null;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-timidity-'));
  try {
    const wav = path.join(dir, 'out.wav');
    // 16-bit mono at 22.05 kHz is enough to hear that it plays; -A300 keeps quiet files audible.
    const r = spawnSync(bin, ['-c', cfg, '-Ow', '-o', wav, '-s', '22050', '--output-mono', '-A300', file], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`timidity failed on ${file}: ${(r.stderr || r.stdout).trim()}`);
    const buf = fs.readFileSync(wav);
    // The canonical 44-byte header timidity writes: data bytes at 40, 16-bit samples after it.
    const rate = buf.readUInt32LE(24);
    const channels = buf.readUInt16LE(22);
    const samples = (buf.length - 44) / 2;
    let peak = 0;
    for (let i = 44; i + 1 < buf.length; i += 2) peak = Math.max(peak, Math.abs(buf.readInt16LE(i)));
    return { seconds: samples / channels / rate, peak: peak / 32768 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
