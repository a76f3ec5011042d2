// TSUIDs over the series store, /api/uid, /api/suggest and /api/query with annotations, against a
// listening server over the embedded series store; UIDs survive a restart; alert events as annotations.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { AlertAnnotator } from '../src/annotations/alert-annotations.ts';
import { DataPointWriter } from '../src/annotations/datapoint-writer.ts';
import { OpentsdbQueryService } from '../src/annotations/query-service.ts';
import { TsuidService } from '../src/annotations/uid/tsuid-service.ts';
import { UidTables } from '../src/annotations/uid/uid-table.ts';
import { type Harness, type HttpResult, call, startHarness } from '../src/api/opentsdb/test-harness.ts';
import type { Point } from '../src/core/point.ts';
import type { MetaStore } from '../src/meta/meta-store.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

const DB = 'opentsdb';
const T = 1388450400; // 2013-12-31T00:40:00Z, seconds

function point(measurement: string, tags: Record<string, string>, field: string, value: number | bigint, seconds: number): Point {
  return { database: DB, retentionPolicy: '', name: measurement, tags, fields: { [field]: value }, timeMs: seconds * 1000, timeNs: 0 };
}

let h: Harness;
let store: SeriesStore;
let tsuids: TsuidService;

async function boot(metaPath = ':memory:', disk = new MemoryDisk()): Promise<void> {
  store = await openEmbeddedStore({ dir: '/series', disk, fsync: 'never' });
  h = await startHarness(metaPath, async (meta: MetaStore, annotations) => {
    tsuids = new TsuidService(store, await UidTables.open(meta), { database: DB });
    return { tsuids, query: new OpentsdbQueryService(store, tsuids, annotations), put: new DataPointWriter(store, DB) };
  });
}

async function shutdown(): Promise<void> {
  await h.close();
  await store.close();
}

function assertError(res: HttpResult, status: number, message: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json().error.code, status);
  assert.equal(res.json().error.message, message);
}

