// httpOut rows: latest message per group, group-creation order, idle expiry.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, EngineHarness } from '../testing.ts';

const T0 = 1_600_000_000;

describe('httpOut', () => {
  it('keeps the latest point of each group with all its tags and fields', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m').groupBy('g')|httpOut('o')`);
    h.write([`m,g=a v=1 ${T0}`, `m,g=a,x=1 v=2,w="s" ${T0 + 1}`, `m,g=b v=3 ${T0 + 1}`, `m,g=b v=4 ${T0 + 2}`]);
    assert.deepEqual(h.out('t', 'o').series, [
      { name: 'm', tags: { g: 'a', x: '1' }, columns: ['time', 'v', 'w'], values: [[at(T0, 1), 2, 's']] },
      { name: 'm', tags: { g: 'b' }, columns: ['time', 'v'], values: [[at(T0, 2), 4]] },
    ]);
  });

  it('rows stay in group-creation order when new groups reuse the slots of expired ones', () => {
    const h = new EngineHarness({ groupIdleMs: 5_000 });
    h.start('t', `stream|from().measurement('m').groupBy('g')|httpOut('o')`);
    h.write(['a', 'b', 'c'].map((g) => `m,g=${g} v=1 ${T0}`));
    h.advance(3_000);
    h.write([`m,g=b v=2 ${T0 + 1}`]);
    h.advance(3_000);
    h.write(['d', 'e', 'a'].map((g) => `m,g=${g} v=3 ${T0 + 2}`));
    assert.deepEqual(
      h.out('t', 'o').series!.map((r) => [(r.tags as Record<string, string>).g, (r.values as unknown[][])[0][1]]),
      [
        ['b', 2],
        ['d', 3],
        ['e', 3],
        ['a', 3],
      ],
    );
  });
});
