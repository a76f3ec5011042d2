// SPL errors: syntax errors that name the command and the 1-based column, and errors while running.

import { defineError } from '../../core/errors.ts';

/** `Error in 'stats' command: ... (column 12)`; `command` is `search` for the leading search. */
export const splSyntax = defineError(
  'E_SPL_SYNTAX',
  'invalid',
  (command: string, message: string, column: number) => `Error in '${command}' command: ${message} (column ${column})`,
);

export const splUnknownCommand = defineError(
  'E_SPL_UNKNOWN_COMMAND',
  'invalid',
  (command: string, column: number) => `Unknown search command '${command}' (column ${column})`,
);

export const splRuntime = defineError(
  'E_SPL_RUNTIME',
  'invalid',
  (command: string, message: string) => `Error in '${command}' command: ${message}`,
);

export const splTooManyRows = defineError(
  'E_SPL_TOO_MANY_ROWS',
  'too_large',
  (limit: number) => `the search produced more than ${limit} rows in memory; narrow the time range or aggregate earlier`,
);
