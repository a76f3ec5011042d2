// Lambda compiler: turns an expression tree into nested closures once (float arithmetic into float paths); evaluation never walks the AST.

import { type Clock, systemClock } from '../../core/time.ts';
import type { ExprNode } from '../ast.ts';
import { LambdaError, type TickWarning } from '../errors.ts';
import { hintForStringLiteralOperand } from '../hints.ts';
import { formatExpression } from '../format.ts';
import { isCompOperator, isMathOperator, T, tokenName } from '../lexer.ts';
import { floatPath } from './float-path.ts';
import { type Builtin, type CallContext, lookupBuiltin } from './functions.ts';
import type { CompiledLambda, LambdaScope, LambdaState, LambdaValue, TimeValue } from './types.ts';
import { dur, i64, isDur, isRegexVal, MISSING, type TypeName, typeName, type Val } from './values.ts';

type Ev = (s: LambdaScope, slots: unknown[], ctx: CallContext) => Val;

export interface LambdaCompileOptions {
  /** Clock for `now()`; the system clock when absent. */
  clock?: Clock;
  /** Random source for `rand()` in [0, 1). */
  random?: () => number;
  /** False compiles float arithmetic to closures only (float-path.ts), for tests that compare both. */
  floatPaths?: boolean;
}

interface Compiler {
  refs: string[];
  stateInits: Array<() => unknown>;
  /** Nodes compiled so far: lambda vars inline by reference, so a script can build huge trees cheaply. */
  size: number;
  /** False inside a float path's closures (one path covers its whole subtree) and for constants. */
  floatPaths: boolean;
}

/** Larger lambdas are refused rather than compiled (they come from vars nested into each other). */
const MAX_LAMBDA_NODES = 100_000;

/** Raised at compile time for things a lambda can never evaluate (unknown function, identifiers left). */
export class LambdaCompileError extends Error {
  readonly node: ExprNode;
  constructor(message: string, node: ExprNode) {
    super(message);
    this.node = node;
  }
}

const OPS_BY_TYPE: Record<string, ReadonlySet<T>> = {
  boolean: new Set([T.And, T.Or, T.Equal, T.NotEqual]),
  int: new Set([
    T.Equal,
    T.NotEqual,
    T.Less,
    T.LessEqual,
    T.Greater,
    T.GreaterEqual,
    T.Plus,
    T.Minus,
    T.Mult,
    T.Div,
    T.Mod,
  ]),
  float: new Set([T.Equal, T.NotEqual, T.Less, T.LessEqual, T.Greater, T.GreaterEqual, T.Plus, T.Minus, T.Mult, T.Div]),
  string: new Set([
    T.Equal,
    T.NotEqual,
    T.Less,
    T.LessEqual,
    T.Greater,
    T.GreaterEqual,
    T.Plus,
    T.RegexEqual,
    T.RegexNotEqual,
  ]),
  duration: new Set([T.Equal, T.NotEqual, T.Less, T.LessEqual, T.Greater, T.GreaterEqual, T.Plus, T.Minus, T.Mult, T.Div]),
  regex: new Set([T.RegexEqual, T.RegexNotEqual]),
};

function operatorKind(op: T): string {
  if (isMathOperator(op)) return 'math';
  if (isCompOperator(op)) return 'comparison';
  return 'logical';
}

function fail(message: string): never {
  throw new LambdaError(message);
}

/** Kapacitor's determineError: the most specific explanation of a binary operator that cannot apply. */
function binaryError(op: T, l: Val, r: Val, left: ExprNode, right: ExprNode): never {
  const lt = typeName(l);
  const rt = typeName(r);
  if (lt === 'missing') {
    if (left.kind === 'reference') fail(`left reference value "${left.name}" is missing value`);
    fail('expected leftEvaluator to be *EvalReferenceNode');
  }
  if (rt === 'missing') {
    if (right.kind === 'reference') fail(`right reference value "${right.name}" is missing value`);
    fail('expected rightEvaluator to be *EvalReferenceNode');
  }
  const literal = left.kind === 'string' && rt !== 'string' ? left : right.kind === 'string' && lt !== 'string' ? right : undefined;
  const hint = literal ? hintForStringLiteralOperand(literal.literal) : undefined;
  if (!OPS_BY_TYPE[lt]?.has(op)) throw new LambdaError(`invalid ${operatorKind(op)} operator ${tokenName(op)} for type ${lt}`, hint);
  throw new LambdaError(
    `mismatched type to binary operator. got ${lt} ${tokenName(op)} ${rt}. see bool(), int(), float(), string(), duration()`,
    hint,
  );
}

