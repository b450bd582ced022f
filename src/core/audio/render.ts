import fs from 'node:fs';
import {
  BasicMIDI,
  BasicSoundBank,
  SoundBankLoader,
  SpessaLog,
  SpessaSynthProcessor,
  SpessaSynthSequencer,
} from 'spessasynth_core';
import { bundledSoundfont } from '../corpus/demo';
import { ClaraError, MidiInputError, errorMessage } from '../errors';
import { readMidi } from '../midi/read';
import { encodeWav16, normalizePeak } from '../../shared/wav';

/**
 * Offline rendering of a MIDI file to audio with a General MIDI soundfont (spessasynth_core's
 * synthesizer and sequencer, the engine the studio's player runs in the browser through
 * spessasynth_lib): `clara render` and the studio's WAV export both come here.
 */

export const DEFAULT_SAMPLE_RATE = 44_100;
/** Seconds rendered past the MIDI's end so the last notes' release and the reverb die away. */
export const RELEASE_TAIL_S = 1.5;
/** Frames per render call: spessasynth updates modulators and LFOs once per call, so it stays small. */
const BLOCK = 128;

export interface RenderOptions {
  /** A .sf2 or .sf3 file; the shipped soundfont when not given. */
  soundfont?: string;
  sampleRate?: number;
  tailSeconds?: number;
}

export interface RenderResult {
  /** A 16-bit PCM stereo WAV file. */
  wav: Uint8Array;
  sampleRate: number;
  /** The MIDI's length as the sequencer plays it, and the audio's (that plus the tail). */
  midiSeconds: number;
  seconds: number;
  /** The loudest sample as synthesised, and the gain that brought it to −1 dBFS. */
  peak: number;
  gain: number;
  soundfont: string;
}

// Quiet spessasynth's console chatter (load and voice messages); errors still throw.
SpessaLog.setLogLevel(false, false, false);

/** Soundfonts by path, reloaded when the file changes: the studio renders one sample after another. */
const banks = new Map<string, { mtimeMs: number; size: number; bank: BasicSoundBank }>();

function loadSoundfont(file: string, flag: string): BasicSoundBank {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new ClaraError(
      `cannot read the soundfont (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      'bad-soundfont',
      file,
    );
  }
  const cached = banks.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.bank;
  const bytes = fs.readFileSync(file);
  const tag = (at: number) => bytes.subarray(at, at + 4).toString('latin1');
  if (bytes.length < 12 || tag(0) !== 'RIFF' || !['sfbk', 'DLS '].includes(tag(8)))
    throw new ClaraError(
      `is not a SoundFont (.sf2/.sf3) or DLS file${flag ? ` (${flag})` : ''}`,
      'bad-soundfont',
      file,
    );
  let bank: BasicSoundBank;
  try {
    bank = SoundBankLoader.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch (err) {
    throw new ClaraError(`is a damaged soundfont (${errorMessage(err)})`, 'bad-soundfont', file);
  }
  if (bank.presets.length === 0) throw new ClaraError('has no instruments (presets)', 'bad-soundfont', file);
  for (const key of banks.keys()) if (banks.size >= 2 && key !== file) banks.delete(key);
  banks.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, bank });
  return bank;
}

/** The soundfont a render uses: the one named, else the shipped one. */
export function soundfontPath(given?: string): string {
  if (given) return given;
  const shipped = bundledSoundfont();
  if (!shipped)
    throw new ClaraError(
      'the shipped soundfont is missing (resources/public/soundfonts/clara-gm.sf3); give one with --soundfont',
      'no-soundfont',
      'soundfont',
    );
  return shipped;
}

/**
 * Renders MIDI bytes to a stereo 16-bit WAV: the whole file from its start (leading rests kept, so
 * the audio lines up with the MIDI), plus a release tail. `name` is the file named in errors.
 */
export async function renderMidi(bytes: Uint8Array, name: string, o: RenderOptions = {}): Promise<RenderResult> {
  const sampleRate = o.sampleRate ?? DEFAULT_SAMPLE_RATE;
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 192_000)
    throw new ClaraError('must be a whole number of Hz from 8000 to 192000', 'bad-option', '--sample-rate');
  const tail = o.tailSeconds ?? RELEASE_TAIL_S;
  // Our reader first: a bad file is one line naming it and the reason, as everywhere else.
  readMidi(bytes, { path: name, pedal: false });
  let midi: BasicMIDI;
  try {
    midi = BasicMIDI.fromArrayBuffer(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      name,
    );
  } catch (err) {
    throw new MidiInputError(`cannot be played (${errorMessage(err)})`, name);
  }
  const sf = soundfontPath(o.soundfont);
  const bank = loadSoundfont(sf, o.soundfont ? '--soundfont' : '');
  await BasicSoundBank.isSF3DecoderReady;

  const synth = new SpessaSynthProcessor(sampleRate, { eventsEnabled: false, maxBufferSize: BLOCK });
  synth.soundBankManager.addSoundBank(bank, 'main');
  await synth.processorInitialized;
  synth.setSystemParameter('autoAllocateVoices', true);
  const seq = new SpessaSynthSequencer(synth);
  seq.skipToFirstNoteOn = false;
  seq.loopCount = 0;
  seq.loadNewSongList([midi]);
  seq.play();

  const midiSeconds = midi.duration;
  const frames = Math.ceil(sampleRate * (midiSeconds + tail));
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  // Yield to the event loop about every half second of audio, so a studio rendering a sample keeps answering.
  const yieldEvery = BLOCK * Math.ceil(sampleRate / 2 / BLOCK);
  for (let at = 0; at < frames; at += BLOCK) {
    seq.processTick();
    synth.process(left, right, at, Math.min(BLOCK, frames - at));
    if (at % yieldEvery === 0 && at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  synth.soundBankManager.deleteSoundBank('main');
  const { peak, gain } = normalizePeak([left, right]);
  return {
    wav: encodeWav16([left, right], sampleRate),
    sampleRate,
    midiSeconds,
    seconds: frames / sampleRate,
    peak,
    gain,
    soundfont: sf,
  };
}

/** Renders a MIDI file to a WAV file; returns what renderMidi says, with the file written. */
export async function renderMidiFile(
  input: string,
  output: string,
  o: RenderOptions = {},
): Promise<Omit<RenderResult, 'wav'> & { bytes: number }> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(input);
  } catch (err) {
    throw new ClaraError(
      `cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`,
      'not-found',
      input,
    );
  }
  const { wav, ...rest } = await renderMidi(bytes, input, o);
  fs.writeFileSync(output, wav);
  return { ...rest, bytes: wav.length };
}
