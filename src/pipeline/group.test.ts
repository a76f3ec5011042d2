// Group ids and interning (reference §4).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dimensions, GroupTable, groupId, StarDimensions } from './group.ts';

describe('groupId', () => {
  it('follows models.ToGroupID', () => {
    assert.equal(groupId('cpu', { host: 'a' }, dimensions([], false)), '');
    assert.equal(groupId('cpu', { host: 'a' }, dimensions([], true)), 'cpu');
    assert.equal(groupId('cpu', { host: 'a', cpu: 'cpu0' }, dimensions(['host', 'cpu'], false)), 'cpu=cpu0,host=a');
    assert.equal(groupId('cpu', { host: 'a' }, dimensions(['host'], true)), 'cpu\nhost=a');
    assert.equal(groupId('cpu', {}, dimensions(['host'], false)), 'host=');
  });

  it('dimensions are sorted, de-duplicated and honour exclude', () => {
    assert.deepEqual(dimensions(['b', 'a', 'b', 'c'], false, ['c']).tagNames, ['a', 'b']);
  });

  it('groupBy(*) takes every tag of each point', () => {
    const star = new StarDimensions(false, ['dc']);
    assert.deepEqual(star.of({ host: 'a', dc: 'x', cpu: '0' }).tagNames, ['cpu', 'host']);
    assert.equal(star.of({ host: 'b', dc: 'y', cpu: '1' }), star.of({ host: 'a', dc: 'x', cpu: '0' }));
  });
});

describe('GroupTable', () => {
  it('interns groups with only the dimension tags, on both lookup paths', () => {
    const t = new GroupTable();
    const one = dimensions(['host'], false);
    const two = dimensions(['host', 'dc'], false);
    const a = t.of('cpu', { host: 'a', dc: 'x' }, one);
    assert.equal(t.of('mem', { host: 'a', dc: 'y' }, one), a);
    assert.deepEqual(a.tags, { host: 'a' });
    assert.equal(a.id, 'host=a');
    const b = t.of('cpu', { host: 'a', dc: 'x' }, two);
    assert.equal(b.id, 'dc=x,host=a');
    assert.equal(t.of('cpu', { host: 'a', dc: 'x' }, dimensions([], false)), t.root);
    assert.equal(t.size, 2);
  });

  it('expires groups not used since a cutoff', () => {
    const t = new GroupTable();
    const dims = dimensions(['host'], false);
    t.nowMs = 1000;
    const old = t.of('cpu', { host: 'a' }, dims);
    t.nowMs = 5000;
    t.of('cpu', { host: 'b' }, dims);
    t.expire(2000);
    assert.equal(t.size, 1);
    assert.equal(t.lastSeen('host=a'), undefined);
    assert.equal(t.lastSeen('host=b'), 5000);
    // A group that comes back is a new object with a fresh time.
    const again = t.of('cpu', { host: 'a' }, dims);
    assert.notEqual(again, old);
    assert.equal(t.lastSeen('host=a'), 5000);
  });
});
