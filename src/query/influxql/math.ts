// InfluxQL's scalar math functions (abs, round, sqrt, pow, ...), applied per value.

import type { Value } from './condition.ts';

const UNARY: Record<string, (x: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  // Go's math.Round: halves away from zero.
  round: (x) => (x < 0 ? -Math.round(-x) : Math.round(x)),
  sqrt: Math.sqrt,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
};

const BINARY: Record<string, (x: number, y: number) => number> = {
  pow: Math.pow,
  log: (x, b) => Math.log(x) / Math.log(b),
  atan2: Math.atan2,
};

export function isMathFunction(name: string): boolean {
  return name in UNARY || name in BINARY;
}

/** Applies a math function; integers stay integers for abs, ceil, floor and round. */
export function applyMath(name: string, args: Value[]): Value {
  const x = args[0];
  if (x === null || x === undefined) return null;
  if (typeof x !== 'number' && typeof x !== 'bigint') return null;
  if (typeof x === 'bigint' && (name === 'abs' || name === 'ceil' || name === 'floor' || name === 'round')) {
    return name === 'abs' && x < 0n ? -x : x;
  }
  const unary = UNARY[name];
  if (unary !== undefined) return unary(Number(x));
  const y = args[1];
  if (typeof y !== 'number' && typeof y !== 'bigint') return null;
  return BINARY[name](Number(x), Number(y));
}