describe('UIDs and TSUIDs', () => {
  beforeEach(() => boot());
  afterEach(() => shutdown());

  it('/api/uid/assign numbers each kind from 000001 and reports taken and invalid names', async () => {
    const first = await call(h.base, 'POST', '/api/uid/assign', { metric: ['sys.cpu.user'], tagk: ['host', 'dc'], tagv: ['web01', 'lga'] });
    assert.equal(first.status, 200);
    assert.deepEqual(first.json(), {
      metric: { 'sys.cpu.user': '000001' },
      tagk: { host: '000001', dc: '000002' },
      tagv: { web01: '000001', lga: '000002' },
    });
    const again = await call(h.base, 'GET', '/api/uid/assign?metric=sys.cpu.user,sys.cpu.0&tagk=bad%20name');
    assert.equal(again.status, 400);
    assert.deepEqual(again.json(), {
      metric: { 'sys.cpu.0': '000002' },
      metric_errors: { 'sys.cpu.user': 'Name already exists with UID: 000001' },
      tagk: {},
      tagk_errors: { 'bad name': 'Invalid tagk ("bad name"): illegal character:  ' },
    });
    assertError(await call(h.base, 'GET', '/api/uid/assign'), 400, 'Missing values to assign UIDs');
  });

  it('TSUIDs follow OpenTSDB layout: metric UID then pairs sorted by tagk UID (reference A6 example)', async () => {
    await call(h.base, 'POST', '/api/uid/assign', { metric: ['sys.cpu.user'], tagk: ['host', 'dc'], tagv: ['web01', 'lga'] });
    await store.createDatabase(DB);
    await store.write([
      point('sys.cpu', { host: 'web01' }, 'user', 1.5, T),
      point('sys.cpu', { dc: 'lga', host: 'web01' }, 'user', 2.5, T),
    ]);
    const one = await call(h.base, 'GET', '/api/uid/tsmeta?m=sys.cpu.user{host=web01}');
    assert.equal(one.status, 200);
    assert.deepEqual(one.json().map((m: { tsuid: string }) => m.tsuid).sort(), ['000001000001000001', '000001000001000001000002000002']);
    const exact = await call(h.base, 'GET', '/api/uid/tsmeta?tsuid=000001000001000001000002000002');
    assert.equal(exact.json().metric.name, 'sys.cpu.user');
    assert.deepEqual(
      exact.json().tags.map((t: { name: string; type: string }) => `${t.type}:${t.name}`),
      ['TAGK:host', 'TAGV:web01', 'TAGK:dc', 'TAGV:lga'],
    );
    const byDc = await call(h.base, 'GET', '/api/uid/tsmeta?m=sys.cpu.user{dc=*}');
    assert.deepEqual(byDc.json().map((m: { tsuid: string }) => m.tsuid), ['000001000001000001000002000002']);
    assertError(await call(h.base, 'GET', '/api/uid/tsmeta?tsuid=000009000001000001'), 404, 'Could not find Timeseries meta data');
    assertError(await call(h.base, 'GET', '/api/uid/tsmeta?m=nope.x'), 404, "No such name for 'metrics': 'nope.x'");
    const meta = await call(h.base, 'GET', '/api/uid/uidmeta?uid=000002&type=tagk');
    assert.equal(meta.json().name, 'dc');
    assert.equal(meta.json().type, 'TAGK');
  });

  it('series written later get new UIDs in sorted order; the metric is measurement.field', async () => {
    await store.createDatabase(DB);
    await store.write([point('cpu', { host: 'b' }, 'idle', 1, T), point('cpu', { host: 'a' }, 'idle', 1, T), point('cpu', { host: 'a' }, 'busy', 1n, T)]);
    const metrics = await call(h.base, 'GET', '/api/suggest?type=metrics');
    assert.deepEqual(metrics.json(), ['cpu.busy', 'cpu.idle']);
    const series = await tsuids.lookup('cpu.idle', { host: 'b' });
    assert.equal(series.length, 1);
    // metric cpu.busy=1, cpu.idle=2; tagk host=1; tagv a=1, b=2.
    assert.equal(series[0].tsuid, '000002000001000002');
  });
});

describe('/api/suggest', () => {
  beforeEach(async () => {
    await boot();
    await store.createDatabase(DB);
    await store.write([
      point('sys.cpu', { host: 'web01' }, 'user', 1, T),
      point('sys.cpu', { host: 'web02' }, 'nice', 1, T),
      point('sys.mem', { host: 'db01' }, 'free', 1, T),
    ]);
  });
  afterEach(() => shutdown());

  it('GET and POST, prefix (case-sensitive), max, defaults', async () => {
    assert.deepEqual((await call(h.base, 'GET', '/api/suggest?type=metrics&q=sys.c')).json(), ['sys.cpu.nice', 'sys.cpu.user']);
    assert.deepEqual((await call(h.base, 'GET', '/api/suggest?type=metrics&q=SYS')).json(), []);
    assert.deepEqual((await call(h.base, 'GET', '/api/suggest?type=tagv&q=web&max=1')).json(), ['web01']);
    assert.deepEqual((await call(h.base, 'GET', '/api/suggest?type=tagk')).json(), ['host']);
    assert.deepEqual((await call(h.base, 'POST', '/api/suggest', { type: 'tagv', q: 'd', max: 5 })).json(), ['db01']);
  });

  it('errors', async () => {
    assertError(await call(h.base, 'GET', '/api/suggest'), 400, 'Missing parameter <code>type</code>');
    assertError(await call(h.base, 'POST', '/api/suggest', { q: 'x' }), 400, "Missing 'type' parameter");
    assertError(await call(h.base, 'GET', '/api/suggest?type=metric'), 400, "Invalid 'type' parameter:metric");
    assertError(await call(h.base, 'GET', '/api/suggest?type=tagk&max=ten'), 400, "Unable to parse 'max' as a number");
  });
});

