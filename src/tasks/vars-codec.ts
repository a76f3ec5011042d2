// Task and template vars: the JSON wire form ↔ the stored form ↔ the values the TICKscript evaluator takes.

import { parseDuration } from '../core/time.ts';
import { LambdaCompileError } from '../tick/lambda/compile.ts';
import { parseLambdaExpression } from '../tick/parser.ts';
import { compileGoRegex } from '../tick/regex.ts';
import { formatExpression } from '../tick/format.ts';
import type { TickVar, VarType } from '../tick/values.ts';
import { VAR_TYPES } from '../tick/values.ts';
import { JsonNumber, type JsonValue } from './json-body.ts';

/** A var as stored: int64 and ns durations as decimal strings, so documents stay plain JSON. */
export interface StoredVar {
  type: VarType;
  value: boolean | number | string | null | StoredVar[];
  description: string;
}

export type StoredVars = Record<string, StoredVar>;

/** The request could not be decoded at all (Kapacitor answers `invalid JSON`). */
export class VarsJsonError extends Error {}

/** A var that decoded but does not fit its type (`invalid var x: ...`). */
export class VarValueError extends Error {}

function goTypeOfJson(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (v instanceof JsonNumber) return 'json.Number';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    default:
      return 'map[string]interface {}';
  }
}

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/** Decodes one var's value as Kapacitor's Vars.UnmarshalJSON + newVar do. */
function decodeVar(type: VarType, raw: JsonValue | undefined, description: string, name: string): StoredVar {
  const mismatch = (got: string): never => {
    throw new VarValueError(`invalid var ${name}: mismatched type and value: ${got} ${type}`);
  };
  const unsupported = (): never => {
    throw new VarValueError(`invalid var ${name}: unsupported Var type ${goTypeOfJson(raw)}.`);
  };
  if (type === 'star') return { type, value: null, description };
  if (raw === null || raw === undefined) return unsupported();
  switch (type) {
    case 'int': {
      if (!(raw instanceof JsonNumber)) throw new VarsJsonError(`invalid var ${name}: expected int value`);
      if (!raw.isInteger()) throw new VarsJsonError(`invalid var ${name}`);
      const n = BigInt(raw.text);
      if (n < INT64_MIN || n > INT64_MAX) throw new VarsJsonError(`invalid var ${name}`);
      return { type, value: n.toString(), description };
    }
    case 'float':
      if (!(raw instanceof JsonNumber)) throw new VarsJsonError(`invalid var ${name}: expected float value`);
      return { type, value: raw.toNumber(), description };
    case 'duration': {
      if (raw instanceof JsonNumber) {
        if (!raw.isInteger()) throw new VarsJsonError(`invalid var ${name}`);
        const n = BigInt(raw.text);
        if (n < INT64_MIN || n > INT64_MAX) throw new VarsJsonError(`invalid var ${name}`);
        return { type, value: n.toString(), description };
      }
      if (typeof raw === 'string') {
        const d = parseDuration(raw);
        if (d === undefined) throw new VarsJsonError(`invalid duration string for var ${name}`);
        return { type, value: String(d), description };
      }
      throw new VarsJsonError(`invalid var ${name}: expected int or string value`);
    }
    case 'list': {
      if (!Array.isArray(raw)) throw new VarsJsonError(`invalid var ${name}: expected list of vars`);
      const items = raw.map((item) => {
        if (item === null || typeof item !== 'object' || Array.isArray(item) || item instanceof JsonNumber) {
          throw new VarsJsonError(`invalid var ${name}: expected list of vars`);
        }
        const t = item.type;
        if (t === undefined) throw new VarsJsonError(`invalid var ${name}: expected list type key in object`);
        if (typeof t !== 'string' || !VAR_TYPES.includes(t as VarType)) throw new VarsJsonError(`unknown var type ${String(t)}`);
        if (!('value' in item)) throw new VarsJsonError(`invalid var ${name}: expected list value key in object`);
        return decodeRawItem(t as VarType, item.value, name);
      });
      return { type, value: items, description };
    }
    case 'bool':
      if (typeof raw === 'boolean') return { type, value: raw, description };
      if (typeof raw === 'string') return mismatch('string');
      return unsupported();
    case 'string':
    case 'regex':
    case 'lambda':
      if (typeof raw === 'string') return { type, value: raw, description };
      if (typeof raw === 'boolean') return mismatch('bool');
      return unsupported();
  }
}

