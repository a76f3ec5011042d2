import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../core/time.ts';
import { LambdaError } from '../errors.ts';
import { parseLambdaExpression } from '../parser.ts';
import { compileLambda } from './compile.ts';
import { lookupBuiltin } from './functions.ts';
import type { LambdaScope } from './types.ts';

function lambda(expr: string, clock?: ManualClock) {
  return compileLambda(parseLambdaExpression(expr).expression, clock ? { clock } : {});
}

function scope(fields: LambdaScope['fields'] = {}, tags: LambdaScope['tags'] = {}, timeMs = 0): LambdaScope {
  return { fields, tags, timeMs, timeNs: 0 };
}

function err(expr: string, s: LambdaScope = scope()): string {
  try {
    lambda(expr).eval(s);
  } catch (e) {
    assert.ok(e instanceof LambdaError, String(e));
    return e.message;
  }
  assert.fail(`expected ${expr} to fail`);
}

test('arithmetic keeps int and float apart (no promotion)', () => {
  assert.equal(lambda('"i" * 2').eval(scope({ i: 21n })), 42n);
  assert.equal(lambda('"f" * 2.0').eval(scope({ f: 1.5 })), 3);
  assert.equal(
    err('"i" * 100.0', scope({ i: 3n })),
    'mismatched type to binary operator. got int * float. see bool(), int(), float(), string(), duration()',
  );
  assert.equal(lambda('7 / 2').eval(scope()), 3n);
  assert.equal(lambda('-7 % 3').eval(scope()), -1n);
  assert.equal(err('1 / 0'), 'runtime error: integer divide by zero');
  assert.equal(lambda('9223372036854775807 + 1').eval(scope()), -9223372036854775808n);
  assert.equal(err('1.5 % 1.0'), 'invalid math operator % for type float');
});

test('comparisons mix int and float; strings compare lexicographically', () => {
  assert.equal(lambda('"i" > 2.5').eval(scope({ i: 3n })), true);
  assert.equal(lambda('"f" == 3').eval(scope({ f: 3 })), true);
  assert.equal(lambda("'abc' < 'abd'").eval(scope()), true);
  assert.equal(err("'a' > 1"), 'mismatched type to binary operator. got string > int. see bool(), int(), float(), string(), duration()');
});

test('durations: arithmetic and comparison', () => {
  assert.deepEqual(lambda('5m + 30s').eval(scope()), { type: 'duration', ns: 330e9 });
  assert.deepEqual(lambda('2 * 1s').eval(scope()), { type: 'duration', ns: 2e9 });
  assert.deepEqual(lambda('1s * 1.5').eval(scope()), { type: 'duration', ns: 1.5e9 });
  assert.equal(lambda('1m / 1s').eval(scope()), 60n);
  assert.equal(lambda('1m > 59s').eval(scope()), true);
});

test('regex and string operators, tags and fields', () => {
  assert.equal(lambda('"host" =~ /^server[AB]$/').eval(scope({}, { host: 'serverA' })), true);
  assert.equal(lambda('"host" !~ /^server/').eval(scope({}, { host: 'db1' })), true);
  assert.equal(lambda('"a" + "b"').eval(scope({ a: 'x' }, { b: 'y' })), 'xy');
  assert.equal(err('"x" > 1', scope({ x: 1n }, { x: 'a' })), 'cannot have field and tags with same name "x"');
});

test('missing references: operators fail with the side named, isPresent tests them', () => {
  assert.equal(err('"value" > 10'), 'left reference value "value" is missing value');
  assert.equal(err('10 < "value"'), 'right reference value "value" is missing value');
  assert.equal(lambda('isPresent("value")').eval(scope()), false);
  assert.equal(lambda('isPresent("value")').eval(scope({ value: 1 })), true);
  assert.throws(() => lambda('"value"').evalBool(scope()), /reference "value" is missing value/);
  assert.equal(err('"v"'), 'missing value: "v"');
});

