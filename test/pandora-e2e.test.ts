// End to end over real sockets: create export tasks over HTTP, fire them on a driven clock, then
// download the exported file and check what a webhook received.

import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { setupPandora } from '../src/api/pandora/setup.ts';
import { ManualClock } from '../src/core/time.ts';
import type { ExportService } from '../src/exports/export-service.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import { ManualTimers } from '../src/schedule/timers.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

const T0 = Date.parse('2024-05-01T00:00:00Z');

describe('Pandora export end to end', () => {
  let app: FastifyInstance;
  let base: string;
  let store: SeriesStore;
  let meta: SqliteMetaStore;
  let service: ExportService;
  let timers: ManualTimers;
  let dataDir: string;
  const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
  const hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  let hookUrl: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pandora-e2e-'));
    store = await openEmbeddedStore({ dir: '/e2e', disk: new MemoryDisk() });
    await store.createDatabase('app');
    const lines = [
      `logs,host=web1 message="GET /login 200 user=alice" ${T0 - 50_000}`,
      `logs,host=web2 message="POST /pay 500 error, \\"card\\" declined" ${T0 - 40_000}`,
      `logs,host=web1 message="GET /pay 502 error upstream" ${T0 - 30_000}`,
      `cpu,host=web1 usage=0.25 ${T0 - 20_000}`,
      `logs,host=web3 message="late error after the window" ${T0 + 1000}`,
    ];
    await store.write(
      parseLineProtocol(Buffer.from(lines.join('\n')), { database: 'app', retentionPolicy: '', precision: 'ms', now: { ms: 0, ns: 0 } }),
    );
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
    const clock = new ManualClock({ ms: T0 - 60_000, ns: 0 });
    timers = new ManualTimers(clock);
    meta = new SqliteMetaStore({ path: ':memory:' });
    app = Fastify();
    const pandora = await setupPandora({ app, meta, store, clock, timers, dataDir, section: { timezone: 'UTC', 'min-interval': '1s' } });
    service = pandora.exports;
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    await service.stop();
    await app.close();
    await new Promise((resolve) => hookServer.close(resolve));
    await store.close();
    await meta.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  it('runs the SPL over the stored points at each fire and exports CSV, JSON lines and a webhook', async () => {
    const every = { type: 'crontab', crontab: '0 * * * * ?' };
    const created = await api('POST', '/api/v1/export/task', {
      name: 'errors-csv',
      spl: 'index=app sourcetype=logs error | table _time host _raw',
      interval: every,
    });
    assert.equal(created.status, 200);
    assert.equal(created.text, '{}');
    const csvId = created.headers.get('location')!.split('/').pop()!;
    assert.equal(
      (
        await api('POST', '/api/v1/export/task', {
          name: 'errors-jsonl',
          spl: 'index=app error | stats count by host',
          interval: every,
          destination: { type: 'file', format: 'jsonl' },
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await api('POST', '/api/v1/export/task', {
          name: 'cpu-hook',
          spl: 'sourcetype=cpu | eval pct=usage*100 | table host pct',
          interval: every,
          destination: { type: 'webhook', url: hookUrl, headers: { Authorization: 'Bearer s3cret' } },
        })
      ).status,
      200,
    );
    const list = JSON.parse((await api('GET', '/api/v1/export/task/list?sort=name&order=asc')).text);
    assert.deepEqual(
      list.tasks.map((t: { name: string }) => t.name),
      ['cpu-hook', 'errors-csv', 'errors-jsonl'],
    );
    const jsonlId = list.tasks[2].id;

    // The clock reaches T0: every task fires once, over [T0 - 1 min, T0).
    await timers.advance(60_000, () => service.idle());

    const history = JSON.parse((await api('GET', `/api/v1/export/task/${csvId}/history`)).text);
    assert.equal(history.total, 1);
    assert.deepEqual(
      { count: history.histories[0].count, time: history.histories[0].time, status: history.histories[0].status, rows: history.histories[0].rows },
      { count: 1, time: T0, status: 'success', rows: 2 },
    );

    const download = await api('GET', `/api/v1/export/task/${csvId}/history/1/download`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(download.headers.get('content-disposition'), `attachment; filename="export-${csvId}-1.csv"`);
    const expected =
      '_time,host,_raw\r\n' +
      `${T0 - 30_000},web1,GET /pay 502 error upstream\r\n` +
      `${T0 - 40_000},web2,"POST /pay 500 error, ""card"" declined"\r\n`;
    assert.equal(download.text, expected);
    assert.equal(await readFile(join(dataDir, 'exports', csvId, '1.csv'), 'utf8'), expected);

    const jsonl = await api('GET', `/api/v1/export/task/${jsonlId}/history/1/download`);
    assert.equal(jsonl.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
    assert.equal(jsonl.text, '{"host":"web1","count":1}\n{"host":"web2","count":1}\n');

    assert.equal(hooks.length, 1);
    assert.equal(hooks[0].headers.authorization, 'Bearer s3cret');
    assert.equal(hooks[0].headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(hooks[0].headers['x-export-run'], '1');
    assert.deepEqual(JSON.parse(hooks[0].body), { fields: ['host', 'pct'], rows: [{ host: 'web1', pct: 25 }] });

    // The next fire covers [T0, T0 + 1 min): only the late error.
    await timers.advance(60_000, () => service.idle());
    const second = await api('GET', `/api/v1/export/task/${csvId}/history/2/download`);
    assert.equal(second.text, `_time,host,_raw\r\n${T0 + 1000},web3,late error after the window\r\n`);
    const task = JSON.parse((await api('GET', `/api/v1/export/task/${csvId}`)).text);
    assert.equal(task.count, 2);
    assert.equal(task.lastRunTime, T0 + 60_000);
  });
});
