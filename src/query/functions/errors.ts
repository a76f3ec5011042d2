// Errors of the InfluxQL function library, worded as InfluxQL and Kapacitor report them.

import { defineError } from '../../core/errors.ts';

export const unsupportedType = defineError(
  'E_FUNC_UNSUPPORTED_TYPE',
  'invalid',
  (fn: string, type: string) => `unsupported ${type} type for ${fn}`,
);

export const mixedTypes = defineError(
  'E_FUNC_MIXED_TYPES',
  'invalid',
  (fn: string) => `${fn}: cannot mix integer and float values`,
);

export const invalidArgument = defineError(
  'E_FUNC_INVALID_ARGUMENT',
  'invalid',
  (fn: string, detail: string) => `invalid argument to ${fn}: ${detail}`,
);
