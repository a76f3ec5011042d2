// Per-group node state: found by the group's slot, and kept right when the group table expires and compacts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dimensions, type Group, GroupTable } from './group.ts';
import { GroupState, GroupStates, type TaskRuntime } from './node.ts';

class Counter extends GroupState {
  n = 0;
}

function runtime(): TaskRuntime {
  return { taskId: 't', groups: new GroupTable(), logger: { log: () => {} }, nowMs: 0 };
}

describe('GroupStates', () => {
  it('keeps each group its own state through expiry, slot reuse and compaction', () => {
    const rt = runtime();
    let created = 0;
    const states = new GroupStates<Counter>(rt, (g) => {
      created++;
      return new Counter(g);
    });
    const host = dimensions(['host'], false);
    const groups: Group[] = [];
    for (let i = 0; i < 200; i++) groups.push(rt.groups.of('cpu', { host: `h${i}` }, host));
    for (const g of groups) states.get(g).n = Number(g.tags.host.slice(1));
    assert.equal(created, 200);

    // Most groups go idle: their states leave, then the table frees their slots and compacts.
    rt.nowMs = rt.groups.nowMs = 10;
    const kept = groups.filter((_, i) => i % 25 === 0);
    for (const g of kept) states.get(g);
    assert.equal(states.expire(5).length, 200 - kept.length);
    const slotsBefore = kept.map((g) => g.slot);
    rt.groups.expire(5);
    assert.notDeepEqual(kept.map((g) => g.slot), slotsBefore, 'the table compacted');
    for (const g of kept) {
      assert.equal(states.peek(g)?.n, Number(g.tags.host.slice(1)));
      assert.equal(states.get(g).n, Number(g.tags.host.slice(1)));
      assert.equal(states.peek(g.id), states.get(g));
    }
    assert.equal(created, 200);

    // An expired group object stands for its key: it gets a fresh state, not one left in a reused slot.
    const gone = groups[1];
    assert.equal(gone.slot, -1);
    assert.equal(states.peek(gone), undefined);
    for (let i = 200; i < 260; i++) states.get(rt.groups.of('cpu', { host: `h${i}` }, host)).n = i;
    assert.equal(states.get(gone).n, 0);
    assert.equal(states.get(rt.groups.of('cpu', { host: 'h1' }, host)), states.get(gone));
    assert.equal(states.size, kept.length + 61);

    states.delete(kept[0]);
    assert.equal(states.peek(kept[0]), undefined);
    assert.equal(states.get(kept[0]).n, 0);
  });
});
