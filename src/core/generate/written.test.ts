import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCorpus } from '../../testing/corpora';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { readMidi } from '../midi/read';
import { parseSmf, ticksToSeconds } from '../midi/parse';
import { notesInSeconds } from '../midi/slice';
import { initBackend } from '../model/backend';
import { pieceFromMidi } from '../music/fromMidi';
import { estimateKey, isSameOrRelated } from '../music/keyProfile';
import { keySignatureOf, parseKey, shiftBetween } from './key';
import { Catalog } from '../catalog/catalog';
import { generateSamples } from './samples';

// The bundled model (velocity-free, older checkpoint format) on the demo corpus: what a new user has.
let t: TempCatalog;
beforeAll(async () => {
  await initBackend('auto');
  t = await openTempCatalog('written', [path.join(demoCorpus, 'Chopin'), path.join(demoCorpus, 'Schumann')]);
});
afterAll(() => t.dispose());

const base = {
  checkpoint: 'best',
  count: 2,
  seconds: 12,
  sampling: { temperature: 1, topN: 3, truncProb: 0.8 },
  seed: 3,
};
const pieceNamed = (re: RegExp) => t.catalog.listPieces().find((p) => re.test(p.fileName))!;

describe('tempo, metre and key of pieces', () => {
  it("keeps each piece's tempo map, metre and key signature in the catalog", () => {
    const p = t.catalog.getPiece(pieceNamed(/chpn-p7/).id);
    expect(p.timing.tempos.length).toBe(33);
    expect(p.timing.timeSignatures[0]).toEqual({ tick: 0, numerator: 3, denominator: 4 });
    expect(p.timing.keySignatures[0]).toEqual({ tick: 0, sharps: 3, minor: false });
    const changes = t.catalog.getPiece(pieceNamed(/scn15_13/).id).timing.timeSignatures;
    expect(changes.map((x) => `${x.numerator}/${x.denominator}`)).toEqual(['4/4', '5/4', '4/4']);
  });

  it("places the roll's notes through the tempo map, not one average tempo", () => {
    const p = t.catalog.getPiece(pieceNamed(/chpn-p20/).id);
    const { notes, ppq } = t.catalog.pieceNotes(p.id);
    const roll = notesInSeconds(notes, ppq, p.durationBeats * ppq, p.durationSeconds, p.timing.tempos);
    const flat = notesInSeconds(notes, ppq, p.durationBeats * ppq, p.durationSeconds);
    const file = parseSmf(fs.readFileSync(p.path));
    const byStart = [...notes].sort((a, b) => a.start - b.start || a.pitch - b.pitch);
    let worstFlat = 0;
    byStart.forEach((n, k) => {
      const truth = ticksToSeconds(file.tempos, ppq, n.start);
      expect(roll.start[k]).toBeCloseTo(truth, 3);
      worstFlat = Math.max(worstFlat, Math.abs(flat.start[k]! - truth));
    });
    // What one average tempo got wrong in this rubato prelude.
    expect(worstFlat).toBeGreaterThan(0.5);
  });
});

