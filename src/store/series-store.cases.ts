// The shared conformance cases every SeriesStore implementation must pass.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Point } from '../core/point.ts';
import { HOUR } from '../core/time.ts';
import { parseLineProtocol } from '../lineproto/parse.ts';
import { type SeriesChunk, type SeriesStore, columnValue, scanPoints } from './series-store.ts';

export interface StoreHarness {
  store: SeriesStore;
  /** Closes the store and opens it again on the same data (for stores that persist). */
  reopen?: () => Promise<SeriesStore>;
  cleanup?: () => Promise<void>;
}

const T0 = 1_700_000_000_000; // ms

function lp(db: string, body: string, rp = '') {
  return parseLineProtocol(Buffer.from(body), { database: db, retentionPolicy: rp, precision: 'n', now: { ms: T0, ns: 0 } });
}

function pt(db: string, name: string, tags: Record<string, string>, fields: Point['fields'], ms: number, ns = 0, rp = ''): Point {
  return { database: db, retentionPolicy: rp, name, tags, fields, timeMs: ms, timeNs: ns };
}

async function collect(it: AsyncIterable<SeriesChunk>): Promise<SeriesChunk[]> {
  const out: SeriesChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

/** Rows of a scan as `key time field=value...` strings, easy to compare. */
async function rows(store: SeriesStore, req: Parameters<SeriesStore['scan']>[0]): Promise<string[]> {
  const out: string[] = [];
  for await (const p of scanPoints(store, req)) {
    const fields = Object.keys(p.fields)
      .sort()
      .map((k) => `${k}=${typeof p.fields[k] === 'bigint' ? `${p.fields[k]}i` : JSON.stringify(p.fields[k])}`)
      .join(',');
    const tags = Object.keys(p.tags)
      .map((k) => `,${k}=${p.tags[k]}`)
      .join('');
    out.push(`${p.name}${tags} ${p.timeMs}.${String(p.timeNs).padStart(6, '0')} ${fields}`);
  }
  return out;
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });
}