describe('/api/search/lookup (Grafana template variables)', () => {
  beforeEach(async () => {
    await boot();
    await store.createDatabase(DB);
    await store.write([
      point('sys.cpu', { host: 'web01', dc: 'lga' }, 'user', 1, T),
      point('sys.cpu', { host: 'web02', dc: 'sjc' }, 'user', 1, T),
      point('sys.mem', { host: 'web01' }, 'free', 1, T),
    ]);
  });
  afterEach(() => shutdown());

  it('GET m=metric{tag=*} and POST, limit, totals; errors', async () => {
    const res = await call(h.base, 'GET', '/api/search/lookup?m=sys.cpu.user{host=*}');
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.type, 'LOOKUP');
    assert.equal(body.totalResults, 2);
    assert.deepEqual(body.results.map((r: { tags: { host: string } }) => r.tags.host).sort(), ['web01', 'web02']);
    const sjc = await call(h.base, 'GET', '/api/search/lookup?m=sys.cpu.user{dc=sjc}');
    assert.deepEqual(sjc.json().results.map((r: { tags: object }) => r.tags), [{ dc: 'sjc', host: 'web02' }]);
    const byTag = await call(h.base, 'POST', '/api/search/lookup', { tags: [{ key: 'host', value: 'web01' }], limit: 1 });
    assert.equal(byTag.json().totalResults, 2);
    assert.equal(byTag.json().results.length, 1);
    assert.equal(byTag.json().metric, '*');
    assertError(await call(h.base, 'GET', '/api/search/lookup?m=nope.x'), 404, "No such name for 'metrics': 'nope.x'");
    assertError(await call(h.base, 'GET', '/api/search/lookup?m=*'), 400, 'Missing metric and tags. Please supply at least one value.');
    assertError(await call(h.base, 'GET', '/api/search/other'), 501, 'Search type is not implemented yet');
  });
});

