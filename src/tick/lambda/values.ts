// Runtime values inside lambdas and their Kapacitor type names (float, int, string, boolean, duration ...).

import type { LambdaDuration, LambdaRegex, TimeValue } from './types.ts';

/** The value of a reference absent from the point (Kapacitor's `*ast.Missing`). */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

/** A star literal inside a lambda (rare, but a valid primary). */
export interface LambdaStar {
  readonly type: 'star';
}

export type Val = number | bigint | string | boolean | LambdaDuration | TimeValue | LambdaRegex | LambdaStar | Missing;

export type TypeName =
  | 'float'
  | 'int'
  | 'string'
  | 'boolean'
  | 'regex'
  | 'time'
  | 'duration'
  | 'lambda'
  | 'list'
  | 'star'
  | 'missing'
  | 'invalid type';

export function typeName(v: Val): TypeName {
  switch (typeof v) {
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'symbol':
      return 'missing';
    default:
      switch (v.type) {
        case 'duration':
          return 'duration';
        case 'timeval':
          return 'time';
        case 'regex':
          return 'regex';
        case 'star':
          return 'star';
      }
  }
  return 'invalid type';
}

export function dur(ns: number): LambdaDuration {
  return { type: 'duration', ns };
}

export function isDur(v: Val): v is LambdaDuration {
  return typeof v === 'object' && v.type === 'duration';
}

export function isTime(v: Val): v is TimeValue {
  return typeof v === 'object' && v.type === 'timeval';
}

export function isRegexVal(v: Val): v is LambdaRegex {
  return typeof v === 'object' && v.type === 'regex';
}

/** int64 wrap-around, as Go's integer arithmetic does. */
export function i64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Go's `%T` names, used in a few function error messages. */
export function goTypeName(v: Val): string {
  switch (typeName(v)) {
    case 'float':
      return 'float64';
    case 'int':
      return 'int64';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'duration':
      return 'time.Duration';
    case 'time':
      return 'time.Time';
    case 'regex':
      return '*regexp.Regexp';
    case 'missing':
      return '*ast.Missing';
    case 'star':
      return '*ast.StarNode';
    default:
      return 'interface {}';
  }
}
