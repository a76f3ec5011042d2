// Typed readers for a pipeline node's arguments and properties.

import type { FieldValue } from '../core/point.ts';
import type { CompiledLambda, PipelineNode, Value } from '../tick/pipeline.ts';
import { isDuration, isLambda, isStar } from '../tick/pipeline.ts';
import { badProperty } from './errors.ts';

export function propString(n: PipelineNode, key: string, fallback = ''): string {
  const v = n.props[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string') throw badProperty(n.name, key, 'a string');
  return v;
}

export function propDuration(n: PipelineNode, key: string, fallback = 0): number {
  const v = n.props[key];
  if (v === undefined) return fallback;
  if (!isDuration(v)) throw badProperty(n.name, key, 'a duration');
  return v.ns;
}

export function propFlag(n: PipelineNode, key: string): boolean {
  const v = n.props[key];
  return v === true;
}

/** An int property (TICKscript ints are bigint in descriptions). */
export function propInt(n: PipelineNode, key: string, fallback: number): number {
  const v = n.props[key];
  if (v === undefined) return fallback;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw badProperty(n.name, key, 'an int');
}

/** A list property as strings (`.as('a','b')`, `.on('x')`, `.groupBy(...)` without `*`). */
export function propStrings(n: PipelineNode, key: string): string[] {
  const v = n.props[key];
  if (v === undefined) return [];
  return flatten(v).map((x) => {
    if (typeof x !== 'string') throw badProperty(n.name, key, 'strings');
    return x;
  });
}

/** True when a list property or the args contain `*`. */
export function hasStar(values: readonly Value[]): boolean {
  return values.some((v) => isStar(v));
}

export function flatten(v: Value): Value[] {
  if (Array.isArray(v)) return (v as Value[]).flatMap((x) => flatten(x));
  return [v];
}

/** Every lambda given to a `calls`-mode property (`where(l1).where(l2)`). */
export function propLambdas(n: PipelineNode, key: string): CompiledLambda[] {
  const calls = n.calls[key] ?? [];
  const out: CompiledLambda[] = [];
  for (const call of calls) for (const v of call) if (isLambda(v)) out.push(v);
  if (out.length === 0) {
    const single = n.props[key];
    if (isLambda(single)) out.push(single);
  }
  return out;
}

/** The argument arrays of each call of a `calls`-mode property (`.tag(k, v)`, `.field(k, v)`). */
export function propCalls(n: PipelineNode, key: string): Value[][] {
  return n.calls[key] ?? [];
}

export function argString(n: PipelineNode, i: number): string {
  const v = n.args[i];
  if (typeof v !== 'string') throw badProperty(n.name, `argument ${i + 1}`, 'a string');
  return v;
}

export function argDuration(n: PipelineNode, i: number): number {
  const v = n.args[i];
  if (!isDuration(v)) throw badProperty(n.name, `argument ${i + 1}`, 'a duration');
  return v.ns;
}

export function argLambda(n: PipelineNode, i: number): CompiledLambda {
  const v = n.args[i];
  if (!isLambda(v)) throw badProperty(n.name, `argument ${i + 1}`, 'a lambda');
  return v;
}

/** A scalar script value as a field value (durations become integer nanoseconds). */
export function toFieldValue(v: Value): FieldValue | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  if (isDuration(v)) return BigInt(v.ns);
  return undefined;
}
