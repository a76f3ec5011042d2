import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonNumber, JsonSyntaxError, parseJsonExact } from './json-body.ts';

test('numbers keep their text; strings, nesting and escapes decode like JSON.parse', () => {
  const v = parseJsonExact('{"a": 9223372036854775807, "b": [1.5e3, -0, "x\\"y\\u00e9"], "c": {"d": null, "e": true}}') as Record<
    string,
    unknown
  >;
  assert.ok(v.a instanceof JsonNumber);
  assert.equal((v.a as JsonNumber).text, '9223372036854775807');
  const b = v.b as unknown[];
  assert.equal((b[0] as JsonNumber).toNumber(), 1500);
  assert.equal((b[0] as JsonNumber).isInteger(), false);
  assert.equal(b[2], 'x"yé');
  assert.deepEqual(v.c, { d: null, e: true });
  assert.deepEqual(Object.keys(parseJsonExact('{"__proto__": 1}') as object), ['__proto__']);
});

test('malformed JSON is rejected', () => {
  for (const bad of ['', '{', '{"a" 1}', '[1,]', '01', '"\u0001"', '{"a":1} x', 'tru', '1.', '-']) {
    assert.throws(() => parseJsonExact(bad), JsonSyntaxError, bad);
  }
});