function num(v: Val): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}

function compare(op: T, a: number | string | bigint, b: number | string | bigint): boolean {
  switch (op) {
    case T.Less:
      return a < b;
    case T.LessEqual:
      return a <= b;
    case T.Greater:
      return a > b;
    default:
      return a >= b;
  }
}

/** Applies a non-logical binary operator with Kapacitor's type matrix; undefined when the types do not combine. */
function applyBinary(op: T, l: Val, r: Val): Val | undefined {
  const lt = typeof l;
  const rt = typeof r;
  switch (op) {
    case T.Equal:
    case T.NotEqual: {
      let eq: boolean | undefined;
      if (lt === rt && (lt === 'number' || lt === 'bigint' || lt === 'string' || lt === 'boolean')) eq = l === r;
      else if ((lt === 'number' && rt === 'bigint') || (lt === 'bigint' && rt === 'number')) eq = num(l) === num(r);
      else if (isDur(l) && isDur(r)) eq = l.ns === r.ns;
      if (eq === undefined) return undefined;
      return op === T.Equal ? eq : !eq;
    }
    case T.Less:
    case T.LessEqual:
    case T.Greater:
    case T.GreaterEqual:
      if (lt === rt && (lt === 'number' || lt === 'bigint' || lt === 'string')) return compare(op, l as number, r as number);
      if ((lt === 'number' && rt === 'bigint') || (lt === 'bigint' && rt === 'number')) return compare(op, num(l)!, num(r)!);
      if (isDur(l) && isDur(r)) return compare(op, l.ns, r.ns);
      return undefined;
    case T.RegexEqual:
    case T.RegexNotEqual:
      if (lt === 'string' && isRegexVal(r)) {
        r.regex.lastIndex = 0;
        const m = r.regex.test(l as string);
        return op === T.RegexEqual ? m : !m;
      }
      return undefined;
    case T.Plus:
      if (lt === 'number' && rt === 'number') return (l as number) + (r as number);
      if (lt === 'bigint' && rt === 'bigint') return i64((l as bigint) + (r as bigint));
      if (lt === 'string' && rt === 'string') return (l as string) + (r as string);
      if (isDur(l) && isDur(r)) return dur(l.ns + r.ns);
      return undefined;
    case T.Minus:
      if (lt === 'number' && rt === 'number') return (l as number) - (r as number);
      if (lt === 'bigint' && rt === 'bigint') return i64((l as bigint) - (r as bigint));
      if (isDur(l) && isDur(r)) return dur(l.ns - r.ns);
      return undefined;
    case T.Mult:
      if (lt === 'number' && rt === 'number') return (l as number) * (r as number);
      if (lt === 'bigint' && rt === 'bigint') return i64((l as bigint) * (r as bigint));
      if (isDur(l) && rt === 'bigint') return dur(Number(i64(BigInt(l.ns) * (r as bigint))));
      if (lt === 'bigint' && isDur(r)) return dur(Number(i64((l as bigint) * BigInt(r.ns))));
      if (isDur(l) && rt === 'number') return dur(Math.trunc(l.ns * (r as number)));
      if (lt === 'number' && isDur(r)) return dur(Math.trunc((l as number) * r.ns));
      return undefined;
    case T.Div:
      if (lt === 'number' && rt === 'number') return (l as number) / (r as number);
      if (lt === 'bigint' && rt === 'bigint') {
        if (r === 0n) fail('runtime error: integer divide by zero');
        return i64((l as bigint) / (r as bigint));
      }
      if (isDur(l) && rt === 'bigint') {
        if (r === 0n) fail('runtime error: integer divide by zero');
        return dur(Number(BigInt(l.ns) / (r as bigint)));
      }
      if (isDur(l) && rt === 'number') return dur(Math.trunc(l.ns / (r as number)));
      if (isDur(l) && isDur(r)) {
        if (r.ns === 0) fail('runtime error: integer divide by zero');
        return BigInt(Math.trunc(l.ns / r.ns));
      }
      return undefined;
    case T.Mod:
      if (lt === 'bigint' && rt === 'bigint') {
        if (r === 0n) fail('runtime error: integer divide by zero');
        return (l as bigint) % (r as bigint);
      }
      return undefined;
  }
  return undefined;
}

