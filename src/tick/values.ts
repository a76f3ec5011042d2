// Values the evaluator manipulates (script-level, before they become pipeline description values) and vars.

import type { ExprNode, Pos } from './ast.ts';
import { HANDLERS } from './catalogue.ts';
import type { CompiledLambda } from './lambda/types.ts';
import type {
  AlertHandlerDesc,
  DurationValue,
  LiteralValue,
  PipelineNode,
  RegexValue,
  StarValue,
} from './pipeline.ts';

/** A lambda value: its (identifier-resolved) expression, compiled on first use. */
export interface LambdaVal {
  readonly type: 'lambdaval';
  readonly expr: ExprNode;
  compiled?: CompiledLambda;
}

/** A node while the script is evaluated: the description plus mutable links. */
export interface NodeVal {
  readonly type: 'node';
  readonly node: PipelineNode & { quiet: boolean };
}

/** An inline alert handler being configured (`.post(url).header(...)`). */
export interface HandlerVal {
  readonly type: 'handler';
  readonly node: NodeVal;
  readonly handler: AlertHandlerDesc;
}

/** A `"reference"` used outside a lambda (usually a mistake: a field name in double quotes). */
export interface RefVal {
  readonly type: 'reference';
  readonly name: string;
  readonly pos: Pos;
}

/** A global function in scope (`time`, for `groupBy(time(1m))`). */
export interface GlobalFnVal {
  readonly type: 'global';
  readonly name: string;
}

export type EvVal =
  | LiteralValue
  | LambdaVal
  | NodeVal
  | HandlerVal
  | RefVal
  | GlobalFnVal
  | EvVal[];

/** Var types as task/template JSON and `var x <type>` spell them. */
export type VarType = 'bool' | 'int' | 'float' | 'duration' | 'string' | 'regex' | 'lambda' | 'list' | 'star';

export const VAR_TYPES: readonly VarType[] = ['bool', 'int', 'float', 'duration', 'string', 'regex', 'lambda', 'list', 'star'];

/**
 * A var as tasks carry it. Values: bool → boolean, int → bigint, float → number, duration →
 * DurationValue, string → string, regex → RegexValue, lambda → LambdaVal, star → StarValue,
 * list → TickVar[]; `null` for a template's type-only declaration.
 */
export interface TickVar {
  readonly type: VarType;
  readonly value: boolean | bigint | number | string | DurationValue | RegexValue | LambdaVal | StarValue | TickVar[] | null;
  readonly description?: string;
}

/** Kapacitor's ValueType names (`boolean`, not `bool`), used in var type errors. */
export function valueTypeName(t: VarType | 'invalid type'): string {
  return t === 'bool' ? 'boolean' : t;
}

/** The var type of a script value, or undefined for values that cannot be vars (nodes ...). */
export function varTypeOf(v: EvVal): VarType | undefined {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
  }
  if (Array.isArray(v)) return 'list';
  switch (v.type) {
    case 'duration':
      return 'duration';
    case 'regex':
      return 'regex';
    case 'star':
      return 'star';
    case 'lambdaval':
      return 'lambda';
    default:
      return undefined;
  }
}

/** Go's type name for a string, float, integer or boolean; undefined for any other value. */
export function goScalarType(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'bool';
    default:
      return undefined;
  }
}

/** Kapacitor's Go type names, for reflection-style error messages. */
export function goTypeOf(v: EvVal | undefined): string {
  if (v === undefined) return '<nil>';
  if (typeof v !== 'object') return goScalarType(v)!;
  if (Array.isArray(v)) return '[]interface {}';
  switch (v.type) {
    case 'duration':
      return 'time.Duration';
    case 'regex':
      return '*regexp.Regexp';
    case 'star':
      return '*ast.StarNode';
    case 'time':
      return 'pipeline.TimeDimension';
    case 'lambdaval':
      return '*ast.LambdaNode';
    case 'node':
      return v.node.goType;
    case 'handler':
      return handlerGoType(v);
    case 'reference':
      return '*ast.ReferenceNode';
    case 'global':
      return 'func(time.Duration) pipeline.TimeDimension';
  }
}

function handlerGoType(v: HandlerVal): string {
  return HANDLERS.get(v.handler.kind)?.goType ?? '*pipeline.AlertNode';
}
