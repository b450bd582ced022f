// Trims a General MIDI soundfont to the instruments piano and chamber music need and writes it as
// the studio's shipped soundfont (resources/public/soundfonts/clara-gm.sf3): the renderer plays it
// with spessasynth_lib, `clara render` with spessasynth_core. Samples stay Ogg Vorbis compressed
// (an SF3 in, an SF3 out: spessasynth writes the compressed bit streams as they are).
//
//   npx tsx scripts/trim-soundfont.ts [SOURCE.sf3] [OUT.sf3]
//   default source: Debian's fluidr3mono-gm-soundfont, /usr/share/sounds/sf3/FluidR3Mono_GM.sf3
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SoundBankLoader } from 'spessasynth_core';

/** GM programs (0-based) kept, bank 0 only (the GM sounds; the variation banks are left out). */
export const KEPT_PROGRAMS: ReadonlyArray<readonly [number, number, string]> = [
  [0, 8, 'pianos, electric pianos, harpsichord, clavinet, celesta'],
  [19, 19, 'church organ'],
  [40, 49, 'violin, viola, cello, contrabass, tremolo and pizzicato strings, harp, timpani, string ensembles'],
  [52, 54, 'choir and voices'],
  [56, 61, 'trumpet, trombone, tuba, muted trumpet, horn, brass section'],
  [64, 79, 'saxophones, oboe, english horn, bassoon, clarinet, flutes, recorder and other pipes'],
];

const kept = (program: number): boolean => KEPT_PROGRAMS.some(([lo, hi]) => program >= lo && program <= hi);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? '/usr/share/sounds/sf3/FluidR3Mono_GM.sf3';
const out = process.argv[3] ?? path.join(root, 'resources/public/soundfonts/clara-gm.sf3');
if (!fs.existsSync(source)) {
  process.stderr.write(
    `trim-soundfont: ${source}: not found (apt-get install fluidr3mono-gm-soundfont, or name a .sf2/.sf3)\n`,
  );
  process.exit(2);
}
const bytes = fs.readFileSync(source);
const bank = SoundBankLoader.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const before = { presets: bank.presets.length, samples: bank.samples.length };
for (const preset of [...bank.presets])
  if (preset.isGMGSDrum || preset.bankMSB !== 0 || preset.bankLSB !== 0 || !kept(preset.program))
    bank.deletePreset(preset);
bank.removeUnusedElements();
bank.flush();
bank.soundBankInfo.name = 'Clara GM';
bank.soundBankInfo.comment =
  `Trimmed by Clara Studio (scripts/trim-soundfont.ts) from ${path.basename(source)} to the GM programs ` +
  `${KEPT_PROGRAMS.map(([lo, hi]) => (lo === hi ? lo : `${lo}-${hi}`)).join(', ')}.\n\n` +
  (bank.soundBankInfo.comment ?? '');
const written = new Uint8Array(
  bank.writeSF2({ software: 'Clara Studio trim-soundfont', writeDefaultModulators: true }),
);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, written);
process.stdout.write(
  JSON.stringify({
    source,
    out: path.relative(root, out),
    presets: [before.presets, bank.presets.length],
    samples: [before.samples, bank.samples.length],
    bytes: [bytes.length, written.length],
    kept: bank.presets.map((p) => `${p.bankMSB}:${p.program} ${p.name}`),
  }) + '\n',
);