function compileNode(n: ExprNode, c: Compiler): Ev {
  if (++c.size > MAX_LAMBDA_NODES) throw new LambdaCompileError(`lambda expression too large (more than ${MAX_LAMBDA_NODES} nodes)`, n);
  const path = c.floatPaths ? floatPath(n) : undefined;
  if (path === undefined) return compileKind(n, c);
  // One float path covers its whole subtree: the closures it falls back on need none of their own.
  c.floatPaths = false;
  const closures = compileKind(n, c);
  c.floatPaths = true;
  return path(closures);
}

function compileKind(n: ExprNode, c: Compiler): Ev {
  switch (n.kind) {
    case 'number': {
      const v: Val = n.isInt ? n.int : n.float;
      return () => v;
    }
    case 'duration': {
      const v = dur(n.ns);
      return () => v;
    }
    case 'string': {
      const v = n.literal;
      return () => v;
    }
    case 'bool': {
      const v = n.value;
      return () => v;
    }
    case 'regex': {
      const v: Val = { type: 'regex', source: n.source, regex: n.regex };
      return () => v;
    }
    case 'star': {
      const v: Val = { type: 'star' };
      return () => v;
    }
    case 'reference':
      return compileReference(n.name, c);
    case 'unary': {
      const inner = compileNode(n.node, c);
      const target = n.node;
      if (n.op === T.Not) {
        return (s, st, ctx) => {
          const v = inner(s, st, ctx);
          if (typeof v === 'boolean') return !v;
          if (v === MISSING && target.kind === 'reference') fail(`reference "${target.name}" is missing value`);
          return fail(`invalid type ${typeName(v)} for unary operator !`);
        };
      }
      return (s, st, ctx) => {
        const v = inner(s, st, ctx);
        if (typeof v === 'number') return -v;
        if (typeof v === 'bigint') return i64(-v);
        if (isDur(v)) return dur(-v.ns);
        if (v === MISSING && target.kind === 'reference') fail(`reference "${target.name}" is missing value`);
        return fail(`invalid type ${typeName(v)} for unary operator -`);
      };
    }
    case 'binary':
      return compileBinary(n.op, n.left, n.right, c);
    case 'function':
      return compileCall(n, c);
    case 'lambda':
      return compileNode(n.expression, c);
    case 'ident':
      throw new LambdaCompileError(`name "${n.name}" is undefined`, n);
    default:
      throw new LambdaCompileError(`invalid node ${n.kind} in lambda expression`, n);
  }
}

function compileReference(name: string, c: Compiler): Ev {
  if (name !== 'time' && !c.refs.includes(name)) c.refs.push(name);
  if (name === 'time') {
    return (s) => {
      const extra = s.extra?.[name];
      if (extra !== undefined) return extra;
      return { type: 'timeval', ms: s.timeMs, ns: s.timeNs } satisfies TimeValue;
    };
  }
  return (s) => {
    if (s.extra !== undefined) {
      const e = s.extra[name];
      if (own(s.extra, name, e)) return e;
    }
    const f = s.fields[name];
    const hasField = own(s.fields, name, f);
    const t = s.tags[name];
    const hasTag = own(s.tags, name, t);
    if (hasField) {
      if (hasTag) fail(`cannot have field and tags with same name "${name}"`);
      return f;
    }
    if (hasTag) return t;
    return MISSING;
  };
}

/**
 * Whether `v`, read as `o[name]`, is `o`'s own property. Values and tags are primitives while what
 * plain objects inherit are functions and objects, so only those need the `hasOwn` check.
 */
function own(o: object, name: string, v: unknown): boolean {
  if (v === undefined) return false;
  const t = typeof v;
  return (t !== 'object' && t !== 'function') || Object.hasOwn(o, name);
}

/** A comparison operator (`isCompOperator`) applied to two floats. */
function compareFloats(op: T, a: number, b: number): boolean {
  switch (op) {
    case T.Equal:
      return a === b;
    case T.NotEqual:
      return a !== b;
    default:
      return compare(op, a, b);
  }
}

