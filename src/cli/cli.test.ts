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
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, CLARA_HOME: path.join(dir, 'home') },
  });
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
    // Clara's own words first (no dynamics), then the default with dynamics round-trips too.
    const clara0 = clara(['encode', src, '--encoding', 'notewise', '--velocity-bins', '0']);
    expect(clara0.stdout.trim().split(' ').slice(0, 4)).toEqual(['p37', 'wait23', 'endp37', 'wait1']);
    const enc = clara(['encode', src, '--encoding', 'notewise']);
    expect(enc.code).toBe(0);
    const words = enc.stdout.trim().split(' ');
    expect(words.slice(0, 5)).toEqual(['d9', 'p37', 'wait23', 'endp37', 'wait1']);
    fs.writeFileSync(path.join(dir, 'chopin.txt'), enc.stdout);
    const out = path.join(dir, 'chopin.mid');
    const dec = clara([
      'decode',
      path.join(dir, 'chopin.txt'),
      '--encoding',
      'notewise',
      '--sample-freq',
      '12',
      '-o',
      out,
    ]);
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
    const dec = clara(
      ['decode', '-', '--encoding', 'chordwise', '--sample-freq', '4', '--solo-program', '42', '-o', out],
      enc.stdout,
    );
    expect(dec.code, dec.stderr).toBe(0);
    const seen = readWithMido(out);
    if (seen) expect(seen.tracks).toBe(3);
  });

  it('says clearly what is wrong with bad arguments and files', () => {
    const notMidi = path.join(dir, 'x.mid');
    fs.writeFileSync(notMidi, 'hello');
    expect(clara(['encode', notMidi, '--encoding', 'notewise']).stderr).toMatch(/x\.mid: not a MIDI file/);
    expect(clara(['encode', notMidi, '--encoding', 'wordwise']).stderr).toMatch(/not a MIDI file|unknown encoding/);
    expect(clara(['encode', path.join(demoCorpus, 'Bach', 'bach_846.mid'), '--encoding', 'wordwise']).stderr).toMatch(
      /encoding: unknown encoding "wordwise"/,
    );
    expect(clara(['encode', path.join(dir, 'nope.mid'), '--encoding', 'notewise']).stderr).toMatch(
      /nope\.mid: cannot read \(ENOENT\)/,
    );
    expect(clara(['encode', notMidi, '--encoding', 'notewise', '--transpose', '9']).stderr).toMatch(
      /--transpose must be an integer from -6 to 5/,
    );
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '  \n');
    expect(clara(['decode', empty, '--encoding', 'notewise', '-o', path.join(dir, 'e.mid')]).stderr).toMatch(
      /empty\.txt: holds no words/,
    );
  });

  it('imports with a JSON report of failures, then exports Clara-style text by split and shift', () => {
    const lib = path.join(dir, 'lib');
    fs.cpSync(path.join(demoCorpus, 'Bach'), path.join(lib, 'Bach'), { recursive: true });
    fs.writeFileSync(
      path.join(lib, 'Bach', 'broken.mid'),
      fs.readFileSync(path.join(demoCorpus, 'Bach', 'bach_846.mid')).subarray(0, 500),
    );
    const r = clara(['import', lib, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { imported: number; failed: Array<{ path: string; error: string }> };
    expect(report.imported).toBe(3);
    expect(report.failed).toEqual([
      { path: path.join(lib, 'Bach', 'broken.mid'), error: expect.stringMatching(/^truncated/) },
    ]);

    const out = path.join(dir, 'text');
    const ex = clara(['export-text', '--encoding', 'notewise', '--out', out, '--json']);
    expect(ex.code, ex.stderr).toBe(0);
    const files = [...fs.readdirSync(path.join(out, 'train')), ...fs.readdirSync(path.join(out, 'test'))];
    expect(files.length).toBe(JSON.parse(ex.stdout).files);
    expect(files.length).toBeGreaterThanOrEqual(3 * 9);
    expect(files.some((f) => /_t-?\d\.txt$/.test(f))).toBe(true);
    // A test piece's shifts are all in test/, never in train/.
    const stems = (d: string) =>
      new Set(fs.readdirSync(path.join(out, d)).map((f) => f.replace(/_t[+-]\d+\.txt$/, '')));
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
    const half = d
      .prepare(
        `SELECT count(*) AS c FROM pieces p WHERE NOT EXISTS (SELECT 1 FROM piece_notes n WHERE n.piece_id = p.id)
       OR (SELECT count(*) FROM piece_encodings e WHERE e.piece_id = p.id) <> 2 OR NOT EXISTS (SELECT 1 FROM tracks t WHERE t.piece_id = p.id)`,
      )
      .get() as { c: number };
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

describe('bad input gets one clear line, never a stack trace', () => {
  let home: string;
  let best: string;
  const afile = (): string => path.join(dir, 'a-file');

  /** Runs clara on the prepared data folder and checks it failed with one line (plus commander's usage hint). */
  function refused(args: string[], pattern: RegExp, lines = 1): string {
    const r = clara(['--data-dir', home, ...args]);
    const err = r.stderr.trimEnd();
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).not.toBe(0);
    expect(err).not.toMatch(/\n\s+at /);
    expect(err.split('\n').length, err).toBeLessThanOrEqual(lines);
    expect(err).toMatch(pattern);
    return err;
  }

  beforeAll(() => {
    home = path.join(dir, 'bad-input');
    fs.writeFileSync(afile(), 'not a folder');
    expect(clara(['--data-dir', home, 'import', path.join(demoCorpus, 'Bach'), '--json']).code).toBe(0);
    const t = clara([
      '--data-dir',
      home,
      'train',
      '--preset',
      'tiny',
      '--steps',
      '1',
      '--eval-every',
      '1',
      '--val-tokens',
      '100',
      '--backend',
      'cpu',
      '--json',
    ]);
    expect(t.code, t.stderr).toBe(0);
    const run = fs.readdirSync(path.join(home, 'runs'))[0]!;
    best = path.join(
      home,
      'runs',
      run,
      fs.readdirSync(path.join(home, 'runs', run)).find((d) => d.startsWith('best-'))!,
    );
  });

  it('refuses a checkpoint with missing, truncated, oversized or non-finite weights, naming it', () => {
    const weights = path.join(best, 'weights.bin');
    const meta = path.join(best, 'checkpoint.json');
    const good = { weights: fs.readFileSync(weights), meta: fs.readFileSync(meta, 'utf8') };
    const gen = ['generate', '-n', '1', '--length', '20', '--backend', 'cpu'];
    try {
      fs.rmSync(weights);
      refused(gen, /^clara: \/.*weights\.bin: missing: the checkpoint has no weights$/);
      fs.writeFileSync(meta, good.meta.replace(/"hiddenSize":\d+/, '"hiddenSize":1000000000'));
      refused(gen, /checkpoint\.json: model\.hiddenSize 1000000000 is out of range/);
      fs.writeFileSync(meta, good.meta);
      const nan = Buffer.from(good.weights);
      nan.writeFloatLE(Number.NaN, 40);
      fs.writeFileSync(weights, nan);
      refused(gen, new RegExp(`^clara: ${best}: weight emb holds NaN or Inf`));
      refused(['export-model', 'best', '--out', path.join(dir, 'exported')], /weight emb holds NaN or Inf/);
    } finally {
      fs.writeFileSync(weights, good.weights);
      fs.writeFileSync(meta, good.meta);
    }
  });

  it('names a --data-dir or --out that is a file, lies under one, or cannot be created', () => {
    const f = afile();
    refused(['--data-dir', f, 'pieces'], new RegExp(`^clara: --data-dir ${f}: is a file, not a folder$`));
    refused(
      ['--data-dir', path.join(f, 'sub'), 'pieces'],
      new RegExp(`^clara: --data-dir ${f}/sub: ${f} is a file, not a folder$`),
    );
    if (process.platform === 'linux')
      refused(
        ['--data-dir', '/proc/clara-nope', 'pieces'],
        /^clara: --data-dir \/proc\/clara-nope: cannot create \/proc\/clara-nope \(ENOENT\)$/,
      );
    refused(['export-model', 'best', '--out', f], new RegExp(`^clara: --out ${f}: is a file, not a folder$`));
    refused(
      ['export-text', '--encoding', 'notewise', '--out', path.join(f, 'text')],
      /^clara: --out .*: .*a-file is a file, not a folder$/,
    );
    refused(
      ['generate', '-n', '1', '--length', '20', '--backend', 'cpu', '--out', f],
      /^clara: --out .*a-file: is a file, not a folder$/,
    );
    const words = path.join(dir, 'words.txt');
    fs.writeFileSync(words, 'p40 wait4 endp40 wait4');
    refused(
      ['decode', words, '--encoding', 'notewise', '-o', path.join(f, 'x.mid')],
      /^clara: --out .*x\.mid: .*a-file is a file, not a folder$/,
    );
    refused(['decode', words, '--encoding', 'notewise', '-o', dir], /^clara: --out .*: is a folder, not a file$/);
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      // Permissions do not bind root, so this one only runs as a normal user.
      const locked = path.join(dir, 'locked');
      fs.mkdirSync(locked, { mode: 0o555 });
      refused(
        ['export-model', 'best', '--out', path.join(locked, 'm')],
        /--out .*locked\/m: cannot create .* \(EACCES\)/,
      );
    }
  });

  it('refuses unknown imports, bad clock times, lengths and flag values in one line', () => {
    refused(['imports', '99999'], /^clara: import: no import #99999 \(see `clara imports`\)$/);
    // The parsers behind these are unit-tested in report.test.ts; here, that the CLI shows them as one line.
    refused(['train', '--until', '99:99', '--steps', '1'], /^clara: --until: "99:99" is not a clock time/);
    refused(['generate', '--length', '0'], /^clara: --length: must be at least 1 word/);
    refused(
      ['train', '--steps', '-1'],
      /^clara: option '--steps <n>' argument '-1' is invalid.*\n\(add --help for usage\)$/,
      2,
    );
    refused(['piece', 'abc'], /id must be an integer/, 2);
    refused(['train', '--preset', 'nope', '--steps', '1'], /^clara: --preset: unknown preset "nope"/);
    refused(['nonsense'], /unknown command 'nonsense'/, 2);
  });

  it('shows titles and names with their terminal escapes made harmless', () => {
    const db = new Database(path.join(home, 'catalog.sqlite'));
    const id = (db.prepare('SELECT min(id) AS id FROM pieces').get() as { id: number }).id;
    db.prepare('UPDATE pieces SET title = ? WHERE id = ?').run('Evil\x1b]0;pwned\x07\x1b[2J title', id);
    db.close();
    const list = clara(['--data-dir', home, 'pieces']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('Evil\\u001b]0;pwned\\u0007');
    const one = clara(['--data-dir', home, 'piece', String(id)]);
    expect(one.code, one.stderr).toBe(0);
    for (const out of [list.stdout, one.stdout]) expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});
