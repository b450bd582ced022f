import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleTemp, writeDirAtomic } from './atomicDir';
import { saveClassifier } from './critic/classifier';

const roots: string[] = [];
const tmpRoot = (): string => {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-atomic-'));
  roots.push(r);
  return r;
};
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
});

describe('writeDirAtomic', () => {
  it('replaces a folder only once the new one is complete', () => {
    const dir = path.join(tmpRoot(), 'runs', 'r1', 'latest');
    writeDirAtomic(dir, (tmp) => fs.writeFileSync(path.join(tmp, 'a'), 'old'));
    writeDirAtomic(dir, (tmp) => {
      expect(tmp).toBe(`${dir}.tmp-${process.pid}`);
      expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('old');
      fs.mkdirSync(path.join(tmp, 'sub'));
      fs.writeFileSync(path.join(tmp, 'sub', 'b'), 'new');
    });
    expect(fs.readdirSync(dir)).toEqual(['sub']);
    expect(fs.readFileSync(path.join(dir, 'sub', 'b'), 'utf8')).toBe('new');
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['latest']);
  });

  it('leaves the old folder and no temporary one when writing fails', () => {
    const dir = path.join(tmpRoot(), 'classifiers', 'c');
    writeDirAtomic(dir, (tmp) => fs.writeFileSync(path.join(tmp, 'a'), 'old'));
    expect(() =>
      writeDirAtomic(dir, (tmp) => {
        fs.writeFileSync(path.join(tmp, 'a'), 'half');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('old');
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['c']);
  });

  it('cleans half-written classifier folders left by a dead process', () => {
    const root = tmpRoot();
    const dead = path.join(root, 'classifiers', `critic-x.tmp-999999999`);
    fs.mkdirSync(dead, { recursive: true });
    const live = path.join(root, 'classifiers', `critic-y.tmp-${process.ppid}`);
    fs.mkdirSync(live, { recursive: true });
    expect(removeStaleTemp(path.join(root, 'classifiers'))).toEqual([dead]);
    expect(fs.existsSync(live)).toBe(true);
  });
});

describe('saveClassifier', () => {
  it('writes through the shared atomic write (a failure leaves nothing behind)', () => {
    const dir = path.join(tmpRoot(), 'classifiers', 'critic-1');
    const head = {
      save: () => {
        throw new Error('disk full');
      },
    } as unknown as Parameters<typeof saveClassifier>[1];
    expect(() => saveClassifier(dir, head, {} as never, path.join(dir, '..', 'enc'), false)).toThrow('disk full');
    expect(fs.readdirSync(path.dirname(dir))).toEqual([]);
  });

  it('cleans a dead save beside it before writing', () => {
    const classifiers = path.join(tmpRoot(), 'classifiers');
    const dead = path.join(classifiers, 'critic-0.tmp-999999999');
    fs.mkdirSync(dead, { recursive: true });
    const head = { save: (f: string) => fs.writeFileSync(f, 'w') } as unknown as Parameters<typeof saveClassifier>[1];
    saveClassifier(path.join(classifiers, 'critic-1'), head, {} as never, path.join(classifiers, 'enc'), false);
    expect(fs.readdirSync(classifiers)).toEqual(['critic-1']);
    expect(fs.readdirSync(path.join(classifiers, 'critic-1')).sort()).toEqual(['classifier.json', 'head.bin']);
  });
});
