// The query side of batch tasks: Kapacitor's rewriting of the node's query and its result → batch rules.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { MINUTE, SECOND } from '../src/core/time.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { BatchQuery, batchWindow } from '../src/query/influxql/batch-query.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

describe('batch query node', () => {
  let store: SeriesStore;
  const T0 = 1_700_000_040_000; // on a whole minute
  before(async () => {
    store = await openEmbeddedStore({ dir: '/b', disk: new MemoryDisk() });
    await store.createDatabase('telegraf');
    const lines: string[] = [];
    for (let i = 0; i < 10; i++) {
      lines.push(`cpu,host=a,cpu=cpu0 usage=${i},n=${i}i ${(T0 + i * 20_000) * 1e6}`);
      lines.push(`cpu,host=b,cpu=cpu0 usage=${i * 2} ${(T0 + i * 20_000) * 1e6}`);
    }
    await store.write(parseLineProtocol(Buffer.from(lines.join('\n')), { database: 'telegraf', retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } }));
  });

  it('rejects what Kapacitor rejects, with its texts', () => {
    assert.throws(() => new BatchQuery({ query: 'SELECT value FROM db.rp.m; DROP DATABASE _internal' }), {
      message: 'query must be a single select statement, got 2 statements',
    });
    assert.throws(() => new BatchQuery({ query: 'DROP DATABASE _internal' }), { message: 'query is not a select statement "DROP DATABASE _internal"' });
    assert.throws(() => new BatchQuery({ query: 'SELECT FROM' }), {
      message: 'failed to parse InfluxQL query: found FROM, expected identifier, string, number, bool at line 1, char 8',
    });
    assert.throws(
      () => new BatchQuery({ query: 'SELECT x FROM m', groupBy: [{ type: 'time', every: MINUTE }, { type: 'time', every: SECOND }] }),
      { message: 'groupBy cannot have more than one time dimension' },
    );
    assert.throws(() => new BatchQuery({ query: 'SELECT x FROM m', fill: 'sideways' }), { message: 'unexpected fill option sideways' });
  });

  it('computes the window from the tick, period and offset', () => {
    assert.deepEqual(batchWindow({ ms: 10_000, ns: 5 }, 5 * SECOND, 2 * SECOND), { start: { ms: 3_000, ns: 5 }, stop: { ms: 8_000, ns: 5 } });
  });

  it('groups by time and tags: one batch per series, tmax the last point, numbers as floats', async () => {
    const q = new BatchQuery({
      query: 'SELECT mean("usage") AS usage, max(n) FROM "telegraf"."autogen"."cpu" GROUP BY cpu',
      groupBy: [{ type: 'time', every: MINUTE }, 'host'],
    });
    const { start, stop } = batchWindow({ ms: T0 + 3 * 60_000, ns: 0 }, 3 * MINUTE, 0);
    const batches = await q.run(store, start, stop);
    assert.deepEqual(
      batches.map((b) => [b.name, b.tags, b.points.length, b.tmaxMs - T0]),
      [
        ['cpu', { host: 'a' }, 3, 120_000],
        ['cpu', { host: 'b' }, 3, 120_000],
      ],
    );
    assert.deepEqual(batches[0].points[0], { tags: { host: 'a' }, fields: { usage: 1, max: 2 }, timeMs: T0, timeNs: 0 });
    assert.equal(typeof batches[0].points[0].fields.max, 'number');
    // Host b has no `n`: the null is left out.
    assert.deepEqual(batches[1].points[2].fields, { usage: 14 });
  });

  it('without time grouping the batch time is the window stop; alignGroup moves the bucket offset', async () => {
    const q = new BatchQuery({ query: 'SELECT last(usage) FROM telegraf.autogen.cpu', groupBy: ['host'] });
    const start = { ms: T0, ns: 0 };
    const stop = { ms: T0 + 100_000, ns: 0 };
    const batches = await q.run(store, start, stop);
    assert.deepEqual(
      batches.map((b) => [b.tags.host, b.tmaxMs, b.points[0].fields.last, b.points[0].timeMs]),
      [
        ['a', stop.ms, 4, T0 + 80_000],
        ['b', stop.ms, 8, T0 + 80_000],
      ],
    );
    const aligned = new BatchQuery({ query: 'SELECT count(usage) FROM telegraf.autogen.cpu', groupBy: [{ type: 'time', every: MINUTE }], alignGroup: true });
    const s2 = { ms: T0 + 10_000, ns: 0 };
    assert.equal(aligned.statement(s2, stop).groupByTime?.offset, ((T0 + 10_000) % 60_000) * 1e6);
    const [b] = await aligned.run(store, s2, { ms: s2.ms + 120_000, ns: 0 });
    assert.deepEqual(
      b.points.map((p) => [p.timeMs - s2.ms, p.fields.count]),
      [
        [0, 6],
        [60_000, 6],
      ],
    );
  });
});
