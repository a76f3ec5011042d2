// Black-box batch tasks on a listening server: `batch|query(...)` defined through POST
// /kapacitor/v1/tasks, data written through POST /write into databases that store their raw points,
// the manual wall clock moved past each fire, results read from httpOut, the task JSON (stats, DOT),
// an alert receiver and the /query endpoint (influxDBOut).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { defaultConfig } from '../src/config/config.ts';
import { ManualClock } from '../src/core/time.ts';
import { createServer, type Server } from '../src/server.ts';

/** 2023-11-14T22:14:00Z: a whole, even minute. */
const C0 = 1_700_000_040_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clock = new ManualClock({ ms: C0, ns: 0 });
let server: Server;
let url: string;
let dataDir: string;
const hook = { bodies: [] as string[], url: '', server: undefined as HttpServer | undefined };
const defined: string[] = [];

async function start(dir: string, c: ManualClock): Promise<{ server: Server; url: string }> {
  const config = defaultConfig();
  config.dataDir = dir;
  config.http.port = 0;
  config.logging.level = 'silent';
  const s = await createServer({ config, clock: c });
  return { server: s, url: await s.listen() };
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'inductor-batch-'));
  ({ server, url } = await start(dataDir, clock));
  hook.server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hook.bodies.push(body);
      res.end();
    });
  });
  await new Promise<void>((r) => hook.server!.listen(0, '127.0.0.1', () => r()));
  hook.url = `http://127.0.0.1:${(hook.server.address() as { port: number }).port}`;
});

after(async () => {
  await server.close();
  await new Promise<void>((r) => hook.server!.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

// Every test starts on its own hour with no other task running, so fires never interleave.
let hour = 0;
afterEach(async () => {
  for (const id of defined.splice(0)) await fetch(`${url}/kapacitor/v1/tasks/${id}`, { method: 'DELETE' });
});
function base(secondsPastMinute = 0): number {
  hour++;
  const b = C0 + hour * 3_600_000;
  clock.set({ ms: b + secondsPastMinute * 1000, ns: 0 });
  return b;
}

async function influxql(q: string, base = url): Promise<unknown> {
  const res = await fetch(`${base}/query?q=${encodeURIComponent(q)}`, { method: 'POST' });
  assert.equal(res.status, 200);
  return res.json();
}

/** A database that stores the raw points written to it, filled with `lines` (precision s). */
async function seed(db: string, lines: string[], base = url): Promise<void> {
  await influxql(`CREATE DATABASE "${db}"`, base);
  const res = await fetch(`${base}/write?db=${db}&rp=autogen&precision=s`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

/** `m v=i` every 30 s from `b − 300 s` (i = 0 …) for each host, skipping the indexes in `gaps`. */
function series(b: number, hosts: Record<string, number>, count = 21, gaps: number[] = []): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    if (gaps.includes(i)) continue;
    for (const [host, add] of Object.entries(hosts)) lines.push(`m,host=${host} v=${i + add} ${(b - 300_000 + i * 30_000) / 1000}`);
  }
  return lines;
}

async function define(id: string, script: string, status = 'enabled', base = url): Promise<Response> {
  defined.push(id);
  return fetch(`${base}/kapacitor/v1/tasks`, {
    method: 'POST',
    body: JSON.stringify({ id, dbrps: [{ db: 'telegraf', rp: 'autogen' }], script, status }),
  });
}

async function defineOk(id: string, script: string): Promise<void> {
  const res = await define(id, script);
  assert.equal(res.status, 200, await res.text());
}

/** Retries `check` until it passes (a fire's query finishes on its own time), for at most 5 s. */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await check();
      return;
    } catch (err) {
      if (i >= 100) throw err;
      await sleep(50);
    }
  }
}

/** Moves the manual clock and lets the engine's 100 ms ticker fire and the query finish. */
async function advance(seconds: number, c = clock): Promise<void> {
  c.advance(seconds * 1e9);
  await sleep(300);
}

// biome-ignore lint/suspicious/noExplicitAny: the task JSON and httpOut bodies are inspected field by field
async function get(path: string, base = url): Promise<any> {
  const res = await fetch(`${base}/kapacitor/v1/${path}`);
  assert.equal(res.status, 200);
  return res.json();
}

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

const out = (id: string, endpoint = 'out', base = url) => get(`tasks/${id}/${endpoint}`, base);
const queryStats = async (id: string) => (await get(`tasks/${id}`)).stats['node-stats'].query1;