test('AND / OR short-circuit and demand booleans', () => {
  assert.equal(lambda('FALSE AND "missing" > 1').eval(scope()), false);
  assert.equal(lambda('TRUE OR "missing" > 1').eval(scope()), true);
  assert.equal(err('1 AND TRUE'), 'invalid logical operator AND for type int');
});

test('conversion, math and string functions', () => {
  assert.equal(lambda('float("i") / 2.0').eval(scope({ i: 3n })), 1.5);
  assert.equal(lambda('int(3.9)').eval(scope()), 3n);
  assert.equal(lambda("int('42')").eval(scope()), 42n);
  assert.equal(lambda('string(2.50)').eval(scope()), '2.5');
  assert.equal(lambda('string(90s)').eval(scope()), '90s');
  assert.equal(lambda('bool(1)').eval(scope()), true);
  assert.deepEqual(lambda('duration(5, 1m)').eval(scope()), { type: 'duration', ns: 300e9 });
  assert.equal(lambda('abs(-2.0)').eval(scope()), 2);
  assert.equal(lambda('pow(2.0, 10.0)').eval(scope()), 1024);
  assert.equal(
    err('abs("x")', scope({ x: 1n })),
    'Cannot call function "abs" with args ("x": int), available signatures are [(float)].',
  );
  assert.equal(err('abs("x")'), 'Cannot call function "abs" argument "x" is missing, values in scope are []');
  assert.equal(lambda("strReplace('aaa', 'a', 'b', 2)").eval(scope()), 'bba');
  assert.equal(lambda("strSubstring('kapacitor', 0, 4)").eval(scope()), 'kapa');
  assert.equal(lambda("strContains('kapacitor', 'pac')").eval(scope()), true);
  assert.equal(lambda("strLength('héllo')").eval(scope()), 6n);
  assert.equal(lambda("regexReplace(/(a+)/, 'xaay', '<$1>')").eval(scope()), 'x<aa>y');
  // Go's expansion: `$1W` names a group "1W" (empty), `${1}W` is group 1 then W.
  assert.equal(lambda("regexReplace(/a(x*)b/, '-ab-axxb-', '$1W')").eval(scope()), '---');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Go regex replacement template, not JS
  assert.equal(lambda("regexReplace(/a(x*)b/, '-ab-axxb-', '${1}W')").eval(scope()), '-W-xxW-');
  assert.equal(lambda('humanBytes(1000)').eval(scope()), '1.0 kB');
  assert.equal(lambda("if(\"v\" > 1, 'big', 'small')").eval(scope({ v: 5n })), 'big');
  assert.match(err("if(TRUE, 1, 'a')"), /^Cannot call function "if" with args/);
});

test('time functions read the point time; now() reads the injected clock', () => {
  const t = Date.UTC(2024, 4, 1, 10, 30);
  const local = new Date(t);
  assert.equal(lambda('hour("time")').eval(scope({}, {}, t)), BigInt(local.getHours()));
  assert.equal(lambda('minute("time")').eval(scope({}, {}, t)), BigInt(local.getMinutes()));
  assert.equal(lambda('unixNano("time")').eval({ fields: {}, tags: {}, timeMs: 1, timeNs: 5 }), 1_000_005n);
  const clock = new ManualClock({ ms: 42, ns: 7 });
  assert.deepEqual(lambda('now()', clock).eval(scope()), { type: 'timeval', ms: 42, ns: 7 });
});

