import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CRITICAL, INFO, levelOf, OK, parseLevel, WARNING } from './level.ts';

test("parseLevel follows Kapacitor's lenient parser", () => {
  assert.equal(parseLevel(''), OK);
  assert.equal(parseLevel('ok'), OK);
  assert.equal(parseLevel('Info'), INFO);
  assert.equal(parseLevel('warn'), WARNING);
  assert.equal(parseLevel('WARNING'), WARNING);
  assert.equal(parseLevel('crit'), CRITICAL);
  assert.throws(() => parseLevel('ARN'), /unknown alert level 'ARN'/);
  assert.throws(() => parseLevel('bad'), /unknown alert level 'BAD'/);
});

test('levelOf reads exact names only', () => {
  assert.equal(levelOf('CRITICAL'), CRITICAL);
  assert.throws(() => levelOf('crit'));
});
