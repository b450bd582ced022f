import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWithMido } from '../testing/mido';
import Database from 'better-sqlite3';
import { demoCorpus, repo, sharedCorpora } from '../testing/corpora';

const bin = path.join(repo, 'bin', 'clara.mjs');
let dir: string;

function clara(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input, env: { ...process.env, CLARA_HOME: path.join(dir, 'home') } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}


beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('clara CLI', () => {
  const { piano, chamber } = sharedCorpora();

  it('encode → decode reproduces a piano piece, and the MIDI it writes is read by another parser', () => {
    const src = path.join(piano, 'Chopin', 'chp_op18.mid');
    const enc = clara(['encode', src, '--encoding', 'notewise']);
    expect(enc.code).toBe(0);
    const words = enc.stdout.trim().split(' ');
    expect(words.slice(0, 4)).toEqual(['p37', 'wait23', 'endp37', 'wait1']);
    fs.writeFileSync(path.join(dir, 'chopin.txt'), enc.stdout);
    const out = path.join(dir, 'chopin.mid');
    const dec = clara(['decode', path.join(dir, 'chopin.txt'), '--encoding', 'notewise', '--sample-freq', '12', '-o', out]);
    expect(dec.code, dec.stderr).toBe(0);
    // Encoding the decoded file gives the same words: the round trip is exact.
    const again = clara(['encode', out, '--encoding', 'notewise', '--no-pedal']);
    expect(again.stdout).toBe(enc.stdout);
    const seen = readWithMido(out);
    if (seen) expect(seen.notes).toBe(words.filter((w) => /^p\d+$/.test(w)).length);
  });

  it('decodes chamber music with the solo part on its own track and program, from stdin', () => {
    const src = path.join(chamber, 'HandelGF', 'HWV361', 'hwv361', 'HWV361-score-2.mid');
    const enc = clara(['encode', src, '--encoding', 'chordwise', '--sample-freq', '4', '--transpose', '-2']);
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stdout.split(' ')[0]).toMatch(/^v[01]{62}p[01]{62}$/);
    const out = path.join(dir, 'handel.mid');
    const dec = clara(['decode', '-', '--encoding', 'chordwise', '--sample-freq', '4', '--solo-program', '42', '-o', out], enc.stdout);
    expect(dec.code, dec.stderr).toBe(0);
    const seen = readWithMido(out);
    if (seen) expect(seen.tracks).toBe(3);
  });

  it('says clearly what is wrong with bad arguments and files', () => {
    const notMidi = path.join(dir, 'x.mid');
    fs.writeFileSync(notMidi, 'hello');
    expect(clara(['encode', notMidi, '--encoding', 'notewise']).stderr).toMatch(/x\.mid: not a MIDI file/);
    expect(clara(['encode', notMidi, '--encoding', 'wordwise']).stderr).toMatch(/not a MIDI file|unknown encoding/);
    expect(clara(['encode', path.join(demoCorpus, 'Bach', 'bach_846.mid'), '--encoding', 'wordwise']).stderr).toMatch(/encoding: unknown encoding "wordwise"/);
    expect(clara(['encode', path.join(dir, 'nope.mid'), '--encoding', 'notewise']).stderr).toMatch(/nope\.mid: cannot read \(ENOENT\)/);
    expect(clara(['encode', notMidi, '--encoding', 'notewise', '--transpose', '9']).stderr).toMatch(/--transpose must be an integer from -6 to 5/);
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '  \n');
    expect(clara(['decode', empty, '--encoding', 'notewise', '-o', path.join(dir, 'e.mid')]).stderr).toMatch(/empty\.txt: holds no words/);
  });

  it('imports with a JSON report of failures, then exports Clara-style text by split and shift', () => {
    const lib = path.join(dir, 'lib');
    fs.cpSync(path.join(demoCorpus, 'Bach'), path.join(lib, 'Bach'), { recursive: true });
    fs.writeFileSync(path.join(lib, 'Bach', 'broken.mid'), fs.readFileSync(path.join(demoCorpus, 'Bach', 'bach_846.mid')).subarray(0, 500));
    const r = clara(['import', lib, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { imported: number; failed: Array<{ path: string; error: string }> };
    expect(report.imported).toBe(3);
    expect(report.failed).toEqual([{ path: path.join(lib, 'Bach', 'broken.mid'), error: expect.stringMatching(/^truncated/) }]);

    const out = path.join(dir, 'text');
    const ex = clara(['export-text', '--encoding', 'notewise', '--out', out, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    const files = [...fs.readdirSync(path.join(out, 'train')), ...fs.readdirSync(path.join(out, 'test'))];
    expect(files.length).toBe(JSON.parse(ex.stdout).files);
    expect(files.length).toBeGreaterThanOrEqual(3 * 9);
    expect(files.some((f) => /_t-?\d\.txt$/.test(f))).toBe(true);
    // A test piece's shifts are all in test/, never in train/.
    const stems = (d: string) => new Set(fs.readdirSync(path.join(out, d)).map((f) => f.replace(/_t[+-]\d+\.txt$/, '')));
    for (const s of stems('test')) expect(stems('train').has(s)).toBe(false);
  });

  it('leaves a consistent catalog when an import is killed with SIGKILL', async () => {
    const home = path.join(dir, 'killed');
    const child = spawn(process.execPath, [bin, 'import', piano, '--data-dir', home, '--json'], { stdio: 'ignore' });
    const db = () => new Database(path.join(home, 'catalog.sqlite'), { readonly: true });
    // Wait until some pieces are in, then kill it mid-run.
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        try {
          if (fs.existsSync(path.join(home, 'catalog.sqlite'))) {
            const d = db();
            const n = (d.prepare('SELECT count(*) AS c FROM pieces').get() as { c: number }).c;
            d.close();
            if (n >= 20) {
              clearInterval(poll);
              child.kill('SIGKILL');
              resolve();
            }
          }
        } catch {
          /* the schema may not exist yet */
        }
        if (Date.now() - started > 60_000) {
          clearInterval(poll);
          reject(new Error('import never got going'));
        }
      }, 20);
    });
    await new Promise((r) => child.on('exit', r));
    const d = db();
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    const half = d.prepare(`SELECT count(*) AS c FROM pieces p WHERE NOT EXISTS (SELECT 1 FROM piece_notes n WHERE n.piece_id = p.id)
       OR (SELECT count(*) FROM piece_encodings e WHERE e.piece_id = p.id) <> 2 OR NOT EXISTS (SELECT 1 FROM tracks t WHERE t.piece_id = p.id)`).get() as { c: number };
    expect(half.c).toBe(0);
    const kept = (d.prepare('SELECT count(*) AS c FROM pieces').get() as { c: number }).c;
    d.close();
    expect(kept).toBeGreaterThanOrEqual(20);
    // Importing again finishes the job: nothing lost, nothing doubled, the killed run marked interrupted.
    const r = clara(['import', piano, '--data-dir', home, '--json']);
    const report = JSON.parse(r.stdout) as { imported: number; unchanged: number };
    expect(report.unchanged).toBe(kept);
    expect(report.imported + report.unchanged).toBe(337);
    const imports = JSON.parse(clara(['imports', '--data-dir', home, '--json']).stdout) as Array<{ status: string }>;
    expect(imports.map((i) => i.status)).toEqual(['done', 'interrupted']);
  });
});
