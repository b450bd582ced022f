import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { soloById, soloByProgram } from '../../shared/instruments';
import { generateOptions } from '../../shared/options';
import { sharedCorpora } from '../../testing/corpora';
import { makeMidi, Q } from '../../testing/makeMidi';
import { readTracksWithMido } from '../../testing/mido';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { Catalog } from '../catalog/catalog';
import { readMidi } from '../midi/read';
import { initBackend } from '../model/backend';
import { chooseSolo, generateSamples } from './samples';

// The bundled piano model continues prompts with a solo part; the prompt is written into the file
// (includePrompt), so the solo part there shows where each instrument's notes land.
let chamber: TempCatalog;
let mozart: TempCatalog;
let empty: TempCatalog;
let celloPrompt: string;

beforeAll(async () => {
  await initBackend('auto');
  const corpus = sharedCorpora().chamber;
  chamber = await openTempCatalog('solo', [corpus]);
  // Clarinet (4 pieces: Mozart's trio and a complainte) outnumbers the viola (3) here.
  mozart = await openTempCatalog('solo-mozart', [path.join(corpus, 'MozartWA'), path.join(corpus, 'SardainL')]);
  empty = await openTempCatalog('solo-empty');
  // A cello line an octave and more below the violin, over a piano part.
  celloPrompt = path.join(chamber.home, 'cello-prompt.mid');
  const cello = [43, 47, 50, 55, 53, 52, 50, 48, 47, 45, 43, 50, 55, 59, 62, 60];
  fs.writeFileSync(
    celloPrompt,
    makeMidi([
      {
        name: 'Piano',
        program: 0,
        channel: 0,
        notes: cello.map((_, i) => [67 + (i % 5), i * Q, Q] as [number, number, number]),
      },
      {
        name: 'Violoncello',
        program: 42,
        channel: 1,
        notes: cello.map((p, i) => [p, i * Q, Q] as [number, number, number]),
      },
    ]),
  );
}, 120_000);
afterAll(() => {
  for (const t of [chamber, mozart, empty]) t?.dispose();
});

/** What the catalog's training pieces with piano and solo parts play, counted from the pieces themselves. */
function mostCommonSolo(catalog: Catalog): number | null {
  const counts = new Map<number, number>();
  for (const p of catalog.listPieces())
    if (p.split === 'train' && (p.ensemble === 'solo+piano' || p.ensemble === 'chamber'))
      for (const program of new Set(
        catalog
          .getPiece(p.id)
          .tracks.filter((t) => t.role === 'solo')
          .map((t) => t.program),
      ))
        counts.set(program, (counts.get(program) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return sorted[0]?.[0] ?? null;
}

const base = { checkpoint: 'best', count: 1, tokens: 40, sampling: { temperature: 1 }, seed: 5, includePrompt: true };

function soloTrackOf(file: string) {
  const piece = readMidi(fs.readFileSync(file), { pedal: false });
  return {
    piece,
    solo: piece.tracks.find((t) => t.role === 'solo'),
    soloPitches: piece.notes.filter((n) => n.voice === 'v').map((n) => n.pitch),
    piano: piece.notes.filter((n) => n.voice === 'p').map(({ pitch, start, end }) => ({ pitch, start, end })),
  };
}

describe('the solo instrument of a generated sample', () => {
  it('defaults to the most common solo instrument of the training pieces, else the violin', () => {
    expect(mostCommonSolo(chamber.catalog)).toBe(40);
    expect(chooseSolo(chamber.catalog, undefined, null).id).toBe('violin');
    expect(mostCommonSolo(mozart.catalog)).toBe(71);
    expect(chooseSolo(mozart.catalog, undefined, null).id).toBe('clarinet');
    expect(chooseSolo(empty.catalog, undefined, null).id).toBe('violin');
    // The prompt's instrument beats the catalog's, and one asked for beats both.
    expect(chooseSolo(mozart.catalog, undefined, soloById('cello')).id).toBe('cello');
    expect(chooseSolo(mozart.catalog, 'bassoon', soloById('cello')).id).toBe('bassoon');
  });

  it('continues a prompt with a cello part as cello: its track, program and range; stored with the sample', () => {
    const [s] = generateSamples(mozart.catalog, mozart.home, { ...base, prompt: { kind: 'file', path: celloPrompt } });
    expect(s!.solo).toBe('cello');
    expect(mozart.catalog.samples.get(s!.id).solo).toBe('cello');
    const { solo, soloPitches, piece } = soloTrackOf(s!.file);
    expect([solo?.name, solo?.program]).toEqual(['Cello', 42]);
    expect(soloPitches.length).toBeGreaterThan(0);
    expect(soloPitches.every((p) => p >= 36 && p <= 76)).toBe(true);
    expect(piece.notes.length).toBe(s!.noteCount);
    const mido = readTracksWithMido(s!.file);
    if (mido) {
      expect(mido.slice(1).map((t) => [t.name, t.programs])).toEqual([
        ['Piano', [0]],
        ['Cello', [42]],
      ]);
      expect(mido[0]!.tempos.length).toBe(1);
    }
  });

  it.each([['double-bass'], ['bassoon'], ['flute'], ['horn'], ['clarinet'], ['viola'], ['violin']] as const)(
    'writes the solo part for --solo %s in its range, the piano part as it was',
    (id) => {
      const inst = soloById(id);
      const prompt = { kind: 'file' as const, path: celloPrompt };
      const [asked] = generateSamples(mozart.catalog, mozart.home, { ...base, prompt, solo: id });
      const [cello] = generateSamples(mozart.catalog, mozart.home, { ...base, prompt, solo: 'cello' });
      expect(asked!.solo).toBe(id);
      const a = soloTrackOf(asked!.file);
      const c = soloTrackOf(cello!.file);
      expect([a.solo?.name, a.solo?.program]).toEqual([inst.name, inst.program]);
      expect(soloByProgram(a.solo!.program)?.id).toBe(id);
      expect(a.soloPitches.length).toBeGreaterThan(0);
      for (const p of a.soloPitches) {
        expect(p).toBeGreaterThanOrEqual(inst.low);
        expect(p).toBeLessThanOrEqual(inst.high);
      }
      // Same model, prompt and seed: the piano notes are identical whatever the solo instrument.
      expect(a.piano).toEqual(c.piano);
      expect(a.piano.length).toBeGreaterThan(0);
    },
  );

  it('stores no instrument for a sample without a solo part, and --solo is checked by the shared options', () => {
    const [s] = generateSamples(empty.catalog, empty.home, { ...base, includePrompt: false, prompt: { kind: 'none' } });
    const file = soloTrackOf(s!.file);
    expect(s!.solo).toBe(file.solo ? 'violin' : null);
    expect(generateOptions.safeParse({ solo: 'cello' }).success).toBe(true);
    const bad = generateOptions.safeParse({ solo: 'kazoo' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/unknown solo instrument "kazoo" \(expected violin, viola, cello/);
  });
});