/** List items keep their raw JSON values, as Kapacitor's decoder does: numbers inside lists are unsupported. */
function decodeRawItem(type: VarType, raw: JsonValue | undefined, name: string): StoredVar {
  if (type === 'star') return { type, value: null, description: '' };
  if (typeof raw === 'boolean') {
    if (type !== 'bool') throw new VarValueError(`invalid var ${name}: mismatched type and value: bool ${type}`);
    return { type, value: raw, description: '' };
  }
  if (typeof raw === 'string') {
    if (type === 'string' || type === 'regex' || type === 'lambda') return { type, value: raw, description: '' };
    throw new VarValueError(`invalid var ${name}: unexpected var type ${type}, value is a string`);
  }
  throw new VarValueError(`invalid var ${name}: unsupported Var type ${goTypeOfJson(raw)}.`);
}

/** Decodes a request's `vars` object. */
export function decodeVars(raw: JsonValue | undefined): StoredVars {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw) || raw instanceof JsonNumber) throw new VarsJsonError('vars must be an object');
  const out: StoredVars = {};
  for (const [name, v] of Object.entries(raw)) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber) {
      throw new VarsJsonError(`invalid var ${name}`);
    }
    const t = v.type;
    if (typeof t !== 'string' || !VAR_TYPES.includes(t as VarType)) throw new VarsJsonError(`unknown var type ${String(t)}`);
    const description = typeof v.description === 'string' ? v.description : '';
    if (v.description !== undefined && typeof v.description !== 'string') throw new VarsJsonError(`invalid var ${name}`);
    out[name] = decodeVar(t as VarType, v.value, description, name);
  }
  return out;
}

/** The wire form of stored vars (GET responses): ints and durations as exact integers, star as null. */
export function varsToWire(vars: StoredVars): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(vars).sort()) out[name] = varToWire(vars[name]!);
  return out;
}

function varToWire(v: StoredVar): unknown {
  let value: unknown = v.value;
  if (v.type === 'int' || v.type === 'duration') value = BigInt(v.value as string);
  else if (v.type === 'list') value = (v.value as StoredVar[]).map(varToWire);
  else if (v.type === 'star') value = null;
  return { type: v.type, value, description: v.description };
}

/** Stored vars → evaluator vars. Throws VarValueError for regexes or lambdas that do not compile. */
export function varsToTick(vars: StoredVars): Record<string, TickVar> {
  const out: Record<string, TickVar> = {};
  for (const [name, v] of Object.entries(vars)) out[name] = varToTick(name, v);
  return out;
}

function varToTick(name: string, v: StoredVar): TickVar {
  const description = v.description;
  switch (v.type) {
    case 'int':
      return { type: 'int', value: BigInt(v.value as string), description };
    case 'float':
      return { type: 'float', value: v.value as number, description };
    case 'bool':
      return { type: 'bool', value: v.value as boolean, description };
    case 'string':
      return { type: 'string', value: v.value as string, description };
    case 'duration':
      return { type: 'duration', value: { type: 'duration', ns: Number(BigInt(v.value as string)) }, description };
    case 'regex': {
      const re = compileGoRegex(v.value as string);
      if (typeof re === 'string') throw new VarValueError(`invalid var ${name}: ${re}`);
      return { type: 'regex', value: { type: 'regex', source: v.value as string, regex: re }, description };
    }
    case 'lambda': {
      try {
        const l = parseLambdaExpression(v.value as string);
        return { type: 'lambda', value: { type: 'lambdaval', expr: l.expression }, description };
      } catch (err) {
        if (err instanceof LambdaCompileError || err instanceof Error) throw new VarValueError(`invalid var ${name}: ${err.message}`);
        throw err;
      }
    }
    case 'star':
      return { type: 'star', value: { type: 'star' }, description };
    case 'list':
      return { type: 'list', value: (v.value as StoredVar[]).map((item) => varToTick(name, item)), description };
  }
}

/** A template's declared vars (defaults from the script) in wire form; null values for type-only declarations. */
export function tickVarsToWire(vars: Record<string, TickVar>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(vars).sort()) out[name] = tickVarToWire(vars[name]!);
  return out;
}

function tickVarToWire(v: TickVar): unknown {
  const description = v.description ?? '';
  const value = v.value;
  if (value === null) return { type: v.type, value: null, description };
  switch (v.type) {
    case 'duration':
      return { type: v.type, value: BigInt((value as { ns: number }).ns), description };
    case 'regex':
      return { type: v.type, value: (value as { source: string }).source, description };
    case 'lambda':
      return { type: v.type, value: formatExpression((value as { expr: Parameters<typeof formatExpression>[0] }).expr), description };
    case 'star':
      return { type: v.type, value: null, description };
    case 'list':
      return { type: v.type, value: (value as TickVar[]).map(tickVarToWire), description };
    default:
      return { type: v.type, value, description };
  }
}
