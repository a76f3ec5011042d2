import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Annotation, annotationJson, annotationKey, applyWrite, hasChanges } from './annotation.ts';

const stored: Annotation = { tsuid: 'AB', startTime: 10, endTime: 20, description: 'd', notes: 'n', custom: { a: '1' } };

describe('annotation identity', () => {
  it('global when the TSUID is empty; hex canonical otherwise', () => {
    assert.deepEqual(annotationKey('', 1369141261), { partition: '', timeMs: 1369141261000, startTime: 1369141261 });
    assert.equal(annotationKey('abc', 5).partition, '0ABC');
  });
  it('whole-second milliseconds normalise to seconds; other ms stay', () => {
    assert.deepEqual(annotationKey('', 1369141261000), { partition: '', timeMs: 1369141261000, startTime: 1369141261 });
    assert.deepEqual(annotationKey('', 1369141261001), { partition: '', timeMs: 1369141261001, startTime: 1369141261001 });
  });
  it('a start time below 1 is "The start timestamp has not been set"', () => {
    assert.throws(() => annotationKey('', 0), { message: 'The start timestamp has not been set' });
    assert.throws(() => annotationKey('', -5), { message: 'The start timestamp has not been set' });
  });
});

describe('writes', () => {
  const key = annotationKey('AB', 10);
  it('only fields other than the key count as changes', () => {
    assert.equal(hasChanges({ tsuid: 'AB', startTime: 10 }), false);
    assert.equal(hasChanges({ tsuid: 'AB', startTime: 10, custom: {} }), true);
  });
  it('merge keeps unchanged stored fields; replace resets them', () => {
    assert.deepEqual(applyWrite(key, { tsuid: 'AB', startTime: 10, notes: 'x' }, stored, 'merge'), { ...stored, notes: 'x' });
    assert.deepEqual(applyWrite(key, { tsuid: 'AB', startTime: 10, notes: 'x' }, stored, 'replace'), {
      tsuid: 'AB',
      startTime: 10,
      endTime: 0,
      description: '',
      notes: 'x',
      custom: null,
    });
  });
  it('custom is replaced as a whole and copied', () => {
    const custom = { b: '2' };
    const next = applyWrite(key, { tsuid: 'AB', startTime: 10, custom }, stored, 'merge');
    assert.deepEqual(next.custom, { b: '2' });
    custom.b = 'changed';
    assert.deepEqual(next.custom, { b: '2' });
  });
  it('the wire form omits a null custom', () => {
    assert.deepEqual(Object.keys(annotationJson({ ...stored, custom: null })), ['tsuid', 'description', 'notes', 'endTime', 'startTime']);
    assert.deepEqual(annotationJson(stored).custom, { a: '1' });
  });
});
