// /query over a real listening server: the InfluxDB 1.x wire format (GET and form POST, epoch,
// chunked, pretty, params, errors), with the store built from a [storage] section as the server does.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { influxdbApi } from '../src/api/influxdb/query-routes.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { type InfluxdProcess, influxdMissing, startInfluxd } from '../src/store/influxd-process.ts';
import { openSeriesStore, type SeriesStoreRuntime } from '../src/store/open-series-store.ts';

describe('GET/POST /query', () => {
  let dir: string;
  let runtime: SeriesStoreRuntime;
  let app: FastifyInstance;
  let base: string;
  let influxd: InfluxdProcess | undefined;
  const lp = (db: string, body: string) =>
    parseLineProtocol(Buffer.from(body), { database: db, retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inductor-query-api-'));
    if (influxdMissing() === undefined) influxd = await startInfluxd();
    runtime = await openSeriesStore({
      dataDir: dir,
      section: {
        fsync: 'interval',
        databases: [
          { name: 'metrics', 'store-raw-writes': true },
          ...(influxd ? [{ name: 'remote', backend: 'influxdb', 'store-raw-writes': true }] : []),
        ],
        ...(influxd ? { influxdb: { url: influxd.url } } : {}),
      },
    });
    await runtime.store.write(lp('metrics', 'cpu,host=a v=1.5,n=9223372036854775807i 1700000000000000001\ncpu,host=b v=2 1700000060000000000\ncpu,host=a v=3 1700000120000000000'));
    app = Fastify();
    await app.register(influxdbApi({ queries: runtime.queries }));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    await app?.close();
    await runtime?.close();
    await influxd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (params: Record<string, string>) => {
    const res = await fetch(`${base}/query?${new URLSearchParams(params)}`);
    return { status: res.status, body: await res.text(), version: res.headers.get('x-influxdb-version') };
  };

  it('answers GET with RFC 3339 times, exact int64 and the version header', async () => {
    const r = await get({ db: 'metrics', q: "SELECT v, n FROM cpu WHERE host = 'a'" });
    assert.equal(r.status, 200);
    assert.equal(r.version, '1.8.10');
    assert.equal(
      r.body,
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","v","n"],"values":[["2023-11-14T22:13:20.000000001Z",1.5,9223372036854775807],["2023-11-14T22:15:20Z",3,null]]}]}]}\n',
    );
  });

  it('accepts form-encoded POST bodies, epoch and bound parameters', async () => {
    const res = await fetch(`${base}/query?epoch=ns`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ db: 'metrics', q: 'SELECT max(v) FROM cpu WHERE host = $h', params: JSON.stringify({ h: 'a' }) }).toString(),
    });
    assert.equal(res.status, 200);
    assert.equal(
      await res.text(),
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","max"],"values":[[1700000120000000000,3]]}]}]}\n',
    );
  });

  it('streams chunked results, one JSON document per line', async () => {
    const r = await get({ db: 'metrics', q: 'SELECT v FROM cpu; SHOW DATABASES', chunked: 'true', chunk_size: '2', epoch: 's' });
    const lines = r.body.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0].results[0].series[0].values, [[1700000000, 1.5], [1700000060, 2]]);
    assert.equal(lines[0].results[0].partial, true);
    assert.equal(lines[1].results[0].partial, undefined);
    assert.equal(lines[2].results[0].statement_id, 1);
  });

  it('reports missing q and parse errors as 400 and statement errors inside a 200', async () => {
    const missing = await get({ db: 'metrics' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body, '{"error":"missing required parameter \\"q\\""}\n');
    const parse = await get({ db: 'metrics', q: 'SELECT FROM' });
    assert.equal(parse.status, 400);
    assert.match(parse.body, /^\{"error":"error parsing query: found FROM, expected identifier, string, number, bool at line 1, char 8"\}/);
    const stmt = await get({ q: 'SELECT v FROM nope..cpu' });
    assert.equal(stmt.status, 200);
    assert.equal(stmt.body, '{"results":[{"statement_id":0,"error":"database not found: nope"}]}\n');
  });

  it('runs data definitions sent by GET with InfluxDB\'s deprecation warning', async () => {
    const r = await get({ q: 'CREATE DATABASE viaget' });
    assert.equal(
      r.body,
      '{"results":[{"statement_id":0,"messages":[{"level":"warning","text":"deprecated use of \'CREATE DATABASE viaget\' in a read only context, please use a POST request instead"}]}]}\n',
    );
    assert.ok((await runtime.store.getDatabase('viaget')) !== undefined);
    assert.equal((await get({ db: 'nope', q: 'SHOW MEASUREMENTS' })).body, '{"results":[{"statement_id":0}]}\n');
  });

  it('answers CORS preflights for browser-side data sources', async () => {
    const res = await fetch(`${base}/query`, { method: 'OPTIONS', headers: { origin: 'http://grafana.local' } });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://grafana.local');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
  });

  it('pretty-prints on request', async () => {
    const r = await get({ q: 'SHOW DATABASES', pretty: 'true' });
    assert.deepEqual(JSON.parse(r.body), JSON.parse((await get({ q: 'SHOW DATABASES' })).body));
    assert.match(r.body, /\n {4}"results": \[/);
  });

  it('creates databases through the endpoint, and raw writes wait for the store', async () => {
    const res = await fetch(`${base}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE made' }) });
    assert.equal(res.status, 200);
    assert.ok((await runtime.store.getDatabase('made')) !== undefined);
    const batch = lp('metrics', 'cpu,host=c v=7 1700000180000000000');
    runtime.rawWrites.subscriber(batch);
    await runtime.rawWrites.settled(batch);
    const r = await get({ db: 'metrics', q: "SELECT v FROM cpu WHERE host = 'c'" });
    assert.match(r.body, /\[\["2023-11-14T22:16:20Z",7\]\]/);
    const skipped = lp('made', 'x v=1 1');
    runtime.rawWrites.subscriber(skipped);
    await runtime.rawWrites.settled(skipped);
    assert.deepEqual(await runtime.store.listMeasurements({ database: 'made' }), ['x']);
    // A database that does not keep raw writes keeps not doing so when CREATE DATABASE is repeated.
    await runtime.store.createDatabase('routed', { storeRawWrites: false });
    await fetch(`${base}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE routed' }) });
    const routed = lp('routed', 'x v=1 1');
    runtime.rawWrites.subscriber(routed);
    await runtime.rawWrites.settled(routed);
    assert.deepEqual(await runtime.store.listMeasurements({ database: 'routed' }), []);
  });

  it('sends databases configured for InfluxDB there, for writes and queries', async (t) => {
    if (influxd === undefined) {
      t.skip(influxdMissing());
      return;
    }
    const batch = lp('remote', 'disk,host=a used=5i 1700000000000000000');
    runtime.rawWrites.subscriber(batch);
    await runtime.rawWrites.settled(batch);
    const direct = await fetch(`${influxd.url}/query?db=remote&q=${encodeURIComponent('SELECT used FROM disk')}`);
    assert.match(await direct.text(), /"values":\[\["2023-11-14T22:13:20Z",5\]\]/);
    const ours = await get({ db: 'remote', q: 'SELECT used FROM disk', epoch: 'ms' });
    assert.equal(ours.body, '{"results":[{"statement_id":0,"series":[{"name":"disk","columns":["time","used"],"values":[[1700000000000,5]]}]}]}\n');
    const dbs = await get({ q: 'SHOW DATABASES' });
    assert.match(dbs.body, /\["made"\],\["metrics"\],\["remote"\],\["routed"\],\["viaget"\]/);
  });
});
