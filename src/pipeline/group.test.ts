// Group ids and interning (reference §4).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dimensions, GroupTable, groupId, type SlotStore, StarDimensions } from './group.ts';

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

  it('gives groups dense slots and reuses the slots of expired groups', () => {
    const t = new GroupTable();
    const dims = dimensions(['host'], false);
    assert.equal(t.root.slot, 0);
    t.nowMs = 1000;
    const a = t.of('cpu', { host: 'a' }, dims);
    const b = t.of('cpu', { host: 'b', dc: 'x' }, dimensions(['host', 'dc'], false));
    assert.deepEqual([a.slot, b.slot], [1, 2]);
    t.nowMs = 5000;
    t.of('cpu', { host: 'b', dc: 'x' }, dimensions(['dc', 'host'], false));
    t.expire(2000);
    assert.equal(a.slot, -1);
    assert.equal(t.of('cpu', { host: 'c' }, dims).slot, 1);
  });

  it('keeps a group interned while a node holds state for it, however idle', () => {
    const t = new GroupTable();
    t.nowMs = 1000;
    const a = t.of('cpu', { host: 'a' }, dimensions(['host'], false));
    t.ref(a.slot);
    t.nowMs = 9000;
    t.expire(5000);
    assert.equal(t.of('cpu', { host: 'a' }, dimensions(['host'], false)), a);
    t.unref(a.slot);
    t.nowMs = 20000;
    t.expire(15000);
    assert.equal(t.size, 0);
  });

  it('builds the id of a single-tag group only when asked, and finds groups by id', () => {
    const t = new GroupTable();
    const g = t.of('cpu', { host: 'a', dc: 'x' }, dimensions(['host'], false));
    assert.equal(g.id, 'host=a');
    assert.equal(t.byId('host=a'), g);
    assert.equal(t.byId('host=zz'), undefined);
    assert.equal(t.byId(''), t.root);
    const named = t.of('cpu', { host: 'a' }, dimensions(['host'], true));
    assert.equal(named.id, 'cpu\nhost=a');
    assert.equal(t.byId('cpu\nhost=a'), named);
  });

  it('a group object kept past its expiry stands for the group interned again under its id', () => {
    const t = new GroupTable();
    const dims = dimensions(['host'], false);
    t.nowMs = 1000;
    const old = t.of('cpu', { host: 'a', dc: 'x' }, dims);
    t.nowMs = 9000;
    t.expire(5000);
    assert.equal(t.find(old), undefined);
    const revived = t.live(old);
    assert.notEqual(revived, old);
    assert.deepEqual(revived.tags, { host: 'a' });
    assert.equal(t.of('cpu', { host: 'a' }, dims), revived);
    assert.equal(t.live(old), revived);
  });

  it('a copy with other tags stands for the interned group', () => {
    const t = new GroupTable();
    const g = t.of('cpu', { host: 'a' }, dimensions(['host'], false));
    const copy = g.withTags({ host: 'a', level: 'CRITICAL' });
    assert.equal(copy.id, 'host=a');
    assert.deepEqual(copy.tags, { host: 'a', level: 'CRITICAL' });
    assert.equal(t.find(copy), g);
    assert.equal(t.live(copy), g);
  });

  it('renumbers live groups into low slots when most slots are free, moving every column along', () => {
    const t = new GroupTable();
    const dims = dimensions(['host'], false);
    const moves: [number, number][] = [];
    const sizes: number[] = [];
    const store: SlotStore = { resize: (c) => sizes.push(c), move: (from, to) => moves.push([from, to]) };
    t.attach(store);
    t.nowMs = 1000;
    const groups = Array.from({ length: 200 }, (_, i) => t.of('cpu', { host: `h${i}` }, dims));
    assert.equal(t.capacity, 256);
    t.nowMs = 9000;
    const kept = [groups[10], groups[150], groups[199]];
    for (const g of kept) t.of('cpu', g.tags, dims);
    t.expire(5000);
    assert.equal(t.size, 3);
    assert.equal(t.capacity, 64);
    assert.deepEqual(sizes, [64, 128, 256, 64]);
    // From the top down, live groups move into the lowest free slots.
    assert.deepEqual(moves, [
      [200, 1],
      [151, 2],
      [11, 3],
    ]);
    assert.deepEqual(
      kept.map((g) => g.slot),
      [3, 2, 1],
    );
    for (const g of kept) {
      assert.equal(t.at(g.slot), g);
      assert.equal(t.seenAt(g.slot), 9000);
    }
    assert.equal(t.of('cpu', { host: 'new' }, dims).slot, 4);
  });

  it('finds every surviving group through growth, expiry and compaction', () => {
    const t = new GroupTable();
    const byHost = dimensions(['host'], false);
    const byDc = dimensions(['dc'], false);
    const both = dimensions(['dc', 'host'], false);
    const model = new Map<string, ReturnType<GroupTable['of']>>();
    const intern = (i: number, dims: typeof both) => t.of('cpu', { host: `h${i}`, dc: `d${i % 37}` }, dims);
    let x = 12345;
    const random = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 2 ** 32;
    };
    for (let round = 0; round < 6; round++) {
      t.nowMs = round * 1000;
      for (let k = 0; k < 3000; k++) {
        const i = Math.floor(random() * 2000);
        const dims = [byHost, byDc, both][i % 3];
        const g = intern(i, dims);
        const known = model.get(g.id);
        if (known !== undefined) assert.equal(g, known);
        model.set(g.id, g);
      }
      t.expire(round * 1000 - 500);
      for (const [id, g] of model) {
        if (g.slot < 0) model.delete(id);
        else assert.equal(t.byId(id), g);
      }
      assert.equal(t.size, model.size);
    }
    t.nowMs = 100_000;
    t.expire(99_000);
    assert.equal(t.size, 0);
    assert.equal(t.capacity, 64);
  });
});
