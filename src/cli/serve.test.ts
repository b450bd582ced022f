import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repo } from '../testing/corpora';
import { serveToken } from './commands/serve';

const bin = path.join(repo, 'bin', 'clara.mjs');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-serve-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function clara(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [bin, '--data-dir', path.join(dir, 'home'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CLARA_TOKEN: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stderr: r.stderr };
}

const good = 'Zx9_k3-Qm7wP2rT8vB4nL6yH';

describe('clara serve: where the token comes from', () => {
  it('takes it from --token-file (trailing newline ignored) or CLARA_TOKEN, never needing it in argv', () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, `${good}\n`, { mode: 0o600 });
    expect(serveToken({ tokenFile: file }, {})).toBe(good);
    expect(serveToken({}, { CLARA_TOKEN: good })).toBe(good);
    expect(serveToken({}, {})).toBeUndefined();
    expect(serveToken({}, { CLARA_TOKEN: '' })).toBeUndefined();
  });

  it('refuses --token in one line (it would show in ps), with where to put the token instead', () => {
    const r = clara(['serve', '--token', good]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--token.*ps.*--token-file.*CLARA_TOKEN/);
    expect(r.stderr).not.toContain(good);
  });

  it('says in one line, naming the source, when a token is too short or unreadable', () => {
    const short = path.join(dir, 'short');
    fs.writeFileSync(short, 'short\n');
    expect(() => serveToken({ tokenFile: short }, {})).toThrow(`--token-file ${short}: the token must be 16 to 128`);
    expect(() => serveToken({}, { CLARA_TOKEN: 'short' })).toThrow('CLARA_TOKEN: the token must be 16 to 128');
    expect(() => serveToken({}, { CLARA_TOKEN: `${good}; rm -rf /` })).toThrow('CLARA_TOKEN: the token must be');
    expect(() => serveToken({ token: 'short' }, {})).toThrow(/^--token: refused/);
    // Through the real CLI: one line, no stack trace.
    const missing = path.join(dir, 'missing');
    const r = clara(['serve', '--token-file', missing]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n'), r.stderr).toEqual([
      `clara: --token-file ${missing}: cannot read the token file (ENOENT)`,
    ]);
  });
});
