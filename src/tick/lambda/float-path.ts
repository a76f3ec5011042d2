// Float paths: a lambda's float arithmetic compiled into one generated function, its intermediate results unboxed.
//
// Each closure of the compiled tree returns a boxed value, and the one closure that reads every
// reference reads a float field as a new heap number, so `abs("a" - "b") / "b" * 100.0` would
// allocate one per read and level for every point. A float path computes the whole subtree in one
// function built with `new Function`: its field reads are its own (V8 then loads the doubles
// unboxed) and its intermediate doubles stay in registers. Its source holds only operators, names of
// ours (`v0`, `k0`, `f0`) and field names as JSON string literals; literals and builtins come in as
// arguments of the factory, so no other text of a script becomes code. When a reference is not a
// float field (a tag or an extra name too, another type, missing), the path hands the point
// to the closures, which give the result or the error they always give: everything a path evaluates
// is free of side effects, so running the closures after it is as if it had not run.

import type { ExprNode } from '../ast.ts';
import { T } from '../lexer.ts';
import type { CallContext } from './functions.ts';
import { lookupBuiltin } from './functions.ts';
import type { LambdaScope } from './types.ts';
import type { Val } from './values.ts';

type Ev = (s: LambdaScope, slots: unknown[], ctx: CallContext) => Val;

/** Nodes in one path at most: bounds its source, and the work of finding paths in huge trees. */
const MAX_PATH_NODES = 64;

interface Plan {
  references: string[];
  literals: number[];
  functions: Array<(x: number) => number>;
  nodes: number;
  /** Arithmetic and comparison operators: without one a path boxes its result as the closures do. */
  operators: number;
}

const ARITHMETIC = new Map<T, string>([
  [T.Plus, '+'],
  [T.Minus, '-'],
  [T.Mult, '*'],
  [T.Div, '/'],
]);

/** Comparisons of two floats, as `compareFloats` in compile.ts makes them. */
const COMPARISONS = new Map<T, string>([
  [T.Equal, '==='],
  [T.NotEqual, '!=='],
  [T.Less, '<'],
  [T.LessEqual, '<='],
  [T.Greater, '>'],
  [T.GreaterEqual, '>='],
]);

/**
 * The float path of `n`, given the closures that evaluate `n` otherwise, or undefined when `n` is not float
 * arithmetic (+ - * /, unary minus, float literals, references other than "time", builtins with a
 * float form), possibly compared at its root (where an int literal compares as a float), reading a
 * reference and applying an operator.
 */
export function floatPath(n: ExprNode): ((closures: Ev) => Ev) | undefined {
  const plan: Plan = { references: [], literals: [], functions: [], nodes: 0, operators: 0 };
  const expression = n.kind === 'binary' && COMPARISONS.has(n.op) ? comparison(n, plan) : arithmetic(n, plan);
  if (expression === undefined || plan.operators === 0 || plan.references.length === 0) return undefined;
  const { references, literals, functions } = plan;
  const reads = references.map((r, i) => {
    const key = JSON.stringify(r);
    const elsewhere = `t[${key}] !== undefined || (e !== undefined && e[${key}] !== undefined)`;
    return `const v${i} = f[${key}];\n  if (typeof v${i} !== 'number' || ${elsewhere}) return closures(s, st, ctx);`;
  });
  const body = `"use strict";
return function floatPath(s, st, ctx) {
  const f = s.fields;
  const t = s.tags;
  const e = s.extra;
  ${reads.join('\n  ')}
  return ${expression};
};`;
  const params = [...literals.map((_k, i) => `k${i}`), ...functions.map((_f, i) => `f${i}`)];
  const factory = new Function('closures', ...params, body) as (closures: Ev, ...args: unknown[]) => Ev;
  return (closures) => factory(closures, ...literals, ...functions);
}

function comparison(n: Extract<ExprNode, { kind: 'binary' }>, plan: Plan): string | undefined {
  plan.operators++;
  const left = operand(n.left, plan);
  const right = left === undefined ? undefined : operand(n.right, plan);
  return right === undefined ? undefined : `(${left} ${COMPARISONS.get(n.op)} ${right})`;
}

/** A side of a comparison: an int literal there compares as a float (compile.ts converts it once too). */
function operand(n: ExprNode, plan: Plan): string | undefined {
  if (n.kind === 'number' && n.isInt) return literal(Number(n.int), plan);
  return arithmetic(n, plan);
}

function literal(v: number, plan: Plan): string {
  return `k${plan.literals.push(v) - 1}`;
}

/** The JS expression computing `n` from the plan's names, or undefined when `n` cannot be on a float path. */
function arithmetic(n: ExprNode, plan: Plan): string | undefined {
  if (++plan.nodes > MAX_PATH_NODES) return undefined;
  switch (n.kind) {
    case 'reference': {
      if (n.name === 'time') return undefined;
      let i = plan.references.indexOf(n.name);
      if (i < 0) i = plan.references.push(n.name) - 1;
      return `v${i}`;
    }
    case 'number':
      return n.isInt ? undefined : literal(n.float, plan);
    case 'unary': {
      if (n.op !== T.Minus) return undefined;
      plan.operators++;
      const inner = arithmetic(n.node, plan);
      return inner === undefined ? undefined : `(-${inner})`;
    }
    case 'binary': {
      const op = ARITHMETIC.get(n.op);
      if (op === undefined) return undefined;
      plan.operators++;
      const left = arithmetic(n.left, plan);
      const right = left === undefined ? undefined : arithmetic(n.right, plan);
      return right === undefined ? undefined : `(${left} ${op} ${right})`;
    }
    case 'function': {
      const float1 = n.args.length === 1 ? lookupBuiltin(n.name)?.float1 : undefined;
      if (float1 === undefined) return undefined;
      const inner = arithmetic(n.args[0], plan);
      return inner === undefined ? undefined : `f${plan.functions.push(float1) - 1}(${inner})`;
    }
    default:
      return undefined;
  }
}
