// Slot columns: resizing, shared values, and the compact one-point-per-slot store.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PointSlots, RefColumn, resizedArray, resizedTyped, SharedColumn } from './slot-columns.ts';

describe('slot columns', () => {
  it('resizing keeps the slots both sizes have', () => {
    assert.deepEqual([...resizedTyped(Float64Array.of(1, 2, 3), 5)], [1, 2, 3, 0, 0]);
    assert.deepEqual([...resizedTyped(Int32Array.of(1, 2, 3), 2)], [1, 2]);
    assert.deepEqual(resizedArray(['a', 'b'], 3), ['a', 'b', undefined]);
    assert.deepEqual(resizedArray(['a', 'b'], 1), ['a']);
  });

  it('a reference column exists only once a slot holds a reference', () => {
    const c = new RefColumn<string>();
    c.resize(4);
    c.set(1, undefined);
    assert.equal(c.get(1), undefined);
    c.set(2, 'x');
    c.move(2, 0);
    assert.deepEqual([c.get(0), c.get(2)], ['x', undefined]);
  });

  it('a shared column stores only the slots that differ from the first value', () => {
    const c = new SharedColumn<string>();
    c.resize(4);
    c.set(0, 'cpu');
    c.set(1, 'cpu');
    c.set(2, 'mem');
    assert.deepEqual([c.get(0), c.get(1), c.get(2)], ['cpu', 'cpu', 'mem']);
    c.move(2, 3);
    assert.equal(c.get(3), 'mem');
    c.clear(3);
    assert.equal(c.get(3), 'cpu');
  });
});

describe('PointSlots', () => {
  const group = { host: 'a' };

  it('gives back a one-float point with the group tags and exact time', () => {
    const s = new PointSlots();
    s.resize(8);
    assert.equal(s.has(3), false);
    s.set(3, { tags: { host: 'a' }, fields: { value: 1.5 }, timeMs: 1_700_000_000_123, timeNs: 456_789 }, group);
    assert.equal(s.has(3), true);
    const p = s.get(3, group);
    assert.deepEqual(p, { tags: { host: 'a' }, fields: { value: 1.5 }, timeMs: 1_700_000_000_123, timeNs: 456_789 });
    // Tags equal to the group's are not kept: the group's object comes back.
    assert.equal(p.tags, group);
  });

  it('keeps other fields objects and other tags as they are', () => {
    const s = new PointSlots();
    s.resize(4);
    const tags = { host: 'a', cpu: 'cpu0' };
    const fields = { value: 1n };
    s.set(0, { tags, fields, timeMs: 1, timeNs: 0 }, group);
    const two = { a: 1.5, b: 2.5 };
    s.set(1, { tags: group, fields: two, timeMs: 2, timeNs: 0 }, group);
    s.set(2, { tags: group, fields: { other: 3 }, timeMs: 3, timeNs: 0 }, group);
    assert.equal(s.get(0, group).fields, fields);
    assert.equal(s.get(0, group).tags, tags);
    assert.equal(s.get(1, group).fields, two);
    assert.deepEqual(s.get(2, group).fields, { other: 3 });
    s.set(1, { tags: group, fields: { value: -0 }, timeMs: 4, timeNs: 0 }, group);
    assert.ok(Object.is(s.get(1, group).fields.value, -0));
    s.set(2, { tags: group, fields: {}, timeMs: 5, timeNs: 0 }, group);
    assert.deepEqual(s.get(2, group), { tags: group, fields: {}, timeMs: 5, timeNs: 0 });
  });

  it('moves and clears slots', () => {
    const s = new PointSlots();
    s.resize(4);
    const tags = { host: 'a', cpu: 'cpu0' };
    s.set(3, { tags, fields: { value: 2.5 }, timeMs: 7, timeNs: 8 }, group);
    s.move(3, 1);
    assert.equal(s.has(3), false);
    assert.deepEqual(s.get(1, group), { tags, fields: { value: 2.5 }, timeMs: 7, timeNs: 8 });
    s.resize(2);
    assert.equal(s.get(1, group).tags, tags);
    s.clear(1);
    assert.equal(s.has(1), false);
  });
});
