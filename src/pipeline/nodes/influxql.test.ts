// InfluxQL nodes on a grouped stream without a window: per-group runs and transformation state.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, EngineHarness } from '../testing.ts';

const T0 = 1_600_000_000;

describe('InfluxQL nodes on a stream', () => {
  it('a selector keeps each group its run of equal timestamps and emits the selected point as it came', () => {
    const h = new EngineHarness();
    h.start('t', `stream|from().measurement('m').groupBy('g')|max('v')|httpOut('o')`);
    h.write([`m,g=a,x=1 v=9,w=5i ${T0}`, `m,g=b v=7 ${T0}`, `m,g=a v=3 ${T0}`, `m,g=b v=2 ${T0 + 1}`, `m,g=a v=0 ${T0 + 1}`]);
    assert.deepEqual(h.out('t', 'o').series, [
      { name: 'm', tags: { g: 'b' }, columns: ['time', 'max'], values: [[at(T0, 0), 7]] },
      { name: 'm', tags: { g: 'a', x: '1' }, columns: ['time', 'max', 'w'], values: [[at(T0, 0), 9, 5]] },
    ]);
  });

  it('a transformation keeps its running state when idle expiry compacts the group slots', () => {
    const h = new EngineHarness({ groupIdleMs: 5_000 });
    const task = h.start('t', `stream|from().measurement('m').groupBy('g')|difference('v')|httpOut('o')`);
    h.write(Array.from({ length: 100 }, (_, i) => `m,g=g${i} v=${i} ${T0}`));
    h.advance(3_000);
    h.write([`m,g=g99 v=100 ${T0 + 1}`]);
    h.advance(3_000);
    assert.equal(task.workingCardinality(), 2); // difference and httpOut for g99
    h.write([`m,g=g99 v=110 ${T0 + 2}`, `m,g=g5 v=1 ${T0 + 2}`]);
    assert.deepEqual(h.out('t', 'o').series, [{ name: 'm', tags: { g: 'g99' }, columns: ['time', 'difference'], values: [[at(T0, 2), 10]] }]);
  });
});
