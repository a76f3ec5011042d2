// Embedded store: the shared conformance cases plus WAL, group commit, crash recovery, snapshots and retention.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DAY, HOUR, ManualClock } from '../core/time.ts';
import { parseLineProtocol } from '../lineproto/parse.ts';
import { type EmbeddedStoreOptions, openEmbeddedStore, type Timers } from './embedded-store.ts';
import { MemoryDisk } from './memory-disk.ts';
import { nodeDisk } from './node-disk.ts';
import { runSeriesStoreCases } from './series-store.cases.ts';
import { type SeriesStore, scanPoints } from './series-store.ts';

runSeriesStoreCases('embedded (memory disk)', async () => {
  const disk = new MemoryDisk();
  let store = await openEmbeddedStore({ dir: '/s', disk });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await openEmbeddedStore({ dir: '/s', disk });
      return store;
    },
  };
});

runSeriesStoreCases('embedded (node disk)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inductor-store-'));
  let store = await openEmbeddedStore({ dir, disk: nodeDisk, fsync: 'interval' });
  return {
    store,
    reopen: async () => {
      // Half the state in the snapshot, the rest only in the WAL.
      await store.snapshot();
      await store.createDatabase('aux');
      await store.write(lp('after_snapshot v=1 1', 'aux'));
      await store.close();
      store = await openEmbeddedStore({ dir, disk: nodeDisk });
      return store;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

class HandTimers implements Timers {
  readonly jobs: Array<{ ms: number; fn: () => void }> = [];
  every(ms: number, fn: () => void): () => void {
    const job = { ms, fn };
    this.jobs.push(job);
    return () => this.jobs.splice(this.jobs.indexOf(job), 1);
  }
}

function lp(body: string, db = 'db') {
  return parseLineProtocol(Buffer.from(body), { database: db, retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } });
}

async function count(store: SeriesStore, db = 'db'): Promise<number> {
  let n = 0;
  for await (const _ of scanPoints(store, { database: db })) n++;
  return n;
}

function open(disk: MemoryDisk, extra: Partial<EmbeddedStoreOptions> = {}) {
  return openEmbeddedStore({ dir: '/data', disk, timers: new HandTimers(), ...extra });
}

describe('embedded store durability', () => {
  it('commits concurrent writes in groups, each acknowledged after fdatasync', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    const before = disk.syncs;
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.write(lp(`m,k=${i % 5} v=${i} ${i + 1}`))));
    const syncs = disk.syncs - before;
    assert.ok(syncs >= 1 && syncs < 10, `50 writes took ${syncs} syncs`);
    // Power loss right after: every acknowledged write is on disk.
    const after = await open(disk.crash());
    assert.equal(await count(after), 50);
  });

  it('recovers from a torn WAL tail without repair and keeps every acknowledged write', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    for (let i = 0; i < 20; i++) await store.write(lp(`m v=${i} ${i + 1}`));
    // An unacknowledged write in flight when the power goes: only part of it reaches the disk.
    void store.write(lp('m v=99 99\nm v=100 100')).catch(() => {});
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    for (const torn of [0, 5, 13, 1000]) {
      const reopened = await open(disk.crash(torn));
      const n = await count(reopened);
      assert.ok(n === 20 || n === 22, `torn=${torn}: ${n} points`);
      // The store appends after the cut tail and the result replays cleanly.
      await reopened.write(lp('m v=7 500'));
      await reopened.close();
    }
  });

  it('loses nothing written under the interval policy when only the process dies', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk, { fsync: 'interval' });
    await store.createDatabase('db');
    for (let i = 0; i < 10; i++) await store.write(lp(`m v=${i} ${i + 1}`));
    assert.equal(await count(await open(disk.processKill())), 10);
  });

  it('snapshots, drops covered WAL segments and replays the rest on open', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    await store.write(lp('m,h=a v=1,s="one" 1\nm,h=b n=2i 2'));
    await store.snapshot();
    await store.write(lp('m,h=a v=3 3\nm,h=a b=true 1'));
    const segments = (await disk.list('/data/wal')).length;
    assert.equal(segments, 1);
    const ids = (await store.listSeries({ database: 'db' })).map((s) => s.id);
    const reopened = await open(disk.crash());
    assert.deepEqual((await reopened.listSeries({ database: 'db' })).map((s) => s.id), ids);
    const points = [];
    for await (const p of scanPoints(reopened, { database: 'db' })) points.push([p.tags.h, p.timeMs, p.timeNs, p.fields]);
    assert.deepEqual(points, [
      ['a', 0, 1, { v: 1, s: 'one', b: true }],
      ['a', 0, 3, { v: 3 }],
      ['b', 0, 2, { n: 2n }],
    ]);
  });

  it('keeps writes made while a snapshot is being encoded out of it and in the WAL', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    // Enough series for the encoding to take several turns of the event loop.
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) lines.push(`m,k=${i} v=${i},s="s${i}" 1`);
    await store.write(lp(lines.join('\n')));
    const snapshot = store.snapshot();
    let encoding = true;
    void snapshot.then(() => (encoding = false));
    // Appends to a series encoded late, a new column and a new series, while the encoding yields.
    await store.write(lp('m,k=39999 v=1,w=2i 2\nm,k=new v=3 3'));
    assert.ok(encoding, 'the write went in while the snapshot was still being encoded');
    await snapshot;
    // The snapshot alone holds exactly the state when it started.
    const snapshotOnly = disk.crash();
    for (const name of await snapshotOnly.list('/data/wal')) await snapshotOnly.remove(`/data/wal/${name}`);
    assert.equal(await count(await open(snapshotOnly)), 40_000);
    // With the WAL after it, nothing is lost or doubled.
    const reopened = await open(disk.crash());
    assert.equal(await count(reopened), 40_002);
    const last = [];
    for await (const p of scanPoints(reopened, { database: 'db', tags: { op: '=', key: 'k', value: '39999' } })) last.push([p.timeNs, p.fields]);
    assert.deepEqual(last, [
      [1, { v: 39999, s: 's39999' }],
      [2, { v: 1, w: 2n }],
    ]);
  });

  it('folds a large WAL into a snapshot on close', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(`m,k=${i % 7} v=${i},s="${'x'.repeat(20)}" ${i + 1}`);
    await store.write(lp(lines.join('\n')));
    await store.close();
    const wal = await disk.list('/data/wal');
    assert.equal(wal.length, 1);
    assert.equal((await disk.read(`/data/wal/${wal[0]}`))?.length, 0);
    assert.equal(await count(await open(disk)), 30_000);
  });

  it('enforces retention by shard group on a timer and replays it identically', async () => {
    const disk = new MemoryDisk();
    const clock = new ManualClock({ ms: 10 * DAY / 1e6, ns: 0 });
    const timers = new HandTimers();
    const store = await openEmbeddedStore({ dir: '/data', disk, clock, timers, retentionIntervalMs: 1000 });
    await store.createDatabase('db', { retentionPolicy: { name: 'day', duration: DAY, default: true } });
    const hourMs = HOUR / 1e6;
    const nowMs = clock.now().ms;
    // One old series that expires completely, one that keeps its recent point.
    await store.write([
      { database: 'db', retentionPolicy: '', name: 'm', tags: { h: 'old' }, fields: { v: 1 }, timeMs: nowMs - 30 * hourMs, timeNs: 0 },
      { database: 'db', retentionPolicy: '', name: 'm', tags: { h: 'mix' }, fields: { v: 2 }, timeMs: nowMs - 30 * hourMs, timeNs: 0 },
      { database: 'db', retentionPolicy: '', name: 'm', tags: { h: 'mix' }, fields: { v: 3 }, timeMs: nowMs - 23 * hourMs, timeNs: 0 },
    ]);
    const oldId = (await store.listSeries({ database: 'db' })).find((s) => s.tags.h === 'old')?.id;
    clock.advance(HOUR);
    const job = timers.jobs.find((j) => j.ms === 1000);
    assert.ok(job);
    job.fn();
    await store.enforceRetention();
    assert.deepEqual((await store.listSeries({ database: 'db' })).map((s) => s.key), ['m,h=mix']);
    assert.equal(await count(store), 1);
    // The series comes back with a new id, and a replay agrees.
    await store.write([{ database: 'db', retentionPolicy: '', name: 'm', tags: { h: 'old' }, fields: { v: 4 }, timeMs: nowMs, timeNs: 0 }]);
    const ids = await store.listSeries({ database: 'db' });
    assert.notEqual(ids.find((s) => s.tags.h === 'old')?.id, oldId);
    const reopened = await openEmbeddedStore({ dir: '/data', disk: disk.crash(), clock, timers: new HandTimers() });
    assert.deepEqual(await reopened.listSeries({ database: 'db' }), ids);
  });
});