describe('/api/query with annotations', () => {
  beforeEach(async () => {
    await boot();
    await store.createDatabase(DB);
    const points: Point[] = [];
    for (let i = 0; i < 6; i++) {
      points.push(point('sys.cpu', { host: 'web01', dc: 'lga' }, 'user', 10 + i, T + i * 60));
      points.push(point('sys.cpu', { host: 'web02', dc: 'lga' }, 'user', 20 + i, T + i * 60));
    }
    points.push(point('sys.cpu', { host: 'web03', dc: 'sjc' }, 'user', 100, T));
    await store.write(points);
  });
  afterEach(() => shutdown());

  async function tsuidOf(host: string): Promise<string> {
    return (await tsuids.lookup('sys.cpu.user', { host }))[0].tsuid;
  }

  it('POST: aggregated data with local annotations of its series and the global ones (Grafana shape)', async () => {
    const web01 = await tsuidOf('web01');
    await h.annotations.write({ tsuid: web01, startTime: T + 60, description: 'deploy', notes: 'v2' }, 'replace');
    await h.annotations.write({ tsuid: await tsuidOf('web03'), startTime: T, description: 'other dc' }, 'replace');
    await h.annotations.write({ tsuid: web01, startTime: T + 100_000, description: 'outside the window' }, 'replace');
    await h.annotations.write({ tsuid: '', startTime: T + 120, endTime: T + 180, description: 'maintenance' }, 'replace');
    const res = await call(h.base, 'POST', '/api/query', {
      start: T,
      end: T + 300,
      queries: [{ aggregator: 'sum', metric: 'sys.cpu.user', tags: { dc: 'lga' } }],
      globalAnnotations: true,
      showTSUIDs: true,
    });
    assert.equal(res.status, 200, res.text);
    const body = res.json();
    assert.equal(body.length, 1);
    const r = body[0];
    assert.equal(r.metric, 'sys.cpu.user');
    assert.deepEqual(r.tags, { dc: 'lga' });
    assert.deepEqual(r.aggregateTags, ['host']);
    assert.deepEqual(r.tsuids, [web01, await tsuidOf('web02')].sort());
    assert.deepEqual(r.annotations.map((a: { description: string }) => a.description), ['deploy']);
    assert.equal(r.annotations[0].tsuid, web01);
    assert.deepEqual(r.globalAnnotations.map((a: { description: string }) => a.description), ['maintenance']);
    assert.deepEqual(r.dps, { [T]: 30, [T + 60]: 32, [T + 120]: 34, [T + 180]: 36, [T + 240]: 38, [T + 300]: 40 });
  });

  it('group by, noAnnotations, msResolution, downsample and the tsuid form', async () => {
    await h.annotations.write({ tsuid: await tsuidOf('web01'), startTime: T, description: 'n' }, 'replace');
    await h.annotations.write({ tsuid: '', startTime: T, description: 'g' }, 'replace');
    const grouped = await call(h.base, 'POST', '/api/query', {
      start: T * 1000,
      end: (T + 60) * 1000,
      msResolution: true,
      noAnnotations: true,
      globalAnnotations: true,
      queries: [{ aggregator: 'max', metric: 'sys.cpu.user', filters: [{ type: 'wildcard', tagk: 'host', filter: 'web0*', groupBy: true }] }],
    });
    const rows = grouped.json();
    assert.deepEqual(rows.map((r: { tags: { host: string } }) => r.tags.host), ['web01', 'web02', 'web03']);
    assert.deepEqual(rows[0].dps, { [T * 1000]: 10, [(T + 60) * 1000]: 11 });
    assert.ok(rows.every((r: object) => !('annotations' in r) && !('globalAnnotations' in r) && !('tsuids' in r)));

    const down = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 359}&m=avg:2m-avg:sys.cpu.user{host=web01}`);
    // T is a multiple of 120 s: buckets start at T, T+120, T+240 (values 10..15, one a minute).
    assert.equal(T % 120, 0);
    assert.deepEqual(down.json()[0].dps, { [T]: 10.5, [T + 120]: 12.5, [T + 240]: 14.5 });
    assert.deepEqual(down.json()[0].annotations.map((a: { description: string }) => a.description), ['n']);
    assert.equal('globalAnnotations' in down.json()[0], false);

    const byTsuid = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 60}&tsuid=sum:${await tsuidOf('web02')}&global_annotations`);
    assert.deepEqual(byTsuid.json()[0].dps, { [T]: 20, [T + 60]: 21 });
    assert.deepEqual(byTsuid.json()[0].globalAnnotations.map((a: { description: string }) => a.description), ['g']);
  });

  it('sum interpolates a series missing a timestamp; rate', async () => {
    await store.write([point('sys.cpu', { host: 'web03', dc: 'sjc' }, 'user', 160, T + 120)]);
    const res = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 120}&m=sum:sys.cpu.user{dc=sjc}`);
    assert.deepEqual(res.json()[0].dps, { [T]: 100, [T + 120]: 160 });
    const both = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 120}&m=sum:sys.cpu.user{}{host=literal_or(web01|web03)}`);
    assert.equal(both.json().length, 1, 'the second block filters without grouping');
    // web03 is interpolated at T+60 (130) between its points at T and T+120.
    assert.deepEqual(both.json()[0].dps, { [T]: 110, [T + 60]: 141, [T + 120]: 172 });
    const rate = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 120}&m=sum:rate:sys.cpu.user{host=web03}`);
    assert.deepEqual(rate.json()[0].dps, { [T + 120]: 0.5 });
  });

  it('errors: unknown metric, aggregator, missing start', async () => {
    assertError(await call(h.base, 'GET', `/api/query?start=${T}&m=sum:nope.x`), 400, "No such name for 'metrics': 'nope.x'");
    assertError(await call(h.base, 'GET', `/api/query?start=${T}&m=median:sys.cpu.user`), 400, 'No such aggregator: median');
    assertError(await call(h.base, 'POST', '/api/query', { queries: [{ aggregator: 'sum', metric: 'sys.cpu.user' }] }), 400, 'Missing start time');
  });
});

describe('/api/put', () => {
  beforeEach(() => boot());
  afterEach(() => shutdown());

  it('stores points (database created on first use) that /api/query then returns: 204, summary, details', async () => {
    const one = await call(h.base, 'POST', '/api/put', { metric: 'sys.cpu.user', timestamp: T, value: 42.5, tags: { host: 'web01' } });
    assert.equal(one.status, 204);
    assert.equal(one.text, '');
    const many = await call(h.base, 'POST', '/api/put?summary', [
      { metric: 'sys.cpu.user', timestamp: (T + 60) * 1000, value: '43', tags: { host: 'web01' } },
      { metric: 'sys.cpu.user', timestamp: T + 120, value: 44, tags: { host: 'web02' } },
    ]);
    assert.equal(many.status, 200);
    assert.deepEqual(many.json(), { success: 2, failed: 0 });
    const q = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 120}&m=sum:sys.cpu.user{host=web01}`);
    assert.deepEqual(q.json()[0].dps, { [T]: 42.5, [T + 60]: 43 });
    assert.deepEqual((await call(h.base, 'GET', '/api/suggest?type=tagv')).json(), ['web01', 'web02']);
  });

  it("OpenTSDB's per-point errors; good points of the same request are stored", async () => {
    const bad = [
      { metric: '', timestamp: T, value: 1, tags: { h: 'a' } },
      { metric: 'a.b', timestamp: 0, value: 1, tags: { h: 'a' } },
      { metric: 'a.b', timestamp: T, value: '', tags: { h: 'a' } },
      { metric: 'a.b', timestamp: T, value: 1, tags: {} },
      { metric: 'a.b', timestamp: T, value: 'abc', tags: { h: 'a' } },
      { metric: 'nodot', timestamp: T, value: 1, tags: { h: 'a' } },
      { metric: 'a.b', timestamp: T, value: 1, tags: { h: 'a b' } },
    ];
    const good = { metric: 'a.b', timestamp: T, value: 7, tags: { h: 'ok' } };
    const res = await call(h.base, 'POST', '/api/put?details', [...bad, good]);
    assert.equal(res.status, 400);
    const body = res.json();
    assert.equal(body.success, 1);
    assert.equal(body.failed, 7);
    assert.deepEqual(
      body.errors.map((e: { error: string }) => e.error),
      [
        'Metric name was empty',
        'Invalid timestamp',
        'Empty value',
        'Missing tags',
        'Unable to parse value to a number',
        'Metric name must be <measurement>.<field>: nodot',
        'Invalid tagv ("a b"): illegal character:  ',
      ],
    );
    assert.deepEqual(body.errors[1].datapoint, bad[1]);
    const plain = await call(h.base, 'POST', '/api/put', bad[0]);
    assertError(plain, 400, 'One or more data points had errors');
    assert.equal(plain.json().error.details, 'Please see the TSD logs or append "details" to the put request');
    assertError(await call(h.base, 'POST', '/api/put', 'metric=x'), 400, 'The JSON must start as an object or an array');
    assert.equal((await call(h.base, 'GET', '/api/put')).status, 405);
    const q = await call(h.base, 'GET', `/api/query?start=${T}&end=${T}&m=sum:a.b`);
    assert.deepEqual(q.json()[0].dps, { [T]: 7 });
  });

  it('keeps an integer field integer; a type conflict fails only the offending point', async () => {
    await store.createDatabase(DB);
    await store.write([point('m', { h: 'a' }, 'count', 5n, T), point('s', { h: 'a' }, 'text', 1, T)]);
    await store.write([{ ...point('s', { h: 'a' }, 'text', 1, T), fields: { label: 'x' } }]);
    const res = await call(h.base, 'POST', '/api/put?details', [
      { metric: 'm.count', timestamp: T + 1, value: 6, tags: { h: 'a' } },
      { metric: 's.label', timestamp: T + 1, value: 3, tags: { h: 'a' } },
    ]);
    assert.equal(res.json().success, 1);
    assert.match(res.json().errors[0].error, /field type conflict/);
    const q = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 1}&m=sum:m.count{h=a}`);
    assert.deepEqual(q.json()[0].dps, { [T]: 5, [T + 1]: 6 });
  });
});

describe('alert events as annotations', () => {
  beforeEach(async () => {
    await boot();
    await store.createDatabase(DB);
    await store.write([
      point('cpu', { host: 'a', cpu: '0' }, 'usage', 1, T),
      point('cpu', { host: 'a', cpu: '1' }, 'usage', 1, T),
      point('cpu', { host: 'b', cpu: '0' }, 'usage', 1, T),
    ]);
  });
  afterEach(() => shutdown());

  it('annotates every series of the alerting group, or writes a global note when none is known', async () => {
    const annotator = new AlertAnnotator(h.annotations, tsuids);
    const notes = await annotator.annotate({
      id: 'cpu:host=a',
      level: 'CRITICAL',
      message: 'cpu is high on a',
      time: { ms: T * 1000 + 250, ns: 0 },
      database: DB,
      measurement: 'cpu',
      tags: { host: 'a' },
    });
    assert.equal(notes.length, 2);
    assert.deepEqual(notes.map((n) => n.startTime), [T * 1000 + 250, T * 1000 + 250]);
    for (const series of await tsuids.lookup('cpu.usage', { host: 'a' })) {
      const stored = await h.annotations.get(series.tsuid, T * 1000 + 250);
      assert.equal(stored?.description, 'CRITICAL: cpu:host=a');
      assert.deepEqual(stored?.custom, { alertId: 'cpu:host=a', level: 'CRITICAL' });
    }
    const res = await call(h.base, 'GET', `/api/query?start=${T}&end=${T + 1}&ms&m=sum:cpu.usage{host=a}`);
    assert.equal(res.json()[0].annotations.length, 2);

    const global = await annotator.annotate({
      id: 'mem', level: 'WARNING', message: 'no series', time: { ms: T * 1000, ns: 0 }, database: 'other', measurement: 'mem', tags: { host: 'z' },
    });
    assert.equal(global[0].tsuid, '');
    assert.equal(global[0].startTime, T);
    assert.deepEqual(global[0].custom, { alertId: 'mem', level: 'WARNING', database: 'other', measurement: 'mem', 'tag.host': 'z' });
  });
});

describe('restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opentsdb-uid-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('UIDs and so TSUIDs are stable across restarts, also when new names sort before old ones', async () => {
    const disk = new MemoryDisk();
    const metaPath = join(dir, 'meta.db');
    await boot(metaPath, disk);
    await store.createDatabase(DB);
    await store.write([point('m', { host: 'zeta' }, 'v', 1, T)]);
    const before = (await tsuids.lookup('m.v'))[0].tsuid;
    await shutdown();
    await boot(metaPath, disk);
    try {
      await store.write([point('m', { host: 'alpha' }, 'v', 1, T), point('a', { host: 'alpha' }, 'v', 1, T)]);
      assert.equal((await tsuids.lookup('m.v', { host: 'zeta' }))[0].tsuid, before);
      assert.equal(before, '000001000001000001');
      assert.equal((await tsuids.lookup('m.v', { host: 'alpha' }))[0].tsuid, '000001000001000002');
      assert.equal((await tsuids.lookup('a.v'))[0].tsuid, '000002000001000002');
    } finally {
      await shutdown();
    }
  });
});
