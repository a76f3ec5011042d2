// The composed server (src/server.ts): stream tasks defined with POST /kapacitor/v1/tasks, data
// through /write, results from httpOut, an InfluxDB receiver ([[influxdb]]) and the task JSON
// (executing DOT, stats). Includes seed 000 with its alert node, and deadman.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../src/config/config.ts';
import { ManualClock } from '../src/core/time.ts';
import { createServer, type Server } from '../src/server.ts';

const T0 = 1_600_000_000;
const iso = (s: number) => new Date((T0 + s) * 1000).toISOString().replace('.000Z', 'Z');

/** A local HTTP endpoint in the place of InfluxDB: records what /write and /query receive. */
const received: { url: string; body: string }[] = [];
let influx: HttpServer;
let influxUrl = '';
let server: Server;
let url = '';
let dataDir: string;
const clock = new ManualClock({ ms: 1_700_000_000_000, ns: 0 });

before(async () => {
  influx = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body });
      res.statusCode = req.url?.startsWith('/write') ? 204 : 200;
      res.end(req.url?.startsWith('/query') ? '{"results":[{"statement_id":0}]}' : '');
    });
  });
  await new Promise<void>((r) => influx.listen(0, '127.0.0.1', () => r()));
  influxUrl = `http://127.0.0.1:${(influx.address() as { port: number }).port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'inductor-stream-api-'));
  const config = defaultConfig();
  config.dataDir = dataDir;
  config.http.port = 0;
  config.logging.level = 'silent';
  config.sections.influxdb = [{ name: 'chronograf', url: influxUrl, default: true }];
  server = await createServer({ config, clock });
  url = await server.listen();
});

after(async () => {
  await server.close();
  await new Promise<void>((r) => influx.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves the manual wall clock and lets the engine's 100 ms ticker see it. */
async function tick(ms = 0): Promise<void> {
  clock.advance(ms * 1e6);
  await sleep(250);
}

// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary response shapes
async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/kapacitor/v1${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function write(db: string, rp: string, lines: string[]): Promise<void> {
  const res = await fetch(`${url}/write?db=${db}&rp=${rp}&precision=s`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

describe('stream tasks through the tasks API', () => {
  it('TestServer_EnableTask: static DOT, then the executing DOT after enabling', async () => {
    const created = await api('POST', '/tasks', {
      id: 'testTaskID',
      type: 'stream',
      dbrps: [
        { db: 'mydb', rp: 'myrp' },
        { db: 'otherdb', rp: 'default' },
      ],
      script: "stream\n    |from()\n        .measurement('test')\n",
      status: 'disabled',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal((await api('GET', '/tasks/testTaskID')).body.dot, 'digraph testTaskID {\nstream0 -> from1;\n}');
    assert.equal((await api('PATCH', '/tasks/testTaskID', { status: 'enabled' })).status, 200);
    const task = (await api('GET', '/tasks/testTaskID')).body;
    assert.equal(task.executing, true);
    assert.equal(
      task.dot,
      'digraph testTaskID {\ngraph [throughput="0.00 points/s"];\n\nstream0 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\nstream0 -> from1 [processed="0"];\n\nfrom1 [avg_exec_time_ns="0s" errors="0" working_cardinality="0" ];\n}',
    );
    assert.equal((await api('PATCH', '/tasks/testTaskID', { status: 'disabled' })).status, 200);
    assert.equal((await api('GET', '/tasks/testTaskID')).body.executing, false);
  });

  it('TestServer_StreamTask: count over a window, null before data, gone after disable', async () => {
    const created = await api('POST', '/tasks', {
      id: 'testStreamTask',
      type: 'stream',
      dbrps: [{ db: 'mydb', rp: 'myrp' }],
      script: "stream\n    |from()\n        .measurement('test')\n    |window()\n        .period(10s)\n        .every(10s)\n    |count('value')\n    |httpOut('count')\n",
      status: 'enabled',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual((await api('GET', '/tasks/testStreamTask/count')).body, { series: null });
    await write(
      'mydb',
      'myrp',
      [0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11].map((t) => `test value=1 ${t}`),
    );
    const res = await fetch(`${url}/kapacitor/v1/tasks/testStreamTask/count`);
    assert.equal(await res.text(), '{"series":[{"name":"test","columns":["time","count"],"values":[["1970-01-01T00:00:10Z",15]]}]}');
    const stats = (await api('GET', '/tasks/testStreamTask')).body.stats;
    assert.equal(stats['node-stats'].window2.collected, 17);
    assert.equal(stats['node-stats'].count3.emitted, 1);
    await api('PATCH', '/tasks/testStreamTask', { status: 'disabled' });
    assert.equal((await api('GET', '/tasks/testStreamTask/count')).status, 404);
  });

  it('seed 000 end to end: relative change vs 10 minutes earlier, alert, influxDBOut and httpOut', async () => {
    const script =
      "var db = 'api'\n\nvar rp = 'autogen'\n\nvar measurement = 'account_login'\n\nvar groupBy = ['third_type']\n\nvar whereFilter = lambda: TRUE\n\nvar name = 'dutianze-t'\n\nvar idVar = name + '-{{.Group}}'\n\nvar message = ''\n\nvar idTag = 'alertID'\n\nvar levelTag = 'level'\n\nvar messageField = 'message'\n\nvar durationField = 'duration'\n\nvar outputDB = 'chronograf'\n\nvar outputRP = 'autogen'\n\nvar outputMeasurement = 'alerts'\n\nvar triggerType = 'relative'\n\nvar shift = 10m\n\nvar crit = 10\n\nvar data = stream\n    |from()\n        .database(db)\n        .retentionPolicy(rp)\n        .measurement(measurement)\n        .groupBy(groupBy)\n        .where(whereFilter)\n    |eval(lambda: \"value\")\n        .as('value')\n\nvar past = data\n    |shift(shift)\n\nvar current = data\n\nvar trigger = past\n    |join(current)\n        .as('past', 'current')\n    |eval(lambda: abs(float(\"current.value\" - \"past.value\")) / float(\"past.value\") * 100.0)\n        .keep()\n        .as('value')\n    |alert()\n        .crit(lambda: \"value\" > crit)\n        .stateChangesOnly()\n        .message(message)\n        .id(idVar)\n        .idTag(idTag)\n        .levelTag(levelTag)\n        .messageField(messageField)\n        .durationField(durationField)\n\ntrigger\n    |eval(lambda: float(\"value\"))\n        .as('value')\n        .keep()\n    |influxDBOut()\n        .create()\n        .database(outputDB)\n        .retentionPolicy(outputRP)\n        .measurement(outputMeasurement)\n        .tag('alertName', name)\n        .tag('triggerType', triggerType)\n\ntrigger\n    |httpOut('output')\n";
    const created = await api('POST', '/tasks', {
      id: 'dutianze-t',
      type: 'stream',
      dbrps: [{ db: 'api', rp: 'autogen' }],
      script,
      status: 'enabled',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.executing, true);
    // The DOT of the seed: node numbering and the alert branch order as Kapacitor prints them.
    assert.match(created.body.dot, /alert7 -> http_out10 \[processed="0"\];\nalert7 -> eval8 \[processed="0"\];/);
    assert.match(created.body.dot, /influxdb_out9 \[avg_exec_time_ns="0s" errors="0" points_written="0" working_cardinality="0" write_errors="0" \];\n\}$/);

    // Logins per minute: qq steady at 100 until minute 11 jumps to 150 (+50 % → CRITICAL); wx steady.
    const lines: string[] = [];
    for (let m = 0; m <= 11; m++) {
      lines.push(`account_login,third_type=qq value=${m === 11 ? 150 : 100} ${T0 + 60 * m}`);
      lines.push(`account_login,third_type=wx value=40 ${T0 + 60 * m}`);
    }
    await write('api', 'autogen', lines);
    const out = (await api('GET', '/tasks/dutianze-t/output')).body;
    assert.deepEqual(out, {
      series: [
        {
          name: 'account_login',
          tags: { alertID: 'dutianze-t-third_type=qq', level: 'CRITICAL', third_type: 'qq' },
          columns: ['time', 'current.value', 'duration', 'message', 'past.value', 'value'],
          values: [[iso(660), 150, 0, '', 100, 50]],
        },
      ],
    });
    // The same event went to InfluxDB with the extra tags, once the buffer's flush interval passed.
    await tick(11_000);
    for (let i = 0; i < 100 && !received.some((r) => r.url.startsWith('/write')); i++) await sleep(10);
    const writes = received.filter((r) => r.url.startsWith('/write')).map((r) => r.body);
    assert.deepEqual(writes, [
      `alerts,alertID=dutianze-t-third_type\\=qq,alertName=dutianze-t,level=CRITICAL,third_type=qq,triggerType=relative past.value=100,current.value=150,value=50,message="",duration=0i ${T0 + 660}000000000`,
    ]);
    assert.ok(received.some((r) => r.url.startsWith('/query') && new URLSearchParams(r.body).get('q') === 'CREATE DATABASE "chronograf" WITH NAME "autogen"'));
    const stats = (await api('GET', '/tasks/dutianze-t')).body.stats['node-stats'];
    assert.equal(stats.join5.emitted, 4); // minutes 10 and 11, two groups
    assert.equal(stats.alert7.crits_triggered, 1);
    assert.equal(stats.influxdb_out9.points_written, 1);
  });

  it('deadman: stats → derivative → alert fires when a stream stops', async () => {
    const created = await api('POST', '/tasks', {
      id: 'deadman',
      type: 'stream',
      dbrps: [{ db: 'dm', rp: 'autogen' }],
      script: "stream\n    |from()\n        .measurement('m')\n    |deadman(0.0, 10s)\n    |httpOut('x')\n",
      status: 'enabled',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.match(created.body.dot, /stats2 -> derivative4/);
    await tick();
    await write('dm', 'autogen', [`m value=1 ${T0}`]);
    await tick(10_000); // stats: emitted=1
    await tick(10_000); // stats: emitted=1 again → rate 0 → CRITICAL
    const out = (await api('GET', '/tasks/deadman/x')).body;
    assert.equal(out.series.length, 1);
    assert.equal(out.series[0].name, 'stats');
    assert.deepEqual(out.series[0].columns, ['time', 'emitted']);
    assert.equal(out.series[0].values[0][1], 0);
    assert.equal((await api('GET', '/tasks/deadman')).body.stats['node-stats'].alert5.crits_triggered, 1);
  });
});