describe('embedded store line-protocol WAL records', () => {
  async function rows(store: SeriesStore) {
    const out: unknown[] = [];
    for await (const p of scanPoints(store, { database: 'db' })) out.push([p.name, p.tags, p.timeMs, p.timeNs, p.fields]);
    return out;
  }

  it('replays the logged body with the times resolved at write time', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    const now = { ms: 1_700_000_000_123, ns: 456_789 };
    const write = (body: string, precision: 'n' | 's' | 'ms') =>
      store.write(parseLineProtocol(Buffer.from(body), { database: 'db', retentionPolicy: '', precision, now }));
    await write('cpu,host=b,dc=x usage=1.5,n=3i,ok=true,s="a \\"q\\""\ncpu,dc=x,host=b usage=2\nmem free=10i', 'n');
    await write('cpu,host=b,dc=x usage=3 1700000000\nm\\ e\\,a,t\\=k=v\\ 1 f\\=x=1', 's');
    // Out of order and at an equal time (the later write wins field by field), a key given twice.
    await write('cpu,host=b,dc=x usage=0.5 5\ncpu,host=b,dc=x n=9i,n=10i 1700000000000', 'ms');
    const before = await rows(store);
    const ids = await store.listSeries({ database: 'db' });
    const reopened = await open(disk.crash());
    assert.deepEqual(await rows(reopened), before);
    assert.deepEqual(await reopened.listSeries({ database: 'db' }), ids);
    assert.deepEqual(before.slice(0, 3), [
      ['cpu', { dc: 'x', host: 'b' }, 5, 0, { usage: 0.5 }],
      ['cpu', { dc: 'x', host: 'b' }, 1_700_000_000_000, 0, { usage: 3, n: 10n }],
      ['cpu', { dc: 'x', host: 'b' }, now.ms, now.ns, { usage: 2, n: 3n, ok: true, s: 'a "q"' }],
    ]);
  });

  it('finds series whatever order and spelling the lines use, also after retention dropped some', async () => {
    const disk = new MemoryDisk();
    const clock = new ManualClock({ ms: (10 * DAY) / 1e6, ns: 0 });
    const store = await openEmbeddedStore({ dir: '/data', disk, clock, timers: new HandTimers() });
    await store.createDatabase('db', { retentionPolicy: { name: 'day', duration: DAY, default: true } });
    const nowNs = BigInt(clock.now().ms) * 1_000_000n;
    const oldNs = nowNs - BigInt(30 * HOUR);
    await store.write(lp(`m,h=mix,z=1 v=1 ${nowNs}\nm,h=old,z=1 v=1 ${oldNs}\nm,h=c,z=1 v=1 ${nowNs}`));
    await store.write(lp(`m,z=1,h=c v=2 ${nowNs + 1n}\nm,z=1,h=old v=2 ${oldNs + 2n}\nm,h=mix,z=1 v=2 ${nowNs + 1n}\nm,h=old,z=1 v=2 ${oldNs + 1n}`));
    assert.equal((await store.listSeries({ database: 'db' })).length, 3);
    clock.advance(HOUR);
    await store.enforceRetention();
    assert.deepEqual((await store.listSeries({ database: 'db' })).map((s) => s.key), ['m,h=c,z=1', 'm,h=mix,z=1']);
    // The same order again: `old` comes back as a new series, not as the dropped one.
    await store.write(lp(`m,h=mix,z=1 v=3 ${nowNs + 2n}\nm,h=old,z=1 v=3 ${nowNs + 2n}\nm,h=c,z=1 v=3 ${nowNs + 2n}`));
    const series = await store.listSeries({ database: 'db' });
    assert.deepEqual(series.map((s) => s.key), ['m,h=c,z=1', 'm,h=mix,z=1', 'm,h=old,z=1']);
    assert.deepEqual(await count(store), 7);
    const reopened = await openEmbeddedStore({ dir: '/data', disk: disk.crash(), clock, timers: new HandTimers() });
    assert.deepEqual(await reopened.listSeries({ database: 'db' }), series);
    assert.deepEqual(await count(reopened), 7);
  });

  it('keeps a rejected write out of memory and out of the log', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    await store.write(lp('m,h=a v=1 1'));
    await assert.rejects(store.write(lp('m,h=new w=1 2\nm,h=a v=2i 3')), /field type conflict/);
    const after = [['m', { h: 'a' }, 0, 1, { v: 1 }]];
    assert.deepEqual(await rows(store), after);
    assert.deepEqual((await store.listSeries({ database: 'db' })).map((s) => s.key), ['m,h=a']);
    assert.deepEqual(await rows(await open(disk.crash())), after);
  });

  it('cuts a line-protocol record torn at any byte and keeps every acknowledged write', async () => {
    const disk = new MemoryDisk();
    const store = await open(disk);
    await store.createDatabase('db');
    for (let i = 0; i < 5; i++) await store.write(lp(`m,k=${i % 2} v=${i},s="x${i}" ${i + 1}\nn v=${i}i ${i + 1}`));
    const acknowledged = await rows(store);
    const segment = [...disk.files.keys()].filter((f) => f.startsWith('/data/wal/')).sort().pop() as string;
    const before = disk.files.get(segment)?.data.length as number;
    const lines = Array.from({ length: 200 }, (_, i) => `m,k=${i % 3} v=${i} ${100 + i}`).join('\n');
    await store.write(lp(lines));
    const record = (disk.files.get(segment)?.data.length as number) - before;
    assert.ok(record > lines.length);
    // A crash in the middle of writing that record leaves any prefix of it on disk.
    for (const cut of [1, 7, 8, 9, 40, 1000, record - 1, record]) {
      const crashed = disk.crash();
      const f = crashed.files.get(segment) as { data: Buffer; synced: number };
      f.data = f.data.subarray(0, before + cut);
      f.synced = f.data.length;
      const reopened = await open(crashed);
      const got = await rows(reopened);
      if (cut < record) assert.deepEqual(got, acknowledged, `cut=${cut}`);
      else assert.equal(got.length, acknowledged.length + 200);
      // Appending after the cut tail replays cleanly.
      await reopened.write(lp('m,k=9 v=1 9999'));
      assert.equal((await rows(await open(crashed.crash()))).length, got.length + 1);
      await reopened.close();
    }
  });
});