test('stateful functions keep state per group state object', () => {
  const l = lambda('count()');
  assert.equal(l.stateful, true);
  const a = l.newState();
  const b = l.newState();
  assert.equal(l.eval(scope(), a), 1n);
  assert.equal(l.eval(scope(), a), 2n);
  assert.equal(l.eval(scope(), b), 1n);
  const spread = lambda('spread("v")');
  const st = spread.newState();
  for (const v of [5, 1, 9]) spread.eval(scope({ v }), st);
  assert.equal(spread.eval(scope({ v: 3 }), st), 8);
  const sigma = lambda('sigma("v")');
  const ss = sigma.newState();
  assert.equal(sigma.eval(scope({ v: 1 }), ss), 0);
  assert.ok((sigma.eval(scope({ v: 3 }), ss) as number) > 0);
  assert.equal(lambda('"a" > 1').stateful, false);
});

test('eval results of earlier expressions are visible through scope.extra', () => {
  const l = lambda('"x" * 2');
  assert.equal(l.eval({ fields: {}, tags: {}, timeMs: 0, timeNs: 0, extra: { x: 4n } }), 8n);
  assert.deepEqual(l.references, ['x']);
  assert.equal(l.expression, '"x" * 2');
});

test('a string literal where a field was meant carries a hint', () => {
  try {
    lambda("'usage_idle' > 10").eval(scope({ usage_idle: 5 }));
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof LambdaError);
    assert.equal(e.message, 'mismatched type to binary operator. got string > int. see bool(), int(), float(), string(), duration()');
    assert.match(e.hint ?? '', /"usage_idle" \(double quotes\)/);
  }
});

test('references see own fields and tags only, never what plain objects inherit', () => {
  assert.equal(err('"constructor"'), 'missing value: "constructor"');
  assert.equal(lambda('"toString" + "constructor"').eval(scope({ toString: 'a' }, { constructor: 'b' })), 'ab');
  assert.equal(lambda('isPresent("hasOwnProperty")').eval(scope()), false);
  assert.equal(err('"h"', scope({ h: 1.5 }, { h: 'x' })), 'cannot have field and tags with same name "h"');
});

test('a call site called again checks the types of its new arguments', () => {
  const l = lambda('abs(float("x")) + abs(abs("y"))');
  assert.equal(l.eval(scope({ x: -2n, y: -1.5 })), 3.5);
  assert.equal(l.eval(scope({ x: '-4.5', y: 0.5 })), 5);
  assert.match(err('abs("x")', scope({ x: 3n })), /^Cannot call function "abs" with args \("x": int\)/);
  assert.equal(l.eval(scope({ x: true, y: -1 })), 2);
});

test('floats compare with int literals on either side; regex operators still refuse floats', () => {
  const f = scope({ v: 10.5, w: 10 });
  assert.deepEqual(
    ['"v" > 10', '"v" < 10', '"v" >= 11', '"v" <= 11', '"w" == 10', '"w" != 10', '10 < "v"', '11 == "v"', '-3 < "v"'].map((e) => lambda(e).eval(f)),
    [true, false, false, true, true, false, true, false, true],
  );
  assert.equal(lambda('"i" > 2').eval(scope({ i: 3n })), true);
  assert.equal(err('"v" =~ 10', f), 'invalid comparison operator =~ for type float');
  assert.equal(err('"v" + 10', f), 'mismatched type to binary operator. got float + int. see bool(), int(), float(), string(), duration()');
});

test('one-float builtins take a direct path that agrees with their general call', () => {
  for (const name of ['abs', 'float', 'sqrt', 'y0']) {
    const f = lookupBuiltin(name)!;
    assert.ok(f.float1, name);
    for (const x of [-2.5, 0, 3, Number.NaN]) assert.deepEqual(f.float1(x), f.call([x], undefined, undefined as never), `${name}(${x})`);
  }
  assert.equal(lambda('abs(float("a" - "b")) / float("b") * 100.0').eval(scope({ a: 1.5, b: 3 })), 50);
  // Other argument types still go through the signatures.
  assert.equal(lambda('float("i")').eval(scope({ i: 2n })), 2);
  assert.match(err('abs("i")', scope({ i: 2n })), /Cannot call function "abs" with args \("i": int\)/);
  assert.match(err('abs("x")'), /argument "x" is missing/);
});
