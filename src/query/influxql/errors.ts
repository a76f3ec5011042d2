// InfluxQL errors, worded as InfluxDB 1.x reports them.

import { defineError } from '../../core/errors.ts';

export const parseError = defineError(
  'E_INFLUXQL_PARSE',
  'invalid',
  (found: string, expected: string, line: number, char: number) =>
    `error parsing query: found ${found}, expected ${expected} at line ${line}, char ${char}`,
);
export const parseErrorText = defineError('E_INFLUXQL_PARSE_TEXT', 'invalid', (text: string) => `error parsing query: ${text}`);
export const databaseRequired = defineError('E_INFLUXQL_DB_REQUIRED', 'invalid', () => 'database name required');
export const invalidQuery = defineError('E_INFLUXQL_INVALID', 'invalid', (text: string) => text);
export const mixedAggregates = defineError(
  'E_INFLUXQL_MIXED',
  'invalid',
  () => 'mixing aggregate and non-aggregate queries is not supported',
);
export const tooManyBuckets = defineError(
  'E_INFLUXQL_MAX_BUCKETS',
  'invalid',
  (n: number, max: number) => `max-select-buckets limit exceeded: (${n}/${max})`,
);
