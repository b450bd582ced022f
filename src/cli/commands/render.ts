import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_SAMPLE_RATE, renderMidiFile, soundfontPath } from '../../core/audio/render';
import { ClaraError } from '../../core/errors';
import { prepareFile } from '../../core/userPaths';
import { intArg } from '../options';
import { clean, printJson } from '../output';

/** `clara render FILE.mid -o FILE.wav`: a MIDI file as audio through a GM soundfont (core/audio/render.ts). */
export function registerRender(program: Command): void {
  program
    .command('render')
    .description('render a MIDI file to a 16-bit stereo WAV with a General MIDI soundfont (the shipped one by default)')
    .argument('<file.mid>', 'the MIDI file')
    .option('-o, --out <file.wav>', 'where to write the WAV (default: the MIDI file with .wav)')
    .option('--soundfont <file>', 'a .sf2 or .sf3 soundfont (default: the shipped clara-gm.sf3)')
    .option(
      '--sample-rate <hz>',
      `samples per second (default ${DEFAULT_SAMPLE_RATE})`,
      intArg('--sample-rate', 8000, 192_000),
      DEFAULT_SAMPLE_RATE,
    )
    .option('--json', 'print what was written as JSON')
    .action(async (input: string, f: { out?: string; soundfont?: string; sampleRate: number; json?: boolean }) => {
      const out = f.out ?? input.replace(/\.(mid|midi|smf|kar)$/i, '') + '.wav';
      if (path.resolve(out) === path.resolve(input))
        throw new ClaraError('would overwrite the MIDI file; name another --out', 'bad-option', `--out ${out}`);
      const file = prepareFile(out, '--out');
      const sf = soundfontPath(f.soundfont);
      const t0 = performance.now();
      const r = await renderMidiFile(input, file, { soundfont: sf, sampleRate: f.sampleRate });
      const wall = (performance.now() - t0) / 1000;
      if (f.json) return printJson({ ...r, out: file, wallSeconds: wall });
      process.stderr.write(
        `wrote ${clean(out)}: ${r.seconds.toFixed(1)} s at ${r.sampleRate} Hz in ${wall.toFixed(1)} s (${(r.seconds / wall).toFixed(1)}× real time)\n`,
      );
    });
}
