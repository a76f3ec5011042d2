import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LambdaError, TickEvalError, TickSyntaxError } from './errors.ts';
import { formatScript } from './format.ts';
import { compileProgram } from './index.ts';
import { compileLambda, LambdaCompileError } from './lambda/compile.ts';
import { builtinNames } from './lambda/functions.ts';
import { parse, parseLambdaExpression } from './parser.ts';
import { seed000 } from './testdata/seeds.ts';

/** Deterministic PRNG (mulberry32), so a failure can be replayed from its index. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  seed000().request.script,
  "stream|from().measurement('cpu').where(lambda: \"host\" =~ /^a\\/b/ AND \"v\" > 1.5)|window().period(10s).every(5s)|mean('v').as('m')|httpOut('x')",
  "dbrp \"db\".\"rp\"\nvar x = 5m\n// comment\nvar y int\nbatch|query('''SELECT * FROM \"x\"''').period(x).groupBy(time(1m), *)|alert().crit(lambda: -\"v\" % 2 != 0 OR !TRUE).post('http://h')",
  "var l = ['a', b, *]\nvar a = stream|from()\nvar c = stream|from()\na|join(c).as('a', 'c').tolerance(1s)|eval(lambda: sigma(\"a.v\"), lambda: strLength('x')).as('s', 'l')@udf().opt(1, 2.0, 'x')",
];

const TOKENS = [
  'stream', 'batch', '|', '.', '@', '(', ')', '[', ']', ',', 'var', '=', 'dbrp', 'lambda:', 'lambda', 'TRUE', 'FALSE',
  'AND', 'OR', '==', '!=', '<', '<=', '>', '>=', '=~', '!~', '+', '-', '*', '/', '%', '!', "'s'", "'''t'''", '"ref"',
  '/re/', '10s', '1m', '5', '05', '1.5', '.5', 'from', 'where', 'window', 'period', 'every', 'mean', 'alert', 'crit',
  'x', 'y', '//c\n', '\n', ' ', 'µ', 'é', '\t', "'", '"', '{{', '#', '\\', ':', '09', '1e5', '..', '1.2.3',
];

function randomTokens(r: () => number): string {
  const n = 1 + Math.floor(r() * 30);
  let s = '';
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(r() * TOKENS.length)]! + (r() < 0.3 ? ' ' : '');
  return s;
}

function mutate(r: () => number, src: string): string {
  let s = src;
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const kind = r();
    if (kind < 0.33) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 5));
    else if (kind < 0.66) s = s.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)]! + s.slice(at);
    else s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2100)) + s.slice(at + 1);
  }
  return s;
}

function randomBytes(r: () => number): string {
  const n = Math.floor(r() * 40);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(32 + Math.floor(r() * 95));
  return s;
}

test('fuzz: 100,000 random and mutated scripts only ever fail with positioned TICKscript errors', () => {
  const r = rng(20240501);
  let parsed = 0;
  let compiled = 0;
  for (let i = 0; i < 100_000; i++) {
    const pick = r();
    const script =
      pick < 0.5 ? mutate(r, CORPUS[Math.floor(r() * CORPUS.length)]!) : pick < 0.85 ? randomTokens(r) : randomBytes(r);
    let program: ReturnType<typeof parse>;
    try {
      program = parse(script);
      parsed++;
    } catch (err) {
      if (!(err instanceof TickSyntaxError)) assert.fail(`#${i} parse threw ${String(err)} for ${JSON.stringify(script)}`);
      assert.ok(err.position.line >= 1 && err.position.char >= 1, `#${i} position ${JSON.stringify(err.position)}`);
      continue;
    }
    // A script that parses also formats, and its formatted form parses again. (Not always to the same
    // text: as in Kapacitor, a comment inside an expression makes the next format spread it over lines.)
    const formatted = formatScript(script);
    assert.doesNotThrow(() => parse(formatted), `#${i} formatted output does not parse for ${JSON.stringify(script)}`);
    try {
      compileProgram(program, { udfs: new Set(['udf']) });
      compiled++;
    } catch (err) {
      if (!(err instanceof TickEvalError)) assert.fail(`#${i} compile threw ${String(err)} for ${JSON.stringify(script)}`);
    }
  }
  assert.ok(parsed > 1000, `only ${parsed} scripts parsed: the generator is too destructive`);
  assert.ok(compiled > 100, `only ${compiled} scripts compiled`);
});

test('fuzz: 50,000 random lambdas evaluated on random points fail only with LambdaError', () => {
  const r = rng(77);
  const fns = builtinNames();
  const operands = ['"f"', '"i"', '"s"', '"b"', '"t"', '"missing"', '"time"', '1', '2.5', '0', "'x'", 'TRUE', '5s', '/a+/', '-1'];
  const ops = ['+', '-', '*', '/', '%', '==', '!=', '<', '>=', 'AND', 'OR', '=~', '!~'];
  const expr = (depth: number): string => {
    const p = r();
    if (depth > 3 || p < 0.35) return operands[Math.floor(r() * operands.length)]!;
    if (p < 0.7) return `${expr(depth + 1)} ${ops[Math.floor(r() * ops.length)]!} ${expr(depth + 1)}`;
    if (p < 0.8) return `(${expr(depth + 1)})`;
    const f = fns[Math.floor(r() * fns.length)]!;
    const argc = Math.floor(r() * 4);
    return `${f}(${Array.from({ length: argc }, () => expr(depth + 1)).join(', ')})`;
  };
  const values = [1.5, 0, -2, 3n, 0n, -7n, 'abc', '', true, false];
  let evaluated = 0;
  for (let i = 0; i < 50_000; i++) {
    const text = expr(0);
    let l: ReturnType<typeof compileLambda>;
    try {
      l = compileLambda(parseLambdaExpression(text).expression);
    } catch (err) {
      if (!(err instanceof TickSyntaxError || err instanceof LambdaCompileError)) assert.fail(`#${i} compile ${text}: ${String(err)}`);
      continue;
    }
    const pick = () => values[Math.floor(r() * values.length)]!;
    const scope = { fields: { f: pick(), i: pick(), b: pick() }, tags: { s: 'host-1', t: 'x' }, timeMs: Math.floor(r() * 1e12), timeNs: 0 };
    try {
      l.eval(scope, l.newState());
      evaluated++;
    } catch (err) {
      if (!(err instanceof LambdaError)) assert.fail(`#${i} eval ${text} on ${String(Object.values(scope.fields))}: ${String(err)}`);
    }
  }
  assert.ok(evaluated > 1000, `only ${evaluated} lambdas evaluated without error`);
});
