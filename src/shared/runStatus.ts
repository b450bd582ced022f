/**
 * A training run's life, in one place: its states, the moves between them, why it ended (a code
 * for programs, a sentence for people) and what another process may ask of it. The catalog
 * (core/catalog/runs.ts) refuses any write that is not a move listed here; the trainer that owns
 * a running row is the only one that ends it, and a parent asks through `requested` instead of
 * overwriting. Free of imports (and of zod), so the engine, the event schemas and the renderer
 * share it; it lives in shared/ because the states cross processes in the end event and RunRow.
 */

export const RUN_STATUSES = ['running', 'paused', 'stopped', 'finished', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type EndedStatus = Exclude<RunStatus, 'running'>;

/** Why a run is not running. Each ended state has its own codes, so a code implies its state. */
export const END_CODES = {
  finished: ['budget', 'early-stop'],
  stopped: ['user-stop'],
  paused: ['user-pause', 'studio-closed'],
  failed: ['error'],
  interrupted: ['process-died'],
} as const satisfies Record<EndedStatus, readonly string[]>;
export type EndCodeOf<S extends EndedStatus> = (typeof END_CODES)[S][number];
export type RunEndCode = EndCodeOf<EndedStatus>;

/** How a trainer may end its own run (interrupted is only ever observed from outside). */
export type TrainerEnd =
  | { status: 'finished'; code: EndCodeOf<'finished'> }
  | { status: 'stopped'; code: EndCodeOf<'stopped'> }
  | { status: 'paused'; code: EndCodeOf<'paused'> }
  | { status: 'failed'; code: EndCodeOf<'failed'> };
export type TrainerEndStatus = TrainerEnd['status'];

/**
 * Every allowed move. A running run ends in any ended state; an ended one can only be taken to
 * train again (a finished one only with a new budget: see `resumeRefusal`). Nothing else moves:
 * a paused run is not "stopped" by someone else, a finished one is not made resumable by hand.
 */
export const TRANSITIONS: { readonly [S in RunStatus]: readonly RunStatus[] } = {
  running: ['paused', 'stopped', 'finished', 'failed', 'interrupted'],
  paused: ['running'],
  stopped: ['running'],
  finished: ['running'],
  failed: ['running'],
  interrupted: ['running'],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether a code belongs to an ended state. */
export function codeFits(status: EndedStatus, code: string): code is RunEndCode {
  return (END_CODES[status] as readonly string[]).includes(code);
}

/** Statuses a run can be resumed from without a new budget. */
export const RESUMABLE: readonly RunStatus[] = ['paused', 'stopped', 'failed', 'interrupted'];

/**
 * Why a run in this state cannot be taken to train now, or null when it can: `busy` while some
 * process trains it, `finished` when it reached its end and no new budget extends it.
 */
export function resumeRefusal(status: RunStatus, o: { newBudget: boolean }): 'busy' | 'finished' | null {
  if (status === 'running') return 'busy';
  if (status === 'finished' && !o.newBudget) return 'finished';
  return null;
}

/**
 * What a parent (the studio) may ask of the process training a run. The trainer reads the request
 * between steps and ends its run as the table says, saving a checkpoint first.
 */
export const RUN_REQUESTS = ['pause', 'stop', 'close'] as const;
export type RunRequest = (typeof RUN_REQUESTS)[number];

export const REQUEST_ENDS = {
  pause: { status: 'paused', code: 'user-pause', reason: 'paused by the user' },
  stop: { status: 'stopped', code: 'user-stop', reason: 'stopped by the user' },
  // Only this code makes the studio resume the run when it opens again.
  close: { status: 'paused', code: 'studio-closed', reason: 'paused when the studio closed; resumes when it opens' },
} as const satisfies Record<RunRequest, TrainerEnd & { reason: string }>;
