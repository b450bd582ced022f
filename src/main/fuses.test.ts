import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';
import { claraFuses, flipClaraFuses } from './fuses';

// Electron binaries carry the fuse wire after this sentinel: version 1, length, one byte a fuse.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = 0x31;
const OFF = 0x30;
function fakeElectron(file: string): void {
  const wire = Buffer.from([1, 8, ON, OFF, ON, ON, OFF, OFF, OFF, ON]); // Electron's defaults
  fs.writeFileSync(file, Buffer.concat([Buffer.alloc(64, 7), Buffer.from(SENTINEL), wire, Buffer.alloc(64, 7)]));
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-fuses-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('fuses', () => {
  it('turn off RunAsNode, NODE_OPTIONS, --inspect and file:// privileges; asar checks only with asar', async () => {
    const bin = path.join(tmp, 'electron');
    fakeElectron(bin);
    await flipClaraFuses(bin, { asar: false });
    const wire = (await getCurrentFuseWire(bin)) as unknown as Record<number, number>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(OFF);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(OFF);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
    expect(claraFuses({ asar: true })[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('the script flips a binary and names it in one line when it cannot', () => {
    const bin = path.join(tmp, 'electron2');
    fakeElectron(bin);
    const script = path.resolve('scripts/flip-fuses.mjs');
    execFileSync(process.execPath, [script, bin, '--asar'], { encoding: 'utf8' });
    expect(
      fs
        .readFileSync(bin)
        .subarray(64 + SENTINEL.length + 2, 64 + SENTINEL.length + 10)
        .toString(),
    ).toBe('01001100'); // RunAsNode off … asar on, file:// privileges off
    const notElectron = path.join(tmp, 'plain');
    fs.writeFileSync(notElectron, 'hello');
    let stderr = '';
    try {
      execFileSync(process.execPath, [script, notElectron], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      stderr = (err as { stderr: string }).stderr;
    }
    expect(stderr.trim().split('\n')).toEqual([
      `${notElectron}: Could not find sentinel in the provided Electron binary, fuses are only supported in Electron 12 and higher`,
    ]);
  });
});
