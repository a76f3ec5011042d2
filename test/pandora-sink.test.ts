// Export runs delivered through the job engine's sink connectors: a PostgreSQL table (Jdbc) and LocalFile.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { setupPandora } from '../src/api/pandora/setup.ts';
import { ManualClock } from '../src/core/time.ts';
import type { ExportService } from '../src/exports/export-service.ts';
import { dialectFor, type JdbcConnection } from '../src/jobs/connectors/jdbc/dialect.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import { ManualTimers } from '../src/schedule/timers.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

const PG = 'jdbc:postgresql://127.0.0.1:5432/test';
const T0 = Date.parse('2024-06-01T00:00:00Z');
const table = `pandora_export_${process.pid}`;

describe('export tasks with sink destinations', () => {
  let app: FastifyInstance;
  let store: SeriesStore;
  let meta: SqliteMetaStore;
  let exports: ExportService;
  let timers: ManualTimers;
  let dataDir: string;
  let pg: JdbcConnection;

  before(async () => {
    pg = await dialectFor(PG, 'postgres', undefined, 'Jdbc').connect();
    await pg.query(`DROP TABLE IF EXISTS ${table}`);
    dataDir = await mkdtemp(join(tmpdir(), 'pandora-sink-'));
    store = await openEmbeddedStore({ dir: '/sink', disk: new MemoryDisk() });
    await store.createDatabase('app');
    await store.write(
      parseLineProtocol(
        Buffer.from(
          [
            `req,host=web1 status=200i,latency=0.25,message="ok" ${T0 - 30_000}`,
            `req,host=web2 status=500i,latency=1.5,message="boom, \\"x\\"" ${T0 - 20_000}`,
          ].join('\n'),
        ),
        { database: 'app', retentionPolicy: '', precision: 'ms', now: { ms: 0, ns: 0 } },
      ),
    );
    const clock = new ManualClock({ ms: T0 - 60_000, ns: 0 });
    timers = new ManualTimers(clock);
    meta = new SqliteMetaStore({ path: ':memory:' });
    app = Fastify();
    exports = (await setupPandora({ app, meta, store, clock, timers, dataDir, section: {} })).exports;
  });

  after(async () => {
    await exports.stop();
    await app.close();
    await pg.query(`DROP TABLE IF EXISTS ${table}`);
    await pg.close();
    await store.close();
    await meta.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function create(name: string, destination: unknown) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/export/task',
      headers: { 'content-type': 'application/json' },
      payload: { name, spl: 'sourcetype=req | sort _time | table _time host status latency message', interval: { type: 'crontab', crontab: '0 * * * * ?' }, destination },
    });
    return { status: res.statusCode, json: JSON.parse(res.body), id: String(res.headers.location ?? '').split('/').pop() ?? '' };
  }

  it('refuses unknown plugins and options the plugin rejects', async () => {
    const unknown = await create('bad', { type: 'sink', plugin: 'Nope' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.Message, 'destination.plugin: no sink plugin named "Nope"');
    const noPath = await create('bad', { type: 'sink', plugin: 'LocalFile', options: {} });
    assert.equal(noPath.status, 400);
    assert.match(noPath.json.Message, /^destination: .*'path' is required/);
  });

  it('writes each run into a PostgreSQL table through the Jdbc sink and into files through LocalFile', async () => {
    const jdbc = await create('to-postgres', {
      type: 'sink',
      plugin: 'Jdbc',
      options: { url: PG, user: 'postgres', generate_sink_sql: true, table },
    });
    assert.equal(jdbc.status, 200);
    const outDir = join(dataDir, 'localfile-out');
    const local = await create('to-localfile', {
      type: 'sink',
      plugin: 'LocalFile',
      options: { path: outDir, file_format_type: 'json', tmp_path: join(dataDir, 'localfile-tmp') },
    });
    assert.equal(local.status, 200);

    await timers.advance(60_000, () => exports.idle());

    for (const id of [jdbc.id, local.id]) {
      const history = await exports.history(id, {});
      assert.equal(history.items[0].status, 'success', history.items[0].message ?? '');
      assert.equal(history.items[0].rows, 2);
    }
    const result = await pg.query(`SELECT "_time", host, status, latency, message FROM ${table} ORDER BY "_time"`);
    assert.deepEqual(
      result.rows.map(([time, host, status, latency, message]) => [Number(time), host, Number(status), Number(latency), message]),
      [
        [T0 - 30_000, 'web1', 200, 0.25, 'ok'],
        [T0 - 20_000, 'web2', 500, 1.5, 'boom, "x"'],
      ],
    );
    const files = await readdir(outDir);
    assert.equal(files.length, 1);
    const lines = (await readFile(join(outDir, files[0]), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.host),
      ['web1', 'web2'],
    );
  });
});
