import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repo } from './corpora';

export type JsonEvent = { type: string; [k: string]: unknown };

/**
 * Runs `clara ARGS --data-dir HOME` as a user would (a child process) and collects its exit code,
 * output and the JSON-line events it printed (with --json).
 */
export function runClara(
  home: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number; stdout: string; stderr: string; events: JsonEvent[] } {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'clara.mjs'), ...args, '--data-dir', home], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"'))
    .map((l) => JSON.parse(l) as JsonEvent);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, events };
}
