// Export-task errors (Pandora 2.0 export tasks); the Pandora dialect renders them as {"RequestId","Code","Message"}.

import { defineError } from '../core/errors.ts';

export const exportTaskNotFound = defineError('E_EXPORT_TASK_NOT_FOUND', 'not_found', (id: string) => `export task not found: ${id}`);
export const invalidExportTask = defineError('E_EXPORT_INVALID_TASK', 'invalid', (reason: string) => reason);
export const invalidTaskStatus = defineError(
  'E_EXPORT_INVALID_STATUS',
  'invalid',
  (status: unknown) => `status must be "running" or "stopped", got ${JSON.stringify(status) ?? 'nothing'}`,
);
export const emptyTaskList = defineError('E_EXPORT_EMPTY_TASKS', 'invalid', () => 'tasks must be a non-empty array of task ids');
export const invalidPaging = defineError('E_EXPORT_INVALID_PAGING', 'invalid', (reason: string) => reason);
export const duplicateTaskName = defineError('E_EXPORT_NAME_TAKEN', 'conflict', (name: string) => `an export task named "${name}" already exists`);
export const exportForbidden = defineError(
  'E_EXPORT_FORBIDDEN',
  'forbidden',
  (user: string, operation: string, id: string) => `user "${user}" may not ${operation} export task ${id}`,
);
export const exportFileNotFound = defineError(
  'E_EXPORT_FILE_NOT_FOUND',
  'not_found',
  (id: string, count: number) => `run ${count} of export task ${id} has no exported file`,
);
