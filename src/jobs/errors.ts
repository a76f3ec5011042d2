// The job engine's part of the error catalogue: config parsing, validation, lifecycle, connectors.

import { defineError } from '../core/errors.ts';

/** A HOCON or JSON syntax error, with the 1-based line where it was found. */
export const configSyntax = defineError('E_JOB_CONFIG_SYNTAX', 'invalid', (line: number, what: string) => `line ${line}: ${what}`);
/** A `${path}` that resolves to nothing. */
export const configUnresolved = defineError(
  'E_JOB_CONFIG_UNRESOLVED',
  'invalid',
  (line: number, path: string) => `line ${line}: could not resolve substitution to a value: \${${path}}`,
);
/** The job config is well-formed but not a valid job (SeaTunnel's API-01). */
export const configInvalid = defineError(
  'E_JOB_CONFIG_INVALID',
  'invalid',
  (what: string) => `ErrorCode:[API-01], ErrorDescription:[Configuration item validate failed] - ${what}`,
);
/** An option of a plugin is missing or has a bad value (SeaTunnel's API-02). */
export const optionInvalid = defineError(
  'E_JOB_OPTION_INVALID',
  'invalid',
  (plugin: string, what: string) => `ErrorCode:[API-02], ErrorDescription:[Option item validate failed] - ${plugin}: ${what}`,
);
/** A plugin name that no factory answers to, or a factory that failed (SeaTunnel's API-06). */
export const factoryFailed = defineError(
  'E_JOB_FACTORY_FAILED',
  'internal',
  (what: string) => `ErrorCode:[API-06], ErrorDescription:[Factory initialize failed] - ${what}`,
);
export const jobIdTaken = defineError(
  'E_JOB_ID_TAKEN',
  'internal',
  (id: string) => `The job id ${id} has already been submitted and is not starting with a savepoint.`,
);
export const badJobId = defineError('E_JOB_BAD_ID', 'invalid', (text: string) => `For input string: "${text}"`);
export const illegalTransition = defineError(
  'E_JOB_ILLEGAL_TRANSITION',
  'internal',
  (from: string, to: string) => `job status can not be changed from ${from} to ${to}`,
);
/** An Assert rule that a row broke; the text matches SeaTunnel's `fail rule` wording. */
export const assertRuleFailed = defineError('E_JOB_ASSERT_FAILED', 'invalid', (row: string, rule: string) => `row :${row} fail rule: ${rule}`);
/** A row-count rule that a table's total broke (checked when the input ends). */
export const assertRowCountFailed = defineError('E_JOB_ASSERT_ROW_COUNT', 'invalid', (count: number, rule: string) => `row num :${count} fail rule: ${rule}`);
/** `rules.table-names`: the set of tables that reached the sink differs from the expected one. */
export const assertTableNamesFailed = defineError(
  'E_JOB_ASSERT_TABLE_NAMES',
  'invalid',
  (seen: string[], expected: string[]) => `table names: [${seen.join(', ')}] is not equal to [${expected.join(', ')}]`,
);
/** `rules.catalog_table_rule`: the table the sink receives has other keys or columns (SeaTunnel's texts). */
export const assertCatalogFailed = defineError('E_JOB_ASSERT_CATALOG', 'invalid', (what: string) => what);
/** A connector's driver package is not installed. */
export const driverMissing = defineError(
  'E_JOB_DRIVER_MISSING',
  'internal',
  (plugin: string, pkg: string) => `the ${plugin} connector needs the npm package "${pkg}", which is not installed`,
);
export const sqlSyntax = defineError('E_JOB_SQL_SYNTAX', 'invalid', (pos: number, what: string) => `SQL parse error at ${pos}: ${what}`);
export const sqlUnsupported = defineError('E_JOB_SQL_UNSUPPORTED', 'invalid', (what: string) => `Unsupported ${what} syntax`);
export const sqlEval = defineError('E_JOB_SQL_EVAL', 'invalid', (what: string) => what);
export const shadeFailed = defineError('E_JOB_SHADE_FAILED', 'invalid', (what: string) => `config decryption failed: ${what}`);
export const connectorFailed = defineError('E_JOB_CONNECTOR_FAILED', 'internal', (plugin: string, what: string) => `${plugin}: ${what}`);
export const savepointNeedsJobId = defineError('E_JOB_SAVEPOINT_NEEDS_ID', 'invalid', () => 'Please provide jobId when start with save point.');
export const serverRestarted = defineError(
  'E_JOB_SERVER_RESTARTED',
  'internal',
  (status: string) => `the server restarted while the job was ${status}; batch jobs are not resumed automatically`,
);
export const checkpointExpired = defineError(
  'E_JOB_CHECKPOINT_EXPIRED',
  'internal',
  (id: number, ms: number) => `checkpoint ${id} expired before completing within ${ms} ms`,
);
