import { CommanderError } from 'commander';
import { ClaraError } from '../core/errors';
import { clean } from './output';

export const DEBUG_HINT = 'clara: run again with CLARA_DEBUG=1 to see where it happened';

/**
 * What the CLI prints for an error that ends a command, and its exit status: one line for an
 * error the user can act on (ours, or a file the system refused), one line and a hint for a bug,
 * and the stack trace only when CLARA_DEBUG is set.
 */
export function reportError(err: unknown, env: NodeJS.ProcessEnv = process.env): { text: string; exitCode: number } {
  const debug = Boolean(env.CLARA_DEBUG) && env.CLARA_DEBUG !== '0';
  const stack = debug && err instanceof Error && err.stack ? `${err.stack.split('\n').map(clean).join('\n')}\n` : '';
  // Commander has printed its own line (and usage hint) already.
  if (err instanceof CommanderError) return { text: '', exitCode: err.exitCode };
  if (err instanceof ClaraError) return { text: `clara: ${clean(err.message)}\n${stack}`, exitCode: 2 };
  const sys = err as NodeJS.ErrnoException | null;
  if (sys instanceof Error && typeof sys.code === 'string' && typeof sys.path === 'string') {
    return {
      text: `clara: ${clean(sys.path)}: cannot ${sys.syscall ?? 'use it'} (${sys.code})\n${stack}`,
      exitCode: 1,
    };
  }
  const message = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  const first = clean(message.split('\n')[0] ?? '');
  return { text: `clara: unexpected error: ${first}\n${stack || `${DEBUG_HINT}\n`}`, exitCode: 1 };
}
