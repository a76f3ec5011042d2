import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLambdaExpression } from '../parser.ts';
import { compileLambda } from './compile.ts';
import { floatPath } from './float-path.ts';
import type { LambdaScope } from './types.ts';

const SEED = 'abs(float("current.value" - "past.value")) / float("past.value") * 100.0';

function planned(expr: string): boolean {
  return floatPath(parseLambdaExpression(expr).expression) !== undefined;
}

/** The result of `eval`, or the message it throws. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Asserts that the float path and the closures give the same value or the same error for every scope. */
function sameAsClosures(expr: string, scopes: LambdaScope[]): void {
  const expression = parseLambdaExpression(expr).expression;
  const fast = compileLambda(expression);
  const slow = compileLambda(expression, { floatPaths: false });
  // Twice each, so the second pass runs code V8 has seen (and may have optimized) with every scope.
  for (const s of [...scopes, ...scopes]) {
    const want = outcome(() => slow.eval(s));
    const got = outcome(() => fast.eval(s));
    assert.deepEqual(got, want, `${expr} with ${JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
    if (typeof (want as { value?: unknown }).value === 'number') assert.ok(Object.is((got as { value: number }).value, (want as { value: number }).value));
  }
  assert.deepEqual(fast.references, slow.references);
}

function scope(fields: LambdaScope['fields'], tags: LambdaScope['tags'] = {}, extra?: LambdaScope['extra']): LambdaScope {
  return { fields, tags, timeMs: 0, timeNs: 0, extra };
}

test('float arithmetic with an operator gets a float path; anything else keeps the closures', () => {
  for (const e of [SEED, '"a" - "b"', '-"a"', '"a" > 10', '10 <= "a" * 2.0', 'sqrt("a") + 1.0', '"a" == "b"']) assert.ok(planned(e), e);
  for (const e of [
    '"a"',
    'float("a")',
    '"a" * 2',
    '"a" % 2.0',
    '1.5 * 2.0',
    '"time" > 0',
    '"a" > 1 AND "b" > 1',
    '"a" =~ /x/',
    'count() * 2.0',
    'if("a" > 1.0, 1.0, 2.0)',
    "'a' + \"b\"",
    '!"a"',
  ]) {
    assert.ok(!planned(e), e);
  }
  // Paths stay small: a larger subtree keeps its closures (and its parts get paths of their own).
  assert.ok(!planned(Array.from({ length: 40 }, (_v, i) => `"f${i}"`).join(' + ')));
});

test('the seed task lambda: same values and errors as the closures', () => {
  sameAsClosures(SEED, [
    scope({ 'current.value': 12.5, 'past.value': 10 }),
    scope({ 'current.value': 5, 'past.value': 0 }),
    scope({ 'current.value': 0, 'past.value': 0 }),
    scope({ 'current.value': Number.NaN, 'past.value': 1 }),
    scope({ 'current.value': -0, 'past.value': -1 }),
    scope({ 'current.value': 12n, 'past.value': 10n }),
    scope({ 'current.value': 12.5, 'past.value': 10n }),
    scope({ 'current.value': 'x', 'past.value': 10 }),
    scope({ 'current.value': true, 'past.value': 10 }),
    scope({ 'past.value': 10 }),
    scope({ 'current.value': 1.5 }),
    scope({}),
    scope({ 'current.value': 1.5, 'past.value': 2 }, { 'past.value': 'tag' }),
    scope({ 'current.value': 1.5 }, { 'past.value': '2' }),
    scope({ 'current.value': 1.5, 'past.value': 2 }, {}, { 'past.value': 4 }),
    scope({ 'current.value': 1.5, 'past.value': 2 }, {}, { 'past.value': 4n }),
  ]);
});

test('operators, comparisons with int literals, unary minus: same as the closures', () => {
  const scopes = [
    scope({ a: 3.5, b: 2 }),
    scope({ a: 10, b: 10 }),
    scope({ a: -0, b: 0 }),
    scope({ a: Number.NaN, b: Number.NaN }),
    scope({ a: Number.POSITIVE_INFINITY, b: 0 }),
    scope({ a: 3n, b: 2n }),
    scope({ a: 3.5, b: 2n }),
    scope({ a: 'x', b: 'y' }),
    scope({ a: false, b: 1 }),
    scope({ b: 1 }),
    scope({ a: 1 }),
    scope({}, { a: 'x', b: 'y' }),
    scope({ a: 1, b: 2 }, { a: 'x' }),
    scope({ a: 1, b: 2 }, {}, { a: 5.5 }),
    scope({ a: 1, b: 2 }, {}, { c: 5.5 }),
    scope({ a: 1, b: 2 }, {}, { b: 'x' }),
  ];
  for (const e of [
    '"a" - "b"',
    '"a" / "b"',
    '-"a" * -"b"',
    '"a" + "a" + "a"',
    '"a" > 10',
    '"a" >= 3.5',
    '10 < "a"',
    '"a" == "b"',
    '"a" != 10',
    '"a" * 2.0 < "b"',
    '-("a" / "b") <= -1',
    'sqrt("a") - floor("b")',
    'abs(-"a")',
  ]) {
    sameAsClosures(e, scopes);
  }
});

test('field names reach the generated code as data, never as code', () => {
  // In two parts: the linter reads a dollar-brace in a plain string literal as a forgotten template.
  const interpolation = '$' + '{b}';
  const names = ['a"b', "a'b", 'a\\b', 'a\nb', interpolation, '"]; throw 1; //', '__proto__', 'constructor', 'toString', 'a\u2028b'];
  for (const name of names) {
    const ref = `"${name.replaceAll('"', '\\"')}"`;
    const expr = `${ref} * 2.0 - 1.0`;
    const expression = parseLambdaExpression(expr).expression;
    assert.ok(floatPath(expression) !== undefined, expr);
    sameAsClosures(expr, [scope({ [name]: 4 }), scope({ [name]: 4n }), scope({}), scope({ [name]: 4 }, { [name]: 'x' })]);
    assert.equal(compileLambda(expression).eval(scope({ [name]: 4 })), 7);
  }
});
