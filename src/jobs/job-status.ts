// SeaTunnel's job statuses and the transitions the engine allows between them.

import { illegalTransition } from './errors.ts';

export const JOB_STATUSES = [
  'INITIALIZING',
  'CREATED',
  'PENDING',
  'SCHEDULED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'DOING_SAVEPOINT',
  'SAVEPOINT_DONE',
  'CANCELING',
  'CANCELED',
  'FINISHED',
  'UNKNOWABLE',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const END = new Set<JobStatus>(['FAILED', 'SAVEPOINT_DONE', 'CANCELED', 'FINISHED', 'UNKNOWABLE']);

export function isEndState(s: JobStatus): boolean {
  return END.has(s);
}

const NEXT: Record<JobStatus, readonly JobStatus[]> = {
  INITIALIZING: ['CREATED', 'FAILING', 'CANCELING'],
  CREATED: ['PENDING', 'SCHEDULED', 'FAILING', 'CANCELING'],
  PENDING: ['RUNNING', 'SCHEDULED', 'FAILING', 'CANCELING'],
  SCHEDULED: ['RUNNING', 'FAILING', 'CANCELING'],
  RUNNING: ['FINISHED', 'CANCELING', 'DOING_SAVEPOINT', 'FAILING'],
  DOING_SAVEPOINT: ['SAVEPOINT_DONE', 'FAILING', 'CANCELING'],
  CANCELING: ['CANCELED', 'FAILING'],
  FAILING: ['FAILED'],
  FINISHED: [],
  CANCELED: [],
  FAILED: [],
  SAVEPOINT_DONE: [],
  UNKNOWABLE: [],
};

/**
 * Checks a transition. Moving to the current state is a no-op (returns false); a move out of an
 * end state, or one the table does not list, throws.
 */
export function checkTransition(from: JobStatus, to: JobStatus): boolean {
  if (from === to) return false;
  if (!NEXT[from].includes(to)) throw illegalTransition(from, to);
  return true;
}

/** The terminal state once every pipeline has ended, in SeaTunnel's precedence order. */
export function finalStatus(pipelines: readonly ('FINISHED' | 'CANCELED' | 'FAILED')[], doingSavepoint: boolean): JobStatus {
  if (pipelines.includes('FAILED')) return 'FAILED';
  if (pipelines.includes('CANCELED')) return 'CANCELED';
  if (doingSavepoint) return 'SAVEPOINT_DONE';
  return 'FINISHED';
}

/** A finished-jobs filter: case-insensitive; unknown names match nothing. */
export function parseStatus(text: string): JobStatus | undefined {
  const up = text.toUpperCase();
  return (JOB_STATUSES as readonly string[]).includes(up) ? (up as JobStatus) : undefined;
}