describe('samples written with a tempo, metre and key', () => {
  it("takes the prompt's tempo and metre when prompted", () => {
    const p = pieceNamed(/chpn-p7/);
    const [s] = generateSamples(t.catalog, t.home, { ...base, count: 1, prompt: { kind: 'piece', pieceId: p.id } });
    expect(s!.meter).toBe('3/4');
    const file = parseSmf(fs.readFileSync(s!.file));
    expect(file.timeSignatures[0]!.timeSignature).toEqual([3, 4]);
    // The opening's average tempo: Chopin's prelude 7 is an Andantino, around 100 a quarter here.
    expect(s!.bpm).toBeGreaterThan(60);
    expect(s!.bpm).toBeLessThan(140);
    expect(file.tempos[0]!.bpm).toBeCloseTo(s!.bpm, 0);
  });

  it('writes the tempo asked for, and the chosen key as a key signature; the music leans into the key', () => {
    const dMinor = parseKey('D minor');
    const related = (rows: Array<{ file: string }>) =>
      rows.filter((s) => {
        const k = estimateKey(pieceFromMidi(fs.readFileSync(s.file)).notes);
        return k !== null && isSameOrRelated(dMinor, k);
      }).length;
    const asked = { ...base, count: 6, seconds: 16, prompt: { kind: 'none' as const }, bpm: 90 };
    const rows = generateSamples(t.catalog, t.home, { ...asked, key: dMinor });
    for (const s of rows) {
      expect(s).toMatchObject({ bpm: 90, key: 'D minor', meter: '4/4' });
      const file = parseSmf(fs.readFileSync(s.file));
      expect(file.tempos[0]!.bpm).toBeCloseTo(90, 3);
      expect(file.keySignatures[0]).toMatchObject({ sharps: -1, minor: true });
    }
    const free = generateSamples(t.catalog, t.home, asked);
    expect(free[0]!.key).toBeNull();
    // Same seeds: with the key asked for, more of them come out in D minor or a key next to it.
    expect(related(rows)).toBeGreaterThanOrEqual(4);
    expect(related(rows)).toBeGreaterThan(related(free));
  });

  it('continues a sample, keeps the lineage, and can play the prompt in context', () => {
    const [first] = generateSamples(t.catalog, t.home, { ...base, count: 1, prompt: { kind: 'none' } });
    const [next] = generateSamples(t.catalog, t.home, {
      ...base,
      count: 1,
      prompt: { kind: 'sample', sampleId: first!.id },
      includePrompt: true,
    });
    expect(t.catalog.samples.get(next!.id).parentId).toBe(first!.id);
    expect(next!.prompt).toMatchObject({ kind: 'sample', sampleId: first!.id });
    const a = readMidi(fs.readFileSync(first!.file), { pedal: false }).notes;
    const b = readMidi(fs.readFileSync(next!.file), { pedal: false }).notes;
    // The new file starts with the sample it continues (its first notes, note for note).
    const head = (ns: typeof a) => ns.slice(0, 20).map((n) => [n.pitch, Math.round(n.start / 40)]);
    expect(head(b)).toEqual(head(a));
    expect(next!.durationS).toBeGreaterThan(first!.durationS);
    // Deleting the parent leaves the child, its lineage cleared.
    Catalog.internalDb(t.catalog).prepare(`DELETE FROM samples WHERE id = ?`).run(first!.id);
    expect(t.catalog.samples.get(next!.id).parentId).toBeNull();
  });
});

describe('keys', () => {
  it('reads key names and moves music by the smallest shift, onto the relative key across modes', () => {
    expect(parseKey('D minor')).toEqual({ tonic: 2, mode: 'minor' });
    expect(parseKey('F# major')).toEqual({ tonic: 6, mode: 'major' });
    expect(parseKey('Bb')).toEqual({ tonic: 10, mode: 'major' });
    expect(parseKey('ebm')).toEqual({ tonic: 3, mode: 'minor' });
    expect(() => parseKey('H dur')).toThrow(/--key: "H dur" is not a key/);
    expect(shiftBetween({ tonic: 0, mode: 'major' }, { tonic: 2, mode: 'major' })).toBe(2);
    expect(shiftBetween({ tonic: 0, mode: 'major' }, { tonic: 10, mode: 'major' })).toBe(-2);
    expect(shiftBetween({ tonic: 0, mode: 'major' }, { tonic: 2, mode: 'minor' })).toBe(5); // C major → F major, D minor's notes
    expect(keySignatureOf({ tonic: 2, mode: 'minor' })).toEqual({ sharps: -1, minor: true });
    expect(keySignatureOf({ tonic: 6, mode: 'major' })).toEqual({ sharps: -6, minor: false });
    expect(keySignatureOf({ tonic: 4, mode: 'major' })).toEqual({ sharps: 4, minor: false });
  });
});