function compileBinary(op: T, left: ExprNode, right: ExprNode, c: Compiler): Ev {
  const L = compileNode(left, c);
  const R = compileNode(right, c);
  if (op === T.And || op === T.Or) {
    const isAnd = op === T.And;
    // Kapacitor types both sides before it short-circuits: a right side whose type is known without
    // running functions (a reference or a literal) must be a boolean even when it is not needed.
    const checkRight = right.kind === 'reference' || right.kind === 'string' || right.kind === 'number' || right.kind === 'duration';
    return (s, st, ctx) => {
      const a = L(s, st, ctx);
      if (typeof a === 'boolean') {
        if (isAnd ? !a : a) {
          if (checkRight) {
            const b = R(s, st, ctx);
            if (typeof b !== 'boolean') return binaryError(op, a, b, left, right);
          }
          return a;
        }
        const b = R(s, st, ctx);
        if (typeof b === 'boolean') return b;
        return binaryError(op, a, b, left, right);
      }
      return binaryError(op, a, R(s, st, ctx), left, right);
    };
  }
  // A float compared with an int literal (`"value" > 10`) compares as floats, as the matrix does:
  // the literal is converted once here.
  const comparison = op !== T.RegexEqual && op !== T.RegexNotEqual && isCompOperator(op);
  const leftInt = comparison && left.kind === 'number' && left.isInt ? Number(left.int) : undefined;
  const rightInt = comparison && right.kind === 'number' && right.isInt ? Number(right.int) : undefined;
  // Fast paths for the common "field op constant" shapes; everything else goes through the matrix.
  return (s, st, ctx) => {
    const a = L(s, st, ctx);
    const b = R(s, st, ctx);
    if (typeof a === 'number') {
      if (typeof b !== 'number') {
        if (rightInt !== undefined && typeof b === 'bigint') return compareFloats(op, a, rightInt);
      } else if (comparison) return compareFloats(op, a, b);
      else {
        switch (op) {
          case T.Plus:
            return a + b;
          case T.Minus:
            return a - b;
          case T.Mult:
            return a * b;
          case T.Div:
            return a / b;
        }
      }
    } else if (leftInt !== undefined && typeof a === 'bigint' && typeof b === 'number') return compareFloats(op, leftInt, b);
    const v = applyBinary(op, a, b);
    if (v === undefined) return binaryError(op, a, b, left, right);
    return v;
  };
}

function domainText(types: readonly TypeName[]): string {
  return `(${types.join(',')})`;
}

function compileCall(n: Extract<ExprNode, { kind: 'function' }>, c: Compiler): Ev {
  const f: Builtin | undefined = lookupBuiltin(n.name);
  if (!f) throw new LambdaCompileError(`undefined function: "${n.name}"`, n);
  const args = n.args.map((a) => compileNode(a, c));
  const literals = n.args.map((a) => formatExpression(a));
  const slot = f.newState ? c.stateInits.push(f.newState) - 1 : -1;
  const name = n.name;
  const sigs = f.sigs;
  const arity = args.length;
  // A call site always passes the same number of arguments: only those domains can match.
  const domains = sigs.map(([d]) => d).filter((d) => d.length === arity);
  // Numeric scripts call with floats nearly always: a float-only signature then matches on a typeof test.
  const floatDomain = arity > 0 && domains.some((d) => d.every((t) => t === 'float'));
  const refNames = () => c.refs.map((r) => `"${r}"`);
  // One argument array per call site, refilled per call: a site never runs inside itself and the
  // builtins read their arguments without keeping the array.
  const vals: Val[] = new Array<Val>(arity).fill(MISSING);
  const argument = (i: number, s: LambdaScope, st: unknown[], ctx: CallContext): Val => {
    try {
      return args[i]!(s, st, ctx);
    } catch (err) {
      return fail(`Failed to handle ${i + 1} argument: ${(err as Error).message}`);
    }
  };
  /** Checks `vals` against the signatures and calls the builtin with them. */
  const call = (st: unknown[], ctx: CallContext): Val => {
    let ok = floatDomain;
    for (let i = 0; i < arity && ok; i++) ok = typeof vals[i] === 'number';
    for (let d = 0; d < domains.length && !ok; d++) {
      const domain = domains[d]!;
      let i = 0;
      while (i < arity && typeName(vals[i]!) === domain[i]) i++;
      ok = i === arity;
    }
    if (!ok) {
      const types = vals.map(typeName);
      const missing = literals.filter((_l, i) => types[i] === 'missing');
      if (missing.length > 0) {
        const scope = refNames().filter((r) => !missing.includes(r));
        const what = missing.length > 1 ? `arguments ${missing.join(', ')} are` : `argument ${missing[0]} is`;
        fail(`Cannot call function "${name}" ${what} missing, values in scope are [${scope.join(', ')}]`);
      }
      const given = `(${literals.map((l, i) => `${l}: ${types[i]}`).join(',')})`;
      fail(
        `Cannot call function "${name}" with args ${given}, available signatures are [${sigs.map(([d]) => domainText(d)).join(', ')}].`,
      );
    }
    try {
      return f.call(vals, slot >= 0 ? st[slot] : undefined, ctx);
    } catch (err) {
      return fail(`error calling "${name}": ${(err as Error).message}`);
    }
  };
  const float1 = f.float1;
  if (float1 !== undefined && arity === 1) {
    // A float argument (nearly always, in numeric scripts) needs no array, signature check or try.
    return (s, st, ctx) => {
      const v = argument(0, s, st, ctx);
      if (typeof v === 'number') return float1(v);
      vals[0] = v;
      return call(st, ctx);
    };
  }
  return (s, st, ctx) => {
    for (let i = 0; i < arity; i++) vals[i] = argument(i, s, st, ctx);
    return call(st, ctx);
  };
}

