// Task and template errors, worded as Kapacitor's task store words them.

import { DomainError, defineError } from '../core/errors.ts';

/** A 400 with one of Kapacitor's validation texts; `hint` carries our suggestion for the fix, if any. */
export class TaskRequestError extends DomainError {
  readonly hint: string | undefined;
  readonly position: { line: number; char: number } | undefined;
  constructor(message: string, hint?: string, position?: { line: number; char: number }) {
    super('E_TASK_INVALID', 'invalid', message, hint || position ? { hint, position } : undefined);
    this.hint = hint;
    this.position = position;
  }
}

export const taskNotFound = defineError('E_TASK_NOT_FOUND', 'not_found', () => 'no task exists');
export const taskUpdateNotFound = defineError('E_TASK_UPDATE_NOT_FOUND', 'not_found', () => 'task does not exist, cannot update');
export const templateNotFound = defineError('E_TEMPLATE_NOT_FOUND', 'not_found', () => 'no template exists');
export const templateUpdateNotFound = defineError(
  'E_TEMPLATE_UPDATE_NOT_FOUND',
  'not_found',
  () => 'template does not exist, cannot update',
);
/** Starting an enabled task failed after it was stored (500, the task keeps the error). */
export const taskStartFailed = defineError('E_TASK_START', 'internal', (message: string) => message);
/** Re-applying a template to its tasks failed; everything was rolled back (500). */
export const templateApplyFailed = defineError('E_TEMPLATE_APPLY', 'internal', (message: string) => message);
