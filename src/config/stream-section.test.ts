// [stream] reading: defaults, the idle timeout and httpPost's queue size.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readStreamSection } from './stream-section.ts';

test('absent settings take the defaults', () => {
  assert.deepEqual(readStreamSection(undefined), { groupIdleMs: 0, httpPostQueueSize: 1000 });
  assert.deepEqual(readStreamSection({}), { groupIdleMs: 0, httpPostQueueSize: 1000 });
});

test('reads group-idle-timeout and http-post-queue-size', () => {
  assert.deepEqual(readStreamSection({ 'group-idle-timeout': '1m', 'http-post-queue-size': 5 }), {
    groupIdleMs: 60_000,
    httpPostQueueSize: 5,
  });
});

test('rejects bad values and unknown keys', () => {
  for (const size of [0, -1, 1.5, '10']) {
    assert.throws(() => readStreamSection({ 'http-post-queue-size': size }), /http-post-queue-size: expected a whole number of at least 1/);
  }
  assert.throws(() => readStreamSection({ 'group-idle-timeout': 'soon' }), /group-idle-timeout: expected a duration/);
  assert.throws(() => readStreamSection({ 'queue-size': 1 }), /queue-size: unknown setting/);
});