function toLambdaValue(v: Val): LambdaValue {
  if (v === MISSING || (typeof v === 'object' && v.type === 'star')) return fail('expression returned unexpected type ' + typeName(v));
  return v;
}

/**
 * Compiles a lambda expression whose identifiers were already replaced by their values.
 * Throws `LambdaCompileError` for unknown functions or identifiers left in the tree.
 */
export function compileLambda(expression: ExprNode, options: LambdaCompileOptions = {}): CompiledLambda {
  const c: Compiler = { refs: [], stateInits: [], size: 0, floatPaths: options.floatPaths ?? true };
  const ev = compileNode(expression, c);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const ctx: CallContext = {
    now: () => {
      const t = clock.now();
      return { type: 'timeval', ms: t.ms, ns: t.ns };
    },
    random,
  };
  const inits = c.stateInits;
  const stateful = inits.length > 0;
  const newState = (): LambdaState => ({ slots: inits.map((f) => f()) });
  const fallback = stateful ? newState() : { slots: [] };
  const text = formatExpression(expression);
  const refs = Object.freeze([...c.refs]);
  const bare = expression.kind === 'reference' ? expression.name : undefined;
  return {
    type: 'lambda',
    expression: text,
    references: refs,
    stateful,
    newState,
    eval(scope, state) {
      const v = ev(scope, (state ?? fallback).slots, ctx);
      if (v === MISSING && bare !== undefined) fail(`missing value: "${bare}"`);
      return toLambdaValue(v);
    },
    evalBool(scope, state) {
      const v = ev(scope, (state ?? fallback).slots, ctx);
      if (typeof v === 'boolean') return v;
      if (v === MISSING && bare !== undefined) fail(`reference "${bare}" is missing value`);
      return fail(`expression returned unexpected type ${typeName(v)}`);
    },
  };
}

/** Evaluates a constant expression (top-level binary expressions outside lambdas are folded this way). */
export function evalConstant(expression: ExprNode): Val {
  // Evaluated once: a float path would only cost its generation.
  const c: Compiler = { refs: [], stateInits: [], size: 0, floatPaths: false };
  const ev = compileNode(expression, c);
  const ctx: CallContext = {
    now: () => {
      const t = systemClock.now();
      return { type: 'timeval', ms: t.ms, ns: t.ns };
    },
    random: Math.random,
  };
  return ev({ fields: {}, tags: {}, timeMs: 0, timeNs: 0 }, c.stateInits.map((f) => f()), ctx);
}


/**
 * Constructs that compile but fail on every point: a single-quoted string used where a field was
 * meant (`'usage_idle' > 10`), the most common TICKscript pitfall.
 */
export function lintLambda(expression: ExprNode): TickWarning[] {
  const out: TickWarning[] = [];
  const visit = (n: ExprNode): void => {
    if (n.kind === 'binary') {
      const numeric = (x: ExprNode) => x.kind === 'number' || x.kind === 'duration' || (x.kind === 'unary' && x.node.kind === 'number');
      const pairs: Array<[ExprNode, ExprNode]> = [
        [n.left, n.right],
        [n.right, n.left],
      ];
      for (const [a, b] of pairs) {
        if (a.kind === 'string' && numeric(b) && n.op !== T.And && n.op !== T.Or) {
          out.push({
            line: a.line,
            char: a.char,
            message: `'${a.literal}' ${tokenName(n.op)} ${formatExpression(b)} compares a string literal with a number and fails for every point; ${hintForStringLiteralOperand(a.literal)}`,
          });
        }
      }
      visit(n.left);
      visit(n.right);
    } else if (n.kind === 'unary') visit(n.node);
    else if (n.kind === 'function') for (const a of n.args) visit(a);
  };
  visit(expression);
  return out;
}