/** Registers the cases under `describe(name)`; `make` builds a fresh, empty store per case. */
export function runSeriesStoreCases(name: string, make: () => Promise<StoreHarness>): void {
  describe(`SeriesStore conformance: ${name}`, () => {
    let h: StoreHarness;
    let store: SeriesStore;
    const fresh = async () => {
      if (h !== undefined) {
        await h.store.close();
        await h.cleanup?.();
      }
      h = await make();
      store = h.store;
    };
    before(fresh);
    after(async () => {
      await h.store.close();
      await h.cleanup?.();
    });

    it('creates databases with an autogen default policy, idempotently, and drops them', async () => {
      await fresh();
      const info = await store.createDatabase('db1');
      assert.equal(info.name, 'db1');
      assert.equal(info.defaultRetentionPolicy, 'autogen');
      assert.deepEqual(
        info.retentionPolicies.map((rp) => [rp.name, rp.duration, rp.default]),
        [['autogen', 0, true]],
      );
      await store.createDatabase('db1');
      await store.createDatabase('a0');
      assert.deepEqual((await store.listDatabases()).map((d) => d.name), ['a0', 'db1']);
      await store.dropDatabase('a0');
      await store.dropDatabase('missing');
      assert.deepEqual((await store.listDatabases()).map((d) => d.name), ['db1']);
      assert.equal(await store.getDatabase('a0'), undefined);
    });

    it('refuses writes to a database that does not exist', async () => {
      await fresh();
      await rejectsWithCode(store.write([pt('nope', 'cpu', {}, { v: 1 }, T0)]), 'E_STORE_DATABASE_NOT_FOUND');
      await rejectsWithCode(store.write(lp('nope', 'cpu v=1 1')), 'E_STORE_DATABASE_NOT_FOUND');
    });

    it('stores line-protocol batches and points with exact times and typed fields', async () => {
      await fresh();
      await store.createDatabase('db');
      const r = await store.write(
        lp('db', 'cpu,host=b,region=eu v=1.5,n=7i,s="x y",b=true 1700000000000000123\ncpu,region=eu,host=a v=2 1700000000000000124'),
      );
      assert.equal(r.written, 2);
      await store.write([pt('db', 'cpu', { host: 'a', region: 'eu' }, { v: 3, n: -9007199254740993n }, T0 + 1, 999_999)]);
      assert.deepEqual(await rows(store, { database: 'db' }), [
        'cpu,host=a,region=eu 1700000000000.000124 v=2',
        'cpu,host=a,region=eu 1700000000001.999999 n=-9007199254740993i,v=3',
        'cpu,host=b,region=eu 1700000000000.000123 b=true,n=7i,s="x y",v=1.5',
      ]);
      const chunks = await collect(store.scan({ database: 'db', measurement: 'cpu' }));
      assert.deepEqual(
        chunks.map((c) => c.series.key),
        ['cpu,host=a,region=eu', 'cpu,host=b,region=eu'],
      );
      const a = chunks[0];
      assert.equal(a.length, 2);
      assert.equal(a.fields.get('v')?.type, 'float');
      assert.equal(a.fields.get('n')?.type, 'integer');
      assert.equal(columnValue(a.fields.get('n') as never, 0), undefined);
    });

    it('merges fields of points with the same series and time, and sorts out-of-order writes', async () => {
      await fresh();
      await store.createDatabase('db');
      await store.write(lp('db', 'm a=1 3000000\nm a=1 1000000\nm b=2 1000000'));
      await store.write(lp('db', 'm a=5 2000000\nm a=9 1000000'));
      assert.deepEqual(await rows(store, { database: 'db' }), [
        `m ${1}.000000 a=9,b=2`,
        `m ${2}.000000 a=5`,
        `m ${3}.000000 a=1`,
      ]);
    });

    it('rejects a whole write on a field type conflict', async () => {
      await fresh();
      await store.createDatabase('db');
      await store.write(lp('db', 'm v=1 1'));
      await rejectsWithCode(store.write(lp('db', 'm v=2 2\nm v=3i 3')), 'E_STORE_FIELD_TYPE_CONFLICT');
      await rejectsWithCode(store.write(lp('db', 'other x=1 2\nother x="s" 3')), 'E_STORE_FIELD_TYPE_CONFLICT');
      assert.deepEqual(await rows(store, { database: 'db' }), ['m 0.000001 v=1']);
      assert.deepEqual(await store.listMeasurements({ database: 'db' }), ['m']);
    });

    it('scans [start, end) exactly at nanosecond bounds, with field and measurement filters', async () => {
      await fresh();
      await store.createDatabase('db');
      await store.write(lp('db', 'cpu v=1,w=10 1000000001\ncpu v=2 1000000002\ncpu w=30 1000000003\nmem v=4 1000000002'));
      const r = await rows(store, { database: 'db', measurement: 'cpu', start: { ms: 1000, ns: 2 }, end: { ms: 1000, ns: 3 } });
      assert.deepEqual(r, ['cpu 1000.000002 v=2']);
      assert.deepEqual(await rows(store, { database: 'db', measurement: /^c/, fields: ['w'] }), [
        'cpu 1000.000001 w=10',
        'cpu 1000.000003 w=30',
      ]);
      assert.deepEqual(await rows(store, { database: 'db', fields: ['nothing'] }), []);
      assert.deepEqual(await rows(store, { database: 'db', start: { ms: 1000, ns: 3 } }), ['cpu 1000.000003 w=30']);
    });

    it('indexes series with stable ids and filters them by tags', async () => {
      await fresh();
      await store.createDatabase('db');
      await store.write(lp('db', 'cpu,host=a,dc=x v=1 1\ncpu,host=b,dc=y v=1 1\ncpu,host=c v=1 1\nmem,host=a v=1 1'));
      const all = await store.listSeries({ database: 'db' });
      assert.deepEqual(
        all.map((s) => s.key),
        ['cpu,dc=x,host=a', 'cpu,dc=y,host=b', 'cpu,host=c', 'mem,host=a'],
      );
      assert.equal(new Set(all.map((s) => s.id)).size, 4);
      for (const s of all) {
        assert.ok(Number.isInteger(s.id) && s.id > 0);
        assert.deepEqual(await store.getSeries(s.id), s);
      }
      const keys = async (tags: Parameters<SeriesStore['listSeries']>[0]['tags'], measurement?: string) =>
        (await store.listSeries({ database: 'db', measurement, tags })).map((s) => s.key);
      assert.deepEqual(await keys({ op: '=', key: 'host', value: 'a' }), ['cpu,dc=x,host=a', 'mem,host=a']);
      assert.deepEqual(await keys({ op: '!=', key: 'host', value: 'a' }, 'cpu'), ['cpu,dc=y,host=b', 'cpu,host=c']);
      assert.deepEqual(await keys({ op: '=', key: 'dc', value: '' }), ['cpu,host=c', 'mem,host=a']);
      assert.deepEqual(await keys({ op: '=~', key: 'host', value: /^[ab]$/ }, 'cpu'), ['cpu,dc=x,host=a', 'cpu,dc=y,host=b']);
      assert.deepEqual(await keys({ op: '!~', key: 'dc', value: /x/ }, 'cpu'), ['cpu,dc=y,host=b', 'cpu,host=c']);
      assert.deepEqual(
        await keys({
          op: 'or',
          left: { op: 'and', left: { op: '=', key: 'host', value: 'a' }, right: { op: '=', key: 'dc', value: 'x' } },
          right: { op: '=', key: 'host', value: 'c' },
        }),
        ['cpu,dc=x,host=a', 'cpu,host=c'],
      );
      // Writing more keeps the ids.
      await store.write(lp('db', 'cpu,host=d v=1 2\ncpu,dc=x,host=a v=2 2'));
      const again = await store.listSeries({ database: 'db', measurement: 'cpu' });
      assert.equal(again.find((s) => s.key === 'cpu,dc=x,host=a')?.id, all[0].id);
    });

    it('lists measurements, tag keys, tag values and field keys', async () => {
      await fresh();
      await store.createDatabase('db');
      await store.write(lp('db', 'cpu,host=a,dc=x v=1,n=1i 1\ncpu,host=b v=1,s="t" 1\nmem,host=a free=1i,ok=true 1'));
      assert.deepEqual(await store.listMeasurements({ database: 'db' }), ['cpu', 'mem']);
      assert.deepEqual(await store.listMeasurements({ database: 'db', tags: { op: '=', key: 'dc', value: 'x' } }), ['cpu']);
      assert.deepEqual(await store.listTagKeys({ database: 'db' }), [
        { measurement: 'cpu', values: ['dc', 'host'] },
        { measurement: 'mem', values: ['host'] },
      ]);
      assert.deepEqual(await store.listTagValues({ database: 'db', measurement: 'cpu' }, 'host'), [
        {
          measurement: 'cpu',
          values: [
            { key: 'host', value: 'a' },
            { key: 'host', value: 'b' },
          ],
        },
      ]);
      assert.deepEqual(await store.listFieldKeys({ database: 'db' }), [
        {
          measurement: 'cpu',
          fields: [
            { key: 'n', type: 'integer' },
            { key: 's', type: 'string' },
            { key: 'v', type: 'float' },
          ],
        },
        {
          measurement: 'mem',
          fields: [
            { key: 'free', type: 'integer' },
            { key: 'ok', type: 'boolean' },
          ],
        },
      ]);
    });

    it('manages retention policies and keeps their data apart', async () => {
      await fresh();
      await store.createDatabase('db');
      const rp = await store.createRetentionPolicy('db', { name: 'week', duration: 168 * HOUR, replication: 1 });
      assert.equal(rp.default, false);
      assert.equal(rp.shardGroupDuration, 24 * HOUR);
      await rejectsWithCode(store.createRetentionPolicy('db', { name: 'short', duration: 1000 }), 'E_STORE_RP_DURATION');
      await rejectsWithCode(store.createRetentionPolicy('db', { name: 'week', duration: 2 * HOUR }), 'E_STORE_RP_CONFLICT');
      await rejectsWithCode(store.createRetentionPolicy('none', { name: 'x', duration: 0 }), 'E_STORE_DATABASE_NOT_FOUND');
      const now = Date.now();
      await store.write([pt('db', 'm', {}, { v: 1 }, now, 0, 'week'), pt('db', 'm', {}, { v: 2 }, now)]);
      await rejectsWithCode(store.write([pt('db', 'm', {}, { v: 1 }, now, 0, 'nope')]), 'E_STORE_RP_NOT_FOUND');
      assert.deepEqual(await rows(store, { database: 'db', retentionPolicy: 'week' }), [`m ${now}.000000 v=1`]);
      assert.deepEqual(await rows(store, { database: 'db' }), [`m ${now}.000000 v=2`]);
      const altered = await store.alterRetentionPolicy('db', 'week', { duration: 48 * HOUR, default: true });
      assert.equal(altered.duration, 48 * HOUR);
      assert.equal((await store.getDatabase('db'))?.defaultRetentionPolicy, 'week');
      assert.deepEqual(await rows(store, { database: 'db' }), [`m ${now}.000000 v=1`]);
      await store.dropRetentionPolicy('db', 'week');
      assert.deepEqual(
        (await store.getDatabase('db'))?.retentionPolicies.map((r) => r.name),
        ['autogen'],
      );
      await rejectsWithCode(store.alterRetentionPolicy('db', 'week', { duration: 0 }), 'E_STORE_RP_NOT_FOUND');
    });

    it('keeps the per-database raw-write choice', async () => {
      await fresh();
      const info = await store.createDatabase('raw', { storeRawWrites: true });
      assert.equal(info.storeRawWrites, true);
      assert.equal((await store.createDatabase('plain')).storeRawWrites, false);
      assert.equal((await store.updateDatabase('plain', { storeRawWrites: true })).storeRawWrites, true);
      await rejectsWithCode(store.updateDatabase('none', { storeRawWrites: true }), 'E_STORE_DATABASE_NOT_FOUND');
    });

    it('gives scan chunks that later writes do not change', async () => {
      await fresh();
      await store.createDatabase('db');
      await store.write(lp('db', 'm v=1 1000000\nm v=2 2000000'));
      const chunks = await collect(store.scan({ database: 'db' }));
      await store.write(lp('db', 'm v=3 3000000\nm v=9 1000000\nm w=1 2000000'));
      assert.equal(chunks[0].length, 2);
      const v = chunks[0].fields.get('v');
      assert.ok(v !== undefined);
      assert.deepEqual([columnValue(v, 0), columnValue(v, 1)], [1, 2]);
      assert.equal(chunks[0].fields.has('w'), false);
    });

    it('keeps databases, points and series ids across a reopen', async (t) => {
      await fresh();
      if (h.reopen === undefined) {
        t.skip('this store does not persist');
        return;
      }
      await store.createDatabase('db', { storeRawWrites: true });
      await store.createRetentionPolicy('db', { name: 'rp2', duration: 0 });
      await store.write(lp('db', 'cpu,host=a v=1,s="x" 1700000000000000001\ncpu,host=b n=2i 1700000000000000002'));
      await store.write(lp('db', 'cpu,host=a v=5 1700000000000000000', 'rp2'));
      const before = await store.listSeries({ database: 'db' });
      const rowsBefore = await rows(store, { database: 'db' });
      store = await h.reopen();
      h.store = store;
      assert.deepEqual(await store.listSeries({ database: 'db' }), before);
      assert.deepEqual(await rows(store, { database: 'db' }), rowsBefore);
      assert.deepEqual(await rows(store, { database: 'db', retentionPolicy: 'rp2' }), ['cpu,host=a 1700000000000.000000 v=5']);
      assert.equal((await store.getDatabase('db'))?.storeRawWrites, true);
      // New series after a reopen never reuse an id.
      await store.write(lp('db', 'cpu,host=c v=1 1'));
      const c = (await store.listSeries({ database: 'db', tags: { op: '=', key: 'host', value: 'c' } }))[0];
      assert.ok(before.every((s) => s.id !== c.id));
    });
  });
}
