import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ClaraError } from '../core/errors';
import { MAX_SAMPLE_SECONDS, MAX_SAMPLE_WORDS } from '../core/generate/generate';
import { resolveUntil } from '../core/train/until';
import { parseLength } from './commands/generate';
import { clean } from './output';
import { DEBUG_HINT, reportError } from './report';

describe('what the CLI prints for an error', () => {
  it('one line for ours, with control characters made visible', () => {
    const r = reportError(new ClaraError('is not a MIDI file', 'bad-midi', '/music/evil\x1b[2J.mid'), {});
    expect(r).toEqual({ text: 'clara: /music/evil\\u001b[2J.mid: is not a MIDI file\n', exitCode: 2 });
  });

  it('one line naming the file for a system error', () => {
    const err = Object.assign(new Error("EACCES: permission denied, open '/out/x.mid'"), {
      code: 'EACCES',
      path: '/out/x.mid',
      syscall: 'open',
    });
    expect(reportError(err, {})).toEqual({ text: 'clara: /out/x.mid: cannot open (EACCES)\n', exitCode: 1 });
  });

  it('one line and a hint for a bug; the stack only with CLARA_DEBUG', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')\nmore");
    const plain = reportError(bug, {});
    expect(plain.exitCode).toBe(1);
    expect(plain.text).toBe(
      `clara: unexpected error: TypeError: Cannot read properties of undefined (reading 'x')\n${DEBUG_HINT}\n`,
    );
    const debug = reportError(bug, { CLARA_DEBUG: '1' });
    expect(debug.text).toMatch(/^clara: unexpected error: TypeError: .*\nTypeError: .*\nmore\n\s+at /);
    expect(reportError('a string', {}).text).toBe(`clara: unexpected error: a string\n${DEBUG_HINT}\n`);
  });

  it('nothing more for commander, which has printed its line already', () => {
    expect(reportError(new CommanderError(1, 'commander.invalidArgument', 'bad'), {})).toEqual({
      text: '',
      exitCode: 1,
    });
  });

  it('clean() leaves ordinary text alone, accents and symbols included', () => {
    expect(clean('Für Elise — ★ 1/2')).toBe('Für Elise — ★ 1/2');
    expect(clean('a\x07b\x9bc\u202ed\r')).toBe('a\\u0007b\\u009bc\\u202ed\\u000d');
  });
});

describe('flag values', () => {
  it('--length: words or a time; nothing or less refused; past the cap cut to it and said', () => {
    expect(parseLength('2000')).toEqual({ tokens: 2000 });
    expect(parseLength('1m30s')).toEqual({ seconds: 90 });
    for (const bad of ['0', '0s', '0m', '-5', 'abc', '1e9', '']) expect(() => parseLength(bad)).toThrow(/^--length: /);
    expect(parseLength('10000m')).toEqual({
      seconds: MAX_SAMPLE_SECONDS,
      capped: '--length: 10000m is past the cap; generating 60 minutes',
    });
    expect(parseLength('99999999999999999999')).toMatchObject({
      tokens: MAX_SAMPLE_WORDS,
      capped: expect.stringMatching(/past the cap/),
    });
  });

  it('--until: a clock time or a date-time in the future, else one line naming it', () => {
    const now = new Date('2026-11-25T12:00:00');
    expect(new Date(resolveUntil('07:00', now)).getHours()).toBe(7);
    for (const bad of ['99:99', '24:00', '7:5x', '12:60', 'tomorrow'])
      expect(() => resolveUntil(bad, now)).toThrow(/^--until: /);
  });
});
