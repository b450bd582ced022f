import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  decodeWords,
  encodePiece,
  parseEncodingName,
  resolveEncodingOptions,
  splitWords,
  type EncodingOptions,
} from '../../core/encoding';
import { ClaraError } from '../../core/errors';
import { readUserFile } from '../../core/files';
import { readMidi } from '../../core/midi/read';
import { writeMidi } from '../../core/encoding/toMidi';
import { prepareFile } from '../../core/userPaths';
import { intArg } from '../options';

interface RangeFlags {
  encoding: string;
  sampleFreq: number;
  rangeLow: number;
  rangeSize: number;
  soloLow: number;
  velocityBins: number;
}

function addRangeOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--encoding <name>', 'notewise or chordwise')
    .option('--sample-freq <n>', 'time steps per quarter note', intArg('--sample-freq', 1, 96), 12)
    .option('--range-low <midi>', 'lowest MIDI pitch of the note range', intArg('--range-low', 0, 116), 33)
    .option('--range-size <n>', 'keys in the note range', intArg('--range-size', 12, 128), 62)
    .option('--solo-low <key>', 'lowest key index for the solo (v) voice', intArg('--solo-low', 0, 116), 22)
    .option(
      '--velocity-bins <n>',
      'notewise dynamics: velocity bins written as dN words (0: none, as in Clara)',
      intArg('--velocity-bins', 0, 32),
      16,
    );
}

function optionsOf(f: RangeFlags): EncodingOptions {
  return resolveEncodingOptions({
    sampleFreq: f.sampleFreq,
    rangeLow: f.rangeLow,
    rangeSize: f.rangeSize,
    soloLow: f.soloLow,
    velocityBins: f.velocityBins,
  });
}

export function registerEncode(program: Command): void {
  addRangeOptions(program.command('encode'))
    .description('print a MIDI file as Clara words, space-separated, on stdout')
    .argument('<file>', 'a .mid file')
    .option('--transpose <k>', 'shift in semitones, −6..+5', intArg('--transpose', -6, 5), 0)
    .option('--no-pedal', 'do not extend piano notes held by the sustain pedal')
    .action((file: string, f: RangeFlags & { transpose: number; pedal: boolean }) => {
      const o = optionsOf(f);
      const encoding = parseEncodingName(f.encoding);
      const bytes = readUserFile(file);
      const piece = readMidi(bytes, { path: file, pedal: f.pedal, fileStem: path.basename(file) });
      process.stdout.write(`${encodePiece(piece, encoding, o, f.transpose).join(' ')}\n`);
    });

  addRangeOptions(program.command('decode'))
    .description('write Clara words back to a type-1 MIDI file')
    .argument('<words>', 'a file of words, or - for stdin')
    .requiredOption('-o, --out <file.mid>', 'where to write the MIDI file')
    .option('--tempo <bpm>', 'quarter notes per minute', intArg('--tempo', 10, 400), 120)
    .option('--solo-program <n>', 'GM program (0-based) of the solo part', intArg('--solo-program', 0, 127), 40)
    .action((input: string, f: RangeFlags & { out: string; tempo: number; soloProgram: number }) => {
      const o = optionsOf(f);
      const encoding = parseEncodingName(f.encoding);
      const text = input === '-' ? fs.readFileSync(0, 'utf8') : readUserFile(input).toString('utf8');
      const words = splitWords(text);
      if (words.length === 0) throw new ClaraError('holds no words', 'bad-input', input === '-' ? 'stdin' : input);
      const { notes, skipped } = decodeWords(words, encoding, o);
      if (notes.length === 0)
        throw new ClaraError(
          `no notes decoded from ${words.length} words; is the encoding "${encoding}" right?`,
          'bad-input',
          input,
        );
      fs.writeFileSync(
        prepareFile(f.out, '--out'),
        writeMidi(notes, o, { tempo: f.tempo, soloProgram: f.soloProgram }),
      );
      process.stderr.write(`wrote ${notes.length} notes to ${f.out}${skipped ? ` (${skipped} words skipped)` : ''}\n`);
    });
}