describe('batch tasks', () => {
  it('a mean over the period, grouped by time(1m) and host: one batch per host, stats and DOT', async () => {
    const b = base();
    await seed('b1', series(b, { a: 0, b: 100 }));
    await defineOk(
      'b_mean',
      `batch|query('SELECT mean("v") FROM "b1"."autogen"."m"').period(5m).every(1m).groupBy(time(1m), 'host')|httpOut('out')`,
    );
    assert.deepEqual(await out('b_mean'), { series: null });
    await advance(59);
    assert.deepEqual(await out('b_mean'), { series: null }, 'the first fire is one `every` after the start');
    await advance(1);
    // Window [b−240 s, b+60 s): the minutes of i = 2–3, 4–5, 6–7, 8–9, 10–11.
    const rows = (from: number, add: number, means: number[]) => means.map((m, k) => [iso(from + k * 60_000), m + add]);
    await eventually(async () =>
      assert.deepEqual(await out('b_mean'), {
        series: [
          { name: 'm', tags: { host: 'a' }, columns: ['time', 'mean'], values: rows(b - 240_000, 0, [2.5, 4.5, 6.5, 8.5, 10.5]) },
          { name: 'm', tags: { host: 'b' }, columns: ['time', 'mean'], values: rows(b - 240_000, 100, [2.5, 4.5, 6.5, 8.5, 10.5]) },
        ],
      }),
    );
    const task = await get('tasks/b_mean');
    assert.equal(task.type, 'batch');
    assert.equal(task.executing, true);
    assert.equal(task.stats['node-stats'].query1.batches_queried, 2);
    assert.equal(task.stats['node-stats'].query1.points_queried, 10);
    assert.match(task.dot, /^digraph b_mean \{\ngraph \[throughput="\d+\.\d\d batches\/s"\];\n/);
    assert.match(task.dot, /\nbatch0 -> query1 \[processed="2"\];\n/);
    assert.match(task.dot, /\nquery1 \[avg_exec_time_ns="[^"]+" batches_queried="2" errors="0" points_queried="10" working_cardinality="0" \];\n/);
    assert.match(task.dot, /\nquery1 -> http_out2 \[processed="2"\];\n/);
    // The next fire moves the window by a minute: [b−180 s, b+120 s).
    await advance(60);
    await eventually(async () => assert.deepEqual((await out('b_mean')).series[0].values, rows(b - 180_000, 0, [4.5, 6.5, 8.5, 10.5, 12.5])));
    assert.equal((await queryStats('b_mean')).batches_queried, 4);
    // Disabled, the batch root prints no edges.
    const res = await fetch(`${url}/kapacitor/v1/tasks/b_mean`, { method: 'PATCH', body: JSON.stringify({ status: 'disabled' }) });
    assert.equal(res.status, 200);
    assert.equal((await get('tasks/b_mean')).dot, 'digraph b_mean {\nquery1 -> http_out2;\n}');
  });

  it('every < period: consecutive windows overlap; without time grouping the batch time is the window stop', async () => {
    const b = base();
    await seed('b2', series(b, { a: 0 }));
    await defineOk(
      'b_overlap',
      `var q = batch|query('SELECT sum("v") FROM "b2"."autogen"."m"').period(3m).every(1m)
q|httpOut('out')
q|last('sum').as('last')|httpOut('last')`,
    );
    await advance(60);
    // [b−120 s, b+60 s): i = 6 … 11; the aggregate's row time is the window start.
    await eventually(async () =>
      assert.deepEqual(await out('b_overlap'), { series: [{ name: 'm', columns: ['time', 'sum'], values: [[iso(b - 120_000), 51]] }] }),
    );
    assert.deepEqual((await out('b_overlap', 'last')).series[0].values, [[iso(b + 60_000), 51]]);
    await advance(60);
    // [b−60 s, b+120 s): i = 8 … 13, four of them already in the first window.
    await eventually(async () => assert.deepEqual((await out('b_overlap')).series[0].values, [[iso(b - 60_000), 63]]));
    assert.deepEqual((await out('b_overlap', 'last')).series[0].values, [[iso(b + 120_000), 63]]);
  });

  it('offset moves the window back: [fire − offset − period, fire − offset)', async () => {
    const b = base();
    await seed('b3', series(b, { a: 0 }));
    await defineOk(
      'b_offset',
      `var q = batch|query('SELECT "v" FROM "b3"."autogen"."m"').period(1m).every(1m).offset(2m)
q|httpOut('raw')
q|last('v')|httpOut('last')`,
    );
    await advance(60);
    await eventually(async () =>
      assert.deepEqual(await out('b_offset', 'raw'), {
        // Tags come only when selected or grouped by, as in InfluxQL.
        series: [{ name: 'm', columns: ['time', 'v'], values: [[iso(b - 120_000), 6], [iso(b - 90_000), 7]] }],
      }),
    );
    assert.deepEqual((await out('b_offset', 'last')).series[0].values, [[iso(b - 60_000), 7]]);
  });

  it('align() fires on multiples of every, else one every after the start; alignGroup() starts buckets at the window', async () => {
    const b = base(25);
    await seed('b4', series(b, { a: 0 }));
    const q = `batch|query('SELECT count("v") FROM "b4"."autogen"."m"').period(1m).every(1m)`;
    await defineOk('b_aligned', `${q}.align()|httpOut('out')`);
    await defineOk('b_unaligned', `${q}|httpOut('out')`);
    const buckets = `batch|query('SELECT count("v") FROM "b4"."autogen"."m"').period(2m).every(1m).groupBy(time(1m))`;
    await defineOk('b_buckets', `${buckets}|httpOut('out')`);
    await defineOk('b_align_group', `${buckets}.alignGroup()|httpOut('out')`);
    await advance(35);
    await eventually(async () => assert.deepEqual((await out('b_aligned')).series, [{ name: 'm', columns: ['time', 'count'], values: [[iso(b), 2]] }]));
    assert.deepEqual(await out('b_unaligned'), { series: null });
    await advance(25);
    // [b+25 s, b+85 s): the points at b+30 s and b+60 s.
    await eventually(async () => assert.deepEqual((await out('b_unaligned')).series?.[0].values, [[iso(b + 25_000), 2]]));
    assert.equal((await queryStats('b_aligned')).batches_queried, 1);
    // [b−35 s, b+85 s) holds b−30 s, b, b+30 s, b+60 s: whole-minute buckets, or buckets from the window start.
    await eventually(async () => {
      assert.deepEqual((await out('b_buckets')).series?.[0].values, [[iso(b - 60_000), 1], [iso(b), 2], [iso(b + 60_000), 1]]);
      assert.deepEqual((await out('b_align_group')).series?.[0].values, [[iso(b - 35_000), 2], [iso(b + 25_000), 2]]);
    });
  });

  it('cron() fires on the schedule (Kapacitor 7-field and Unix 5-field); bad expressions fail the start', async () => {
    const b = base(10);
    await seed('b5', series(b, { a: 0 }));
    const q = `batch|query('SELECT sum("v") FROM "b5"."autogen"."m"').period(1m)`;
    await defineOk('b_cron7', `${q}.cron('0 */2 * * * * *')|httpOut('out')`);
    await defineOk('b_cron5', `${q}.cron('*/2 * * * *')|httpOut('out')`);
    await advance(60);
    assert.equal((await queryStats('b_cron7')).batches_queried, 0);
    assert.deepEqual(await out('b_cron7'), { series: null });
    await advance(50);
    // The fire at b+120 s reads [b+60 s, b+120 s): i = 12 and 13.
    for (const id of ['b_cron7', 'b_cron5']) {
      await eventually(async () =>
        assert.deepEqual((await out(id)).series, [{ name: 'm', columns: ['time', 'sum'], values: [[iso(b + 60_000), 25]] }], id),
      );
    }
    const bad = await define('b_cron_bad', `${q}.cron('0 61 * * * * *')|httpOut('out')`);
    assert.equal(bad.status, 500);
    assert.match(await errorOf(bad), /invalid cron expression|61/);
    const both = await define('b_cron_every', `${q}.cron('*/2 * * * *').every(1m)|httpOut('out')`);
    assert.equal(both.status, 500);
    assert.match(await errorOf(both), /must not set both 'every' and 'cron' properties/);
    const neither = await define('b_no_schedule', `${q}|httpOut('out')`);
    assert.equal(neither.status, 500);
    assert.match(await errorOf(neither), /must set either 'every' or 'cron' property/);
  });

  it('groupBy(time(d, offset)) and fill(number | none | previous)', async () => {
    const b = base();
    // No points at i = 4, 5: the minute [b−180 s, b−120 s) is empty.
    await seed('b6', series(b, { a: 0 }, 21, [4, 5]));
    const q = (tail: string) => `batch|query('SELECT mean("v") FROM "b6"."autogen"."m"').period(5m).every(1m)${tail}|httpOut('out')`;
    await defineOk('b_fill0', q('.groupBy(time(1m)).fill(0)'));
    await defineOk('b_fillnone', q(`.groupBy(time(1m)).fill('none')`));
    await defineOk('b_fillprev', q(`.groupBy(time(1m)).fill('previous')`));
    await defineOk('b_offsetdim', q(`.groupBy(time(1m, 30s)).fill('none')`));
    await advance(60);
    const at = (k: number) => iso(b - 240_000 + k * 60_000);
    const values = async (id: string) => (await out(id)).series?.[0].values;
    // Buckets start 30 s past the minute with time(1m, 30s); the first one is cut at the window start (b−240 s).
    const half = (k: number) => iso(b - 270_000 + k * 60_000);
    await eventually(async () => {
      assert.deepEqual(await values('b_fill0'), [[at(0), 2.5], [at(1), 0], [at(2), 6.5], [at(3), 8.5], [at(4), 10.5]]);
      assert.deepEqual(await values('b_fillnone'), [[at(0), 2.5], [at(2), 6.5], [at(3), 8.5], [at(4), 10.5]]);
      assert.deepEqual(await values('b_fillprev'), [[at(0), 2.5], [at(1), 2.5], [at(2), 6.5], [at(3), 8.5], [at(4), 10.5]]);
      assert.deepEqual(await values('b_offsetdim'), [[half(0), 2], [half(1), 3], [half(2), 6], [half(3), 7.5], [half(4), 9.5], [half(5), 11]]);
    });
  });

  it('batches flow through where, eval and InfluxQL nodes into alert() and influxDBOut()', async () => {
    const b = base();
    await seed('b7', series(b, { a: 0, b: 100 }));
    hook.bodies.length = 0;
    await defineOk(
      'b_alert',
      `var q = batch|query('SELECT mean("v") AS v FROM "b7"."autogen"."m"').period(2m).every(1m).groupBy('host')
q|alert().id('{{ .Name }}/{{ index .Tags "host" }}').crit(lambda: "v" > 50.0).post('${hook.url}')
q|where(lambda: "v" > 50.0)|eval(lambda: "v" * 2.0).as('double')|influxDBOut().create().database('b7out').retentionPolicy('autogen').measurement('doubled').buffer(1)
q|max('v')|httpOut('max')`,
    );
    await advance(60);
    await eventually(async () => assert.equal(hook.bodies.length, 1, 'only host b is critical'));
    const event = JSON.parse(hook.bodies[0]);
    assert.equal(event.id, 'm/b');
    assert.equal(event.level, 'CRITICAL');
    // [b−60 s, b+60 s): i = 8 … 11, mean 9.5 (+100 for host b).
    assert.deepEqual(event.data.series, [{ name: 'm', tags: { host: 'b' }, columns: ['time', 'v'], values: [[iso(b - 60_000), 109.5]] }]);
    assert.deepEqual((await out('b_alert', 'max')).series, [
      { name: 'm', tags: { host: 'a' }, columns: ['time', 'max'], values: [[iso(b + 60_000), 9.5]] },
      { name: 'm', tags: { host: 'b' }, columns: ['time', 'max'], values: [[iso(b + 60_000), 109.5]] },
    ]);
    await eventually(async () =>
      assert.deepEqual(await influxql('SELECT * FROM "b7out"."autogen"."doubled"'), {
        results: [{ statement_id: 0, series: [{ name: 'doubled', columns: ['time', 'double', 'host'], values: [[iso(b - 60_000), 219, 'b']] }] }],
      }),
    );
  });

  it('two queries under one batch root, joined', async () => {
    const b = base();
    await seed('b9', series(b, { a: 0, b: 100 }));
    await defineOk(
      'b_join',
      `var mean = batch|query('SELECT mean("v") AS v FROM "b9"."autogen"."m"').period(2m).every(1m).groupBy('host')
var sum = batch|query('SELECT sum("v") AS v FROM "b9"."autogen"."m"').period(2m).every(1m).groupBy('host')
mean|join(sum).as('mean', 'sum')|eval(lambda: "sum.v" - "mean.v").as('diff')|httpOut('out')`,
    );
    const edges = async (n: number) => {
      const dot = (await get('tasks/b_join')).dot;
      for (const q of ['query1', 'query2']) assert.match(dot, new RegExp(`\nbatch0 -> ${q} \\[processed="${n}"\\];\n`));
    };
    await edges(0);
    await advance(60);
    // [b−60 s, b+60 s): i = 8 … 11 → mean 9.5, sum 38 (+100 and +400 for host b); both rows at the window start.
    await eventually(async () =>
      assert.deepEqual((await out('b_join')).series, [
        { name: 'm', tags: { host: 'a' }, columns: ['time', 'diff'], values: [[iso(b - 60_000), 28.5]] },
        { name: 'm', tags: { host: 'b' }, columns: ['time', 'diff'], values: [[iso(b - 60_000), 328.5]] },
      ]),
    );
    await edges(2);
  });

  it('an empty result emits nothing', async () => {
    base();
    await seed('b8', ['m,host=a v=1 1000']);
    await defineOk('b_empty', `batch|query('SELECT mean("v") FROM "b8"."autogen"."m"').period(5m).every(1m).groupBy(time(1m))|httpOut('out')`);
    await advance(60);
    assert.deepEqual(await out('b_empty'), { series: null });
    const stats = await queryStats('b_empty');
    assert.equal(stats.batches_queried, 0);
    assert.equal(stats.errors, 0);
  });

  it('a failing query counts an error and the task keeps its schedule', async () => {
    base();
    await defineOk('b_missing', `batch|query('SELECT mean("v") FROM "nodb"."autogen"."m"').period(1m).every(1m)|httpOut('out')`);
    await advance(60);
    await eventually(async () => assert.equal((await queryStats('b_missing')).errors, 1));
    await advance(60);
    await eventually(async () => assert.equal((await queryStats('b_missing')).errors, 2));
    assert.equal((await get('tasks/b_missing')).executing, true);
  });

  it('queryFlux and invalid queries are rejected with clear errors', async () => {
    base();
    const flux = await define('b_flux', `batch|queryFlux('from(bucket: "x") |> range(start: -1m)').period(1m).every(1m)|httpOut('out')`);
    assert.equal(flux.status, 500);
    assert.equal(
      await errorOf(flux),
      "queryFlux1: queryFlux is not supported: batch tasks run InfluxQL only; use query('SELECT ...') instead of queryFlux('...')",
    );
    assert.equal((await get('tasks/b_flux')).executing, false);
    const parse = await define('b_badq', `batch|query('SELECT FROM').every(1m)|httpOut('out')`);
    assert.equal(parse.status, 500);
    assert.match(await errorOf(parse), /failed to parse InfluxQL query: found FROM, expected identifier/);
    const notSelect = await define('b_drop', `batch|query('DROP DATABASE b1').every(1m)|httpOut('out')`);
    assert.equal(notSelect.status, 500);
    assert.match(await errorOf(notSelect), /query is not a select statement/);
  });
});

describe('batch tasks across a restart', () => {
  it('an enabled batch task is scheduled again after the server restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inductor-batch-restart-'));
    const c = new ManualClock({ ms: C0, ns: 0 });
    let s = await start(dir, c);
    try {
      await seed('r1', series(C0, { a: 0 }), s.url);
      const res = await define(
        'b_restart',
        `batch|query('SELECT count("v") FROM "r1"."autogen"."m"').period(1m).every(1m)|httpOut('out')`,
        'enabled',
        s.url,
      );
      assert.equal(res.status, 200, await res.text());
      await s.server.close();
      c.advance(30 * 1e9);
      s = await start(dir, c);
      assert.equal((await get('tasks/b_restart', s.url)).executing, true);
      await advance(59, c);
      assert.deepEqual(await out('b_restart', 'out', s.url), { series: null }, 'scheduled from the restart, not from the first start');
      await advance(1, c);
      // Restarted at C0+30 s: the fire at C0+90 s reads [C0+30 s, C0+90 s): the points at +30 s and +60 s.
      await eventually(async () =>
        assert.deepEqual((await out('b_restart', 'out', s.url)).series, [{ name: 'm', columns: ['time', 'count'], values: [[iso(C0 + 30_000), 2]] }]),
      );
    } finally {
      defined.splice(defined.indexOf('b_restart'), 1);
      await s.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
