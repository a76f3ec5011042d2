// Black-box stream scenarios on a listening server: tasks through POST /kapacitor/v1/tasks, line
// protocol through POST /write, results from the httpOut route, the task JSON (stats, DOT) and HTTP
// receivers (httpPost, and an InfluxDB endpoint for influxDBOut). The wall clock is a manual clock.

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

/** A local HTTP receiver that records request bodies (a webhook target, or an InfluxDB /write). */
class Receiver {
  readonly bodies: { url: string; body: string }[] = [];
  #server: HttpServer | undefined;
  url = '';
  async start(): Promise<void> {
    this.#server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.bodies.push({ url: req.url ?? '', body });
        res.statusCode = req.url?.startsWith('/write') ? 204 : 200;
        res.end(req.url?.startsWith('/query') ? '{"results":[{"statement_id":0}]}' : '');
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', () => r()));
    const addr = this.#server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => this.#server!.close(() => r()));
  }
  async waitFor(n: number): Promise<void> {
    for (let i = 0; i < 200 && this.bodies.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  }
}

let server: Server;
let url: string;
let dataDir: string;
const clock = new ManualClock({ ms: 1_700_000_000_000, ns: 0 });
const influx = new Receiver();
const hooks = new Receiver();

/** A server on a free port with a temporary data directory and the given config sections. */
async function startServer(sections: Record<string, unknown>, serverClock: ManualClock) {
  const dir = mkdtempSync(join(tmpdir(), 'inductor-stream-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.http.port = 0;
  config.logging.level = 'silent';
  Object.assign(config.sections, sections);
  const s = await createServer({ config, clock: serverClock });
  return { server: s, dir, url: await s.listen() };
}

before(async () => {
  await influx.start();
  await hooks.start();
  // influxDBOut without .cluster() writes to the default [[influxdb]] entry: here, a local receiver.
  const started = await startServer({ influxdb: [{ name: 'local', url: influx.url, default: true }] }, clock);
  server = started.server;
  url = started.url;
  dataDir = started.dir;
});

after(async () => {
  await server.close();
  await influx.stop();
  await hooks.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function define(id: string, script: string, dbrps = [{ db: id, rp: 'rp' }], base = url): Promise<void> {
  const res = await fetch(`${base}/kapacitor/v1/tasks`, {
    method: 'POST',
    body: JSON.stringify({ id, type: 'stream', dbrps, script, status: 'enabled' }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function setStatus(id: string, status: 'enabled' | 'disabled'): Promise<void> {
  const res = await fetch(`${url}/kapacitor/v1/tasks/${id}`, { method: 'PATCH', body: JSON.stringify({ status }) });
  assert.equal(res.status, 200, await res.text());
}

// biome-ignore lint/suspicious/noExplicitAny: the task JSON is inspected field by field
async function task(id: string, query = '', base = url): Promise<any> {
  const res = await fetch(`${base}/kapacitor/v1/tasks/${id}${query}`);
  assert.equal(res.status, 200);
  return res.json();
}

/** The task's node stats, from its JSON. */
async function nodeStats(id: string, base = url): Promise<Record<string, Record<string, number>>> {
  return (await task(id, '', base)).stats['node-stats'];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves the manual wall clock and lets the engine's 100 ms ticker see it. */
async function tick(ms = 0, c = clock): Promise<void> {
  c.advance(ms * 1e6);
  await sleep(250);
}

async function write(db: string, lines: string[], precision = 's', rp = 'rp', base = url): Promise<void> {
  const res = await fetch(`${base}/write?db=${db}&rp=${rp}&precision=${precision}`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

// biome-ignore lint/suspicious/noExplicitAny: rows are compared field by field
async function out(id: string, endpoint = 'out', base = url): Promise<any> {
  const res = await fetch(`${base}/kapacitor/v1/tasks/${id}/${endpoint}`);
  assert.equal(res.status, 200);
  return res.json();
}

/** Runs a script, writes lines, returns the httpOut series. */
async function run(id: string, script: string, lines: string[], precision = 's') {
  await define(id, script);
  await write(id, lines, precision);
  return (await out(id)).series;
}

const VALUES = [5, 3, 8, 3, 9, 1, 7, 3, 6, 2];
/** Ten points at T0..T0+9 and a trigger at T0+10 that closes a 10s window. */
const windowLines = [...VALUES.map((v, i) => `m,host=a value=${v},n=${i}i ${T0 + i}`), `m,host=a value=0,n=10i ${T0 + 10}`];
const agg = (fn: string) => `stream|from().measurement('m')|window().period(10s).every(10s)|${fn}|httpOut('out')`;

describe('reference cases over HTTP', () => {
  it('case 1: window + count (httpOut null before data)', async () => {
    await define('c1', `stream|from().measurement('test')|window().period(10s).every(10s)|count('value')|httpOut('count')`, [
      { db: 'mydb', rp: 'myrp' },
    ]);
    assert.deepEqual(await out('c1', 'count'), { series: null });
    await write(
      'mydb',
      [0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11].map((t) => `test value=1 ${t}`),
      's',
      'myrp',
    );
    const res = await fetch(`${url}/kapacitor/v1/tasks/c1/count`);
    assert.equal(
      await res.text(),
      '{"series":[{"name":"test","columns":["time","count"],"values":[["1970-01-01T00:00:10Z",15]]}]}',
    );
  });

  it('case 2: every < period', async () => {
    const s = await run(
      'c2',
      `var period = 3s
var every = 2s
stream|from().measurement('cpu').where(lambda: "host" == 'serverA')|window().period(period).every(every)|count('value')|httpOut('out')`,
      [0, 7, 8, 9, 10, 11].map((t, i) => `cpu,type=idle,host=serverA value=${[97.1, 92.4, 93.4, 95.3, 96.4, 95.1][i]} ${T0 + t}`),
    );
    assert.deepEqual(s, [{ name: 'cpu', columns: ['time', 'count'], values: [[iso(11), 3]] }]);
  });

  it('case 3: derivative skips a point without the field', async () => {
    const v = [1000, 1001, null, 1003, 1004, 1006, 1007, 1007, 1008, 1009, 1010, 1011];
    const s = await run(
      'c3',
      `stream|from().measurement('packets')|derivative('value')|window().period(10s).every(10s)|mean('value')|httpOut('out')`,
      v.map((x, i) => (x === null ? `packets value2=0 ${T0 + i}` : `packets value=${x} ${T0 + i}`)),
    );
    assert.deepEqual(s, [{ name: 'packets', columns: ['time', 'mean'], values: [[iso(11), 1]] }]);
    assert.equal((await nodeStats('c3')).derivative2.errors, 1);
  });

  it('case 4: stateful lambda per group', async () => {
    const s = await run('c4', `stream|from().measurement('types').groupBy('group')|eval(lambda: count()).as('count')|httpOut('out')`, [
      `types,group=A value=42 ${T0}`,
      `types,group=B value=42 ${T0}`,
      `types,group=A value=24 ${T0 + 1}`,
      `types,group=B value=24 ${T0 + 1}`,
    ]);
    assert.deepEqual(s, [
      { name: 'types', tags: { group: 'A' }, columns: ['time', 'count'], values: [[iso(1), 2]] },
      { name: 'types', tags: { group: 'B' }, columns: ['time', 'count'], values: [[iso(1), 2]] },
    ]);
  });

  it('case 5: stateDuration across a failing point', async () => {
    const s = await run(
      'c5',
      `var data = stream|from().measurement('cpu')|groupBy('host')
data|stateDuration(lambda: "value" > 95).unit(1ms).as('my_duration')|window().period(4s).every(4s)|httpOut('out')
data|stateDuration(lambda: "value" > 95)`,
      [
        `cpu,host=serverA value=97.1 ${T0}`,
        `cpu,host=serverB value=47.0 ${T0}`,
        `cpu,host=serverA value=96.6 ${T0 + 1}`,
        `cpu,host=serverB value=95.1 ${T0 + 1}`,
        `cpu,host=serverA value=83.6 ${T0 + 2}`,
        `cpu,host=serverB x=95.6 ${T0 + 2}`,
        `cpu,host=serverA value=99.1 ${T0 + 3}`,
        `cpu,host=serverB value=96.1 ${T0 + 3}`,
        `cpu,host=serverA value=0 ${T0 + 4}`,
        `cpu,host=serverB value=0 ${T0 + 4}`,
      ],
    );
    assert.deepEqual(
      s.map((r: { values: unknown[][] }) => r.values),
      [
        [
          [iso(0), 0, 97.1],
          [iso(1), 1000, 96.6],
          [iso(2), -1, 83.6],
          [iso(3), 0, 99.1],
        ],
        [
          [iso(0), -1, 47],
          [iso(1), 0, 95.1],
          [iso(3), 2000, 96.1],
        ],
      ],
    );
  });

  it('case 6: delete + groupBy(*)', async () => {
    const s = await run('c6', `stream|from().measurement('cpu')|delete().field('anothervalue').tag('type')|groupBy(*)|httpOut('out')`, [
      `cpu,type=idle,host=serverA value=9,anothervalue=4.2 ${T0}`,
      `cpu,type=system,host=serverB value=6,anothervalue=24 ${T0}`,
      `cpu,type=user,host=serverC value=3,anothervalue=42 ${T0}`,
    ]);
    assert.deepEqual(
      s,
      ['A', 'B', 'C'].map((x, i) => ({ name: 'cpu', tags: { host: `server${x}` }, columns: ['time', 'value'], values: [[iso(0), [9, 6, 3][i]]] })),
    );
    assert.deepEqual(
      (({ fields_deleted, tags_deleted }) => ({ fields_deleted, tags_deleted }))((await nodeStats('c6')).delete2),
      { fields_deleted: 3, tags_deleted: 3 },
    );
  });

  it('case 7: join .on() across measurements', async () => {
    const s = await run(
      'c7',
      `var building = stream|from().measurement('building_power').groupBy('building')
var floor = stream|from().measurement('floor_power').groupBy('building','floor')
building|join(floor).as('building','floor').on('building').streamName('power_floor_percentage')
|eval(lambda: "floor.value" / "building.value").as('value')|httpOut('out')`,
      [
        `building_power,building=shack value=30 ${T0}`,
        `floor_power,building=shack,floor=1 value=7 ${T0}`,
        `floor_power,building=shack,floor=2 value=11 ${T0}`,
        `floor_power,building=shack,floor=3 value=12 ${T0}`,
        `building_power,building=hut value=40 ${T0}`,
        `floor_power,building=hut,floor=1 value=19 ${T0}`,
        `floor_power,building=hut,floor=2 value=21 ${T0}`,
      ],
    );
    assert.deepEqual(
      s.map((r: { tags: Record<string, string>; values: unknown[][] }) => [r.tags.building, r.tags.floor, r.values[0][1]]),
      [
        ['shack', '1', 7 / 30],
        ['shack', '2', 11 / 30],
        ['shack', '3', 12 / 30],
        ['hut', '1', 19 / 40],
        ['hut', '2', 21 / 40],
      ],
    );
  });

  it('seed 000: relative change vs 10 minutes earlier, grouped by a tag, into httpOut and InfluxDB', async () => {
    const script = `var db = 'api'
var rp = 'autogen'
var measurement = 'account_login'
var groupBy = ['third_type']
var whereFilter = lambda: TRUE
var name = 'dutianze-t'
var outputDB = 'chronograf'
var outputRP = 'autogen'
var outputMeasurement = 'alerts'
var triggerType = 'relative'
var shift = 10m
var data = stream
    |from()
        .database(db)
        .retentionPolicy(rp)
        .measurement(measurement)
        .groupBy(groupBy)
        .where(whereFilter)
    |eval(lambda: "value")
        .as('value')
var past = data
    |shift(shift)
var current = data
var trigger = past
    |join(current)
        .as('past', 'current')
    |eval(lambda: abs(float("current.value" - "past.value")) / float("past.value") * 100.0)
        .keep()
        .as('value')
trigger
    |eval(lambda: float("value"))
        .as('value')
        .keep()
    |influxDBOut()
        .create()
        .buffer(1)
        .database(outputDB)
        .retentionPolicy(outputRP)
        .measurement(outputMeasurement)
        .tag('alertName', name)
        .tag('triggerType', triggerType)
trigger
    |httpOut('output')
`;
    await define('seed', script, [{ db: 'api', rp: 'autogen' }]);
    const lines: string[] = [];
    for (let m = 0; m <= 11; m++) {
      lines.push(`account_login,third_type=qq value=${100 + 10 * m}i ${T0 + 60 * m}`);
      lines.push(`account_login,third_type=wx value=${m < 11 ? 40 : 50}i ${T0 + 60 * m}`);
    }
    const before = influx.bodies.length;
    await write('api', lines, 's', 'autogen');
    const body = await out('seed', 'output');
    assert.deepEqual(body.series, [
      {
        name: 'account_login',
        tags: { third_type: 'qq' },
        columns: ['time', 'current.value', 'past.value', 'value'],
        values: [[iso(660), 210, 110, (100 / 110) * 100]],
      },
      {
        name: 'account_login',
        tags: { third_type: 'wx' },
        columns: ['time', 'current.value', 'past.value', 'value'],
        values: [[iso(660), 50, 40, 25]],
      },
    ]);
    // Two joined rows per group (minutes 10 and 11) went to InfluxDB, with the database created first.
    const sent = influx.bodies.slice(before);
    for (let i = 0; i < 200 && sent.filter((b) => b.url.startsWith('/write')).length < 4; i++) {
      await new Promise((r) => setTimeout(r, 10));
      sent.splice(0, sent.length, ...influx.bodies.slice(before));
    }
    assert.ok(sent.some((b) => b.url.startsWith('/query') && new URLSearchParams(b.body).get('q') === 'CREATE DATABASE "chronograf" WITH NAME "autogen"'));
    const written = sent.filter((b) => b.url.startsWith('/write?db=chronograf&precision=ns&rp=autogen')).map((b) => b.body);
    assert.equal(written.length, 4, JSON.stringify(sent));
    assert.ok(
      written.includes(
        `alerts,alertName=dutianze-t,third_type=wx,triggerType=relative past.value=40i,current.value=50i,value=25 ${T0 + 660}000000000`,
      ),
      written.join('\n'),
    );
  });
});

describe('InfluxQL functions over a 10s window', () => {
  const cases: [string, string, unknown[][], Record<string, string>?][] = [
    ['count', `count('value')`, [[iso(10), 10]]],
    ['sum', `sum('value')`, [[iso(10), 47]]],
    ['mean', `mean('value')`, [[iso(10), 4.7]]],
    ['median', `median('value')`, [[iso(10), 4]]],
    ['mode', `mode('value')`, [[iso(10), 3]]],
    ['spread', `spread('value')`, [[iso(10), 8]]],
    ['sum of integers', `sum('n')`, [[iso(10), 45]]],
    ['mean as', `mean('value').as('avg')`, [[iso(10), 4.7]]],
  ];
  for (const [name, fn, values] of cases) {
    it(`${name} emits one point per window at the window end`, async () => {
      const s = await run(`agg_${name.replace(/ /g, '_')}`, agg(fn), windowLines);
      assert.equal(s.length, 1);
      assert.equal(s[0].name, 'm');
      assert.equal(s[0].tags, undefined);
      assert.deepEqual(s[0].values, values);
    });
  }

  it('stddev is the sample standard deviation', async () => {
    const s = await run('agg_stddev', agg(`stddev('value')`), windowLines);
    assert.deepEqual(s[0].columns, ['time', 'stddev']);
    assert.ok(Math.abs(s[0].values[0][1] - Math.sqrt(66.1 / 9)) < 1e-12);
  });

  const selectors: [string, string, unknown[]][] = [
    ['first', `first('value')`, [iso(10), 5, 0]],
    ['last', `last('value')`, [iso(10), 2, 9]],
    ['min', `min('value')`, [iso(10), 1, 5]],
    ['max', `max('value')`, [iso(10), 9, 4]],
    ['percentile', `percentile('value', 50.0)`, [iso(10), 3, 7]],
    ['max with point times', `max('value').usePointTimes()`, [iso(4), 9, 4]],
  ];
  for (const [name, fn, row] of selectors) {
    it(`${name} keeps the selected point's tags and other fields`, async () => {
      const s = await run(`sel_${name.replace(/ /g, '_')}`, agg(fn), windowLines);
      const col = fn.slice(0, fn.indexOf('('));
      assert.deepEqual(s, [{ name: 'm', tags: { host: 'a' }, columns: ['time', 'n', col].sort((a, b) => (a === 'time' ? -1 : b === 'time' ? 1 : a < b ? -1 : 1)), values: [col < 'n' ? [row[0], row[1], row[2]] : [row[0], row[2], row[1]]] }]);
    });
  }

  it('top and bottom emit batches in time order', async () => {
    const top = await run('sel_top', agg(`top(2, 'value')`), windowLines);
    assert.deepEqual(top, [{ name: 'm', columns: ['time', 'top'], values: [[iso(10), 8], [iso(10), 9]] }]);
    const bottom = await run('sel_bottom', agg(`bottom(2, 'value', 'n')`), windowLines);
    assert.deepEqual(bottom, [{ name: 'm', columns: ['time', 'bottom', 'n'], values: [[iso(10), 1, 5], [iso(10), 2, 9]] }]);
  });

  it('distinct emits each value once in order of first appearance', async () => {
    const s = await run('sel_distinct', agg(`distinct('value')`), windowLines);
    assert.deepEqual(
      s[0].values.map((v: unknown[]) => v[1]),
      [5, 3, 8, 9, 1, 7, 6, 2],
    );
  });

  it('holtWinters forecasts after the window', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `m value=${10 + 2 * i} ${T0 + i}`);
    lines.push(`m value=0 ${T0 + 10}`);
    const s = await run('hw', agg(`holtWinters('value', 2, 0, 1s)`), lines);
    assert.equal(s[0].values.length, 2);
    assert.deepEqual(
      s[0].values.map((v: unknown[]) => v[0]),
      [iso(10), iso(11)],
    );
    assert.ok(Math.abs(s[0].values[0][1] - 30) < 0.5, String(s[0].values[0][1]));
  });

  it('an aggregate on a stream without window reduces runs of equal timestamps', async () => {
    const s = await run('stream_sum', `stream|from().measurement('m')|sum('value')|httpOut('out')`, [
      `m,host=a value=1 ${T0}`,
      `m,host=b value=2 ${T0}`,
      `m,host=c value=4 ${T0}`,
      `m,host=a value=8 ${T0 + 1}`,
    ]);
    assert.deepEqual(s, [{ name: 'm', columns: ['time', 'sum'], values: [[iso(0), 7]] }]);
  });
});

describe('stream transformations', () => {
  const lines = VALUES.map((v, i) => `m value=${v} ${T0 + i}`);
  const cases: [string, string, unknown][] = [
    ['difference', `difference('value')`, -4],
    ['cumulativeSum', `cumulativeSum('value')`, 47],
    ['movingAverage', `movingAverage('value', 3)`, (3 + 6 + 2) / 3],
    ['elapsed', `elapsed('value', 1ms)`, 1000],
  ];
  for (const [name, fn, value] of cases) {
    it(`${name} emits per point with the group's tags`, async () => {
      const s = await run(`tr_${name}`, `stream|from().measurement('m')|${fn}|httpOut('out')`, lines);
      assert.deepEqual(s, [{ name: 'm', columns: ['time', name], values: [[iso(9), value]] }]);
    });
  }

  it('derivative with unit and nonNegative drops negative rates', async () => {
    const s = await run(
      'tr_derivative',
      `stream|from().measurement('m')|derivative('value').unit(1m).nonNegative().as('rate')|window().period(20s).every(20s)|httpOut('out')`,
      [...VALUES.map((v, i) => `m value=${v} ${T0 + i}`), `m value=100 ${T0 + 30}`],
    );
    assert.deepEqual(
      s[0].values.map((v: unknown[]) => [v[0], v[1]]),
      [
        [iso(2), 300],
        [iso(4), 360],
        [iso(6), 360],
        [iso(8), 180],
      ],
    );
  });
});

describe('from, where, eval, groupBy', () => {
  it('from filters measurement, database and retention policy', async () => {
    await define('from_filter', `stream|from().measurement('cpu').database('from_filter').retentionPolicy('rp')|httpOut('out')`, [
      { db: 'from_filter', rp: 'rp' },
      { db: 'from_filter', rp: 'other' },
    ]);
    await write('from_filter', [`cpu value=1 ${T0}`, `mem value=2 ${T0 + 1}`]);
    await write('from_filter', [`cpu value=3 ${T0 + 2}`], 's', 'other');
    assert.deepEqual((await out('from_filter')).series, [{ name: 'cpu', columns: ['time', 'value'], values: [[iso(0), 1]] }]);
  });

  it('from where ANDs several lambdas', async () => {
    const s = await run('from_where', `stream|from().measurement('cpu').where(lambda: "value" > 1).where(lambda: "host" != 'b')|httpOut('out')`, [
      `cpu,host=a value=1 ${T0}`,
      `cpu,host=a value=5 ${T0 + 1}`,
      `cpu,host=b value=9 ${T0 + 2}`,
    ]);
    assert.deepEqual(s[0].values, [[iso(1), 5]]);
  });

  it('from groupBy gives one row per group with all point tags', async () => {
    const s = await run('from_group', `stream|from().measurement('cpu').groupBy('host')|httpOut('out')`, [
      `cpu,host=a,dc=x value=1 ${T0}`,
      `cpu,host=b,dc=y value=2 ${T0}`,
      `cpu,host=a,dc=x value=3 ${T0 + 1}`,
    ]);
    assert.deepEqual(s, [
      { name: 'cpu', tags: { dc: 'x', host: 'a' }, columns: ['time', 'value'], values: [[iso(1), 3]] },
      { name: 'cpu', tags: { dc: 'y', host: 'b' }, columns: ['time', 'value'], values: [[iso(0), 2]] },
    ]);
  });

  it('from groupBy(*) and groupByMeasurement', async () => {
    const s = await run('from_star', `stream|from().groupBy(*).groupByMeasurement()|window().period(1s).every(1s)|count('value')|httpOut('out')`, [
      `cpu,host=a value=1 ${T0}`,
      `mem,host=a value=1 ${T0}`,
      `cpu,host=b value=1 ${T0}`,
      `cpu,host=a value=1 ${T0 + 1}`,
      `mem,host=a value=1 ${T0 + 1}`,
      `cpu,host=b value=1 ${T0 + 1}`,
    ]);
    assert.deepEqual(
      s.map((r: { name: string; tags: Record<string, string> }) => `${r.name}/${r.tags.host}`),
      ['cpu/a', 'mem/a', 'cpu/b'],
    );
  });

  it('from truncate and round move point times', async () => {
    const t = await run('from_trunc', `stream|from().measurement('m').truncate(1s)|httpOut('out')`, [`m value=1 ${T0}700`], 'ms');
    assert.deepEqual(t[0].values, [[iso(0), 1]]);
    const r = await run('from_round', `stream|from().measurement('m').round(1s)|httpOut('out')`, [`m value=1 ${T0}700`], 'ms');
    assert.deepEqual(r[0].values, [[iso(1), 1]]);
  });

  it('keeps nanosecond timestamps exact', async () => {
    const s = await run('nanos', `stream|from().measurement('m')|httpOut('out')`, [`m value=1 1600000000123456789`], 'ns');
    assert.deepEqual(s[0].values, [['2020-09-13T12:26:40.123456789Z', 1]]);
  });

  it('where node keeps matching points', async () => {
    const s = await run('where', `stream|from().measurement('m')|where(lambda: "value" < 3)|window().period(10s).every(10s).align()|count('value')|httpOut('out')`, windowLines);
    assert.deepEqual(s[0].values, [[iso(10), 2]]);
  });

  it('eval replaces fields unless keep() is used; later expressions see earlier results', async () => {
    const s = await run('eval_chain', `stream|from().measurement('m')|eval(lambda: "value" * 2.0, lambda: "double" + 1.0).as('double', 'plus')|httpOut('out')`, [`m value=4.0,other=1 ${T0}`]);
    assert.deepEqual(s[0], { name: 'm', columns: ['time', 'double', 'plus'], values: [[iso(0), 8, 9]] });
    const k = await run('eval_keep', `stream|from().measurement('m')|eval(lambda: "value" * 2.0).as('double').keep()|httpOut('out')`, [`m value=4.0,other=1 ${T0}`]);
    assert.deepEqual(k[0].columns, ['time', 'double', 'other', 'value']);
    const l = await run('eval_keep_list', `stream|from().measurement('m')|eval(lambda: "value" * 2.0).as('double').keep('double', 'other')|httpOut('out')`, [`m value=4.0,other=1 ${T0}`]);
    assert.deepEqual(l[0].columns, ['time', 'double', 'other']);
  });

  it('eval tags() turns string results into tags', async () => {
    const s = await run('eval_tags', `stream|from().measurement('m')|eval(lambda: if("value" > 5.0, 'high', 'low')).as('level').tags('level')|httpOut('out')`, [`m,host=a value=9.0 ${T0}`]);
    assert.deepEqual(s[0].tags, { host: 'a', level: 'high' });
    assert.deepEqual(s[0].columns, ['time']);
  });

  it('eval errors drop the point and count', async () => {
    const s = await run('eval_err', `stream|from().measurement('m')|eval(lambda: "missing" * 2.0).as('x').quiet()|httpOut('out')`, [`m value=1.0 ${T0}`]);
    assert.equal(s, null);
    assert.equal((await nodeStats('eval_err')).eval2.errors, 1);
  });

  it('groupBy node regroups and exclude() removes a dimension', async () => {
    const s = await run('groupby_node', `stream|from().measurement('m')|groupBy('host', 'dc').exclude('dc')|window().period(10s).every(10s)|count('value')|httpOut('out')`, [
      `m,host=a,dc=1 value=1 ${T0}`,
      `m,host=a,dc=2 value=1 ${T0 + 1}`,
      `m,host=b,dc=1 value=1 ${T0 + 2}`,
      `m,host=a,dc=1 value=1 ${T0 + 10}`,
      `m,host=b,dc=1 value=1 ${T0 + 12}`,
    ]);
    assert.deepEqual(s, [
      { name: 'm', tags: { host: 'a' }, columns: ['time', 'count'], values: [[iso(10), 2]] },
      { name: 'm', tags: { host: 'b' }, columns: ['time', 'count'], values: [[iso(12), 1]] },
    ]);
  });
});

describe('window variants', () => {
  it('align() puts window bounds on multiples of every', async () => {
    const s = await run('win_align', `stream|from().measurement('m')|window().period(10s).every(10s).align()|count('value')|httpOut('out')`, [
      `m value=1 ${T0 + 3}`,
      `m value=1 ${T0 + 7}`,
      `m value=1 ${T0 + 12}`,
    ]);
    assert.deepEqual(s[0].values, [[iso(10), 2]]);
  });

  it('fillPeriod waits for a full period before the first emit', async () => {
    const s = await run('win_fill', `stream|from().measurement('m')|window().period(4s).every(2s).fillPeriod()|count('value')|httpOut('out')`, [
      `m value=1 ${T0}`,
      `m value=1 ${T0 + 1}`,
      `m value=1 ${T0 + 2}`,
      `m value=1 ${T0 + 3}`,
      `m value=1 ${T0 + 4}`,
    ]);
    assert.deepEqual(s[0].values, [[iso(4), 4]]);
  });

  it('periodCount/everyCount window by number of points', async () => {
    const s = await run('win_count', `stream|from().measurement('m')|window().periodCount(3).everyCount(2)|sum('value')|httpOut('out')`, [1, 2, 3, 4, 5].map((v, i) => `m value=${v} ${T0 + i}`));
    // Emits after points 2 (1+2) and 4 (2+3+4).
    assert.deepEqual(s[0].values, [[iso(3), 9]]);
  });

  it('every(0) emits the last period on every point', async () => {
    const s = await run('win_every0', `stream|from().measurement('m')|window().period(2s)|count('value')|httpOut('out')`, [0, 1, 2, 3].map((t) => `m value=1 ${T0 + t}`));
    assert.deepEqual(s[0].values, [[iso(3), 2]]);
  });

  it('a window row carries point tags outside the group as columns', async () => {
    const s = await run('win_row', `stream|from().measurement('m').groupBy('host')|window().period(2s).every(2s)|httpOut('out')`, [
      `m,host=a,cpu=0 value=1 ${T0}`,
      `m,host=a,cpu=1 value=2 ${T0 + 1}`,
      `m,host=a,cpu=0 value=3 ${T0 + 2}`,
    ]);
    assert.deepEqual(s, [
      {
        name: 'm',
        tags: { host: 'a' },
        columns: ['time', 'cpu', 'value'],
        values: [
          [iso(0), '0', 1],
          [iso(1), '1', 2],
        ],
      },
    ]);
  });
});

describe('time, join, union, combine, flatten', () => {
  it('shift moves times forwards and backwards', async () => {
    const f = await run('shift_fwd', `stream|from().measurement('m')|shift(5m)|httpOut('out')`, [`m value=1 ${T0}`]);
    assert.deepEqual(f[0].values, [[iso(300), 1]]);
    const b = await run('shift_back', `stream|from().measurement('m')|shift(-1s)|httpOut('out')`, [`m value=1 ${T0}`]);
    assert.deepEqual(b[0].values, [[iso(-1), 1]]);
  });

  it('join with tolerance matches nearby times and names fields with a delimiter', async () => {
    const s = await run(
      'join_tol',
      `var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('x', 'y').tolerance(1s).delimiter('_').streamName('ab')|httpOut('out')`,
      [`a value=1 ${T0}000`, `b value=2 ${T0}400`, `a value=3 ${T0 + 5}000`, `b value=4 ${T0 + 5}100`, `a value=5 ${T0 + 9}000`],
      'ms',
    );
    assert.deepEqual(s, [{ name: 'ab', columns: ['time', 'x_value', 'y_value'], values: [[iso(5), 3, 4]] }]);
  });

  it('join fill(number) emits incomplete sets once every parent has passed them', async () => {
    const s = await run(
      'join_fill',
      `var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|join(b).as('a', 'b').fill(0.0)|httpOut('out')`,
      [`a value=1 ${T0}`, `a value=2 ${T0 + 1}`, `b value=20 ${T0 + 2}`],
    );
    // As in Kapacitor, the set at T0 is flushed once every parent that has reported is past it.
    assert.deepEqual(s, [{ name: 'a', columns: ['time', 'a.value', 'b.value'], values: [[iso(0), 1, 0]] }]);
  });

  it('union merges parents and renames', async () => {
    const s = await run(
      'union',
      `var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
a|union(b).rename('ab')|window().period(10s).every(10s)|count('value')|httpOut('out')`,
      [`a value=1 ${T0}`, `b value=1 ${T0 + 1}`, `a value=1 ${T0 + 2}`, `b value=1 ${T0 + 10}`],
    );
    // b@10 waits until parent a has passed it, as Kapacitor orders a union by low-water marks.
    assert.equal(s, null);
    await write('union', [`a value=1 ${T0 + 11}`]);
    assert.deepEqual((await out('union')).series, [{ name: 'ab', columns: ['time', 'count'], values: [[iso(10), 3]] }]);
  });

  it('combine pairs points of the same time', async () => {
    const s = await run(
      'combine',
      `stream|from().measurement('req').groupBy('dc')|combine(lambda: "service" == 'login', lambda: TRUE).as('login', 'other')|eval(lambda: "login.value" / "other.value").as('ratio')|httpOut('out')`,
      [`req,dc=A,service=login value=10 ${T0}`, `req,dc=A,service=auth value=40 ${T0}`, `req,dc=A,service=login value=1 ${T0 + 1}`],
    );
    assert.deepEqual(s, [
      { name: 'req', tags: { dc: 'A', 'login.service': 'login', 'other.service': 'auth' }, columns: ['time', 'ratio'], values: [[iso(0), 0.25]] },
    ]);
  });

  it('flatten merges the points of one time into one point', async () => {
    const s = await run(
      'flatten',
      `stream|from().measurement('cpu').groupBy('host')|flatten().on('cpu')|httpOut('out')`,
      [`cpu,host=a,cpu=c0 usage=1 ${T0}`, `cpu,host=a,cpu=c1 usage=2 ${T0}`, `cpu,host=a,cpu=c0 usage=3 ${T0 + 1}`],
    );
    assert.deepEqual(s, [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'c0.usage', 'c1.usage'], values: [[iso(0), 1, 2]] }]);
  });
});

describe('field and state nodes', () => {
  it('default fills missing fields and tags and counts', async () => {
    const s = await run('default', `stream|from().measurement('m')|default().field('value', 0.0).tag('host', 'none')|httpOut('out')`, [`m other=1 ${T0}`]);
    assert.deepEqual(s, [{ name: 'm', tags: { host: 'none' }, columns: ['time', 'other', 'value'], values: [[iso(0), 1, 0]] }]);
    const st = (await nodeStats('default')).default2;
    assert.deepEqual([st.fields_defaulted, st.tags_defaulted], [1, 1]);
  });

  it('stateCount counts consecutive trues per group', async () => {
    const s = await run('state_count', `stream|from().measurement('m').groupBy('h')|stateCount(lambda: "value" > 1)|httpOut('out')`, [
      `m,h=a value=2 ${T0}`,
      `m,h=a value=3 ${T0 + 1}`,
      `m,h=b value=0 ${T0 + 1}`,
    ]);
    assert.deepEqual(
      s.map((r: { values: unknown[][] }) => r.values[0][1]),
      [2, -1],
    );
  });

  it('sample keeps every n-th point or points on a time boundary', async () => {
    const n = await run('sample_n', `stream|from().measurement('m')|sample(2)|window().period(10s).every(10s)|count('value')|httpOut('out')`, windowLines);
    assert.deepEqual(n[0].values, [[iso(10), 5]]);
    const d = await run('sample_d', `stream|from().measurement('m')|sample(5s)|window().period(10s).every(10s)|count('value')|httpOut('out')`, windowLines);
    assert.deepEqual(d[0].values, [[iso(10), 2]]);
  });

  it('changeDetect passes only changed values', async () => {
    const s = await run('change', `stream|from().measurement('m')|changeDetect('value')|window().period(10s).every(10s)|count('value')|httpOut('out')`, [
      ...[1, 1, 2, 2, 2, 3, 1].map((v, i) => `m value=${v} ${T0 + i}`),
      `m value=9 ${T0 + 10}`,
    ]);
    assert.deepEqual(s[0].values, [[iso(10), 4]]);
  });

  it('trickle turns a window back into points', async () => {
    const s = await run('trickle', `stream|from().measurement('m')|window().period(10s).every(10s)|trickle()|httpOut('out')`, windowLines);
    assert.deepEqual(s, [{ name: 'm', tags: { host: 'a' }, columns: ['time', 'n', 'value'], values: [[iso(9), 9, 2]] }]);
  });

  it('log passes data through unchanged', async () => {
    const s = await run('log', `stream|from().measurement('m')|log().prefix('P').level('DEBUG')|httpOut('out')`, [`m value=1 ${T0}`]);
    assert.deepEqual(s[0].values, [[iso(0), 1]]);
  });

  it('noOp-style chains: two httpOut endpoints on one task', async () => {
    await define('two_outs', `var d = stream|from().measurement('m')
d|httpOut('raw')
d|eval(lambda: "value" + 1.0).as('value')|httpOut('plus')`);
    await write('two_outs', [`m value=1 ${T0}`]);
    assert.deepEqual((await out('two_outs', 'raw')).series[0].values, [[iso(0), 1]]);
    assert.deepEqual((await out('two_outs', 'plus')).series[0].values, [[iso(0), 2]]);
  });
});

describe('outputs', () => {
  it('httpPost sends each point as a series row', async () => {
    const before = hooks.bodies.length;
    await define('post', `stream|from().measurement('m')|httpPost('${hooks.url}/hook').header('X-Test', 'yes')|httpOut('out')`);
    await write('post', [`m,host=a value=1 ${T0}`]);
    await hooks.waitFor(before + 1);
    assert.equal(hooks.bodies[before].url, '/hook');
    assert.deepEqual(JSON.parse(hooks.bodies[before].body), {
      series: [{ name: 'm', tags: { host: 'a' }, columns: ['time', 'value'], values: [[iso(0), 1]] }],
    });
  });

  it('kapacitorLoopback feeds another task', async () => {
    await define('loop_src', `stream|from().measurement('m')|eval(lambda: "value" * 10.0).as('value')|kapacitorLoopback().database('loop_dst').retentionPolicy('rp').measurement('looped')`);
    await define('loop_dst', `stream|from().measurement('looped')|httpOut('out')`);
    await write('loop_src', [`m value=2 ${T0}`]);
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual((await out('loop_dst')).series, [{ name: 'looped', columns: ['time', 'value'], values: [[iso(0), 20]] }]);
    assert.equal((await nodeStats('loop_src')).kapacitor_loopback3.points_written, 1);
  });

  it('influxDBOut writes buffered points on flushInterval with tags and measurement', async () => {
    const before = influx.bodies.length;
    await define('idbout', `stream|from().measurement('m')|influxDBOut().database('out').retentionPolicy('autogen').measurement('copy').tag('k', 'v').flushInterval(1s)`);
    await write('idbout', [`m value=1 ${T0}`, `m value=2 ${T0 + 1}`]);
    assert.equal(influx.bodies.length, before);
    await tick(2000);
    await influx.waitFor(before + 1);
    assert.equal(influx.bodies[before].body, `copy,k=v value=1 ${T0}000000000\ncopy,k=v value=2 ${T0 + 1}000000000`);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal((await nodeStats('idbout')).influxdb_out2.points_written, 2);
  });
});

describe('wall-clock nodes, stats, lifecycle and memory', () => {
  it('barrier idle keeps emitting barriers that close windows without new data', async () => {
    await define('barrier', `stream|from().measurement('m').groupBy('h')|barrier().idle(5s)|window().period(10s).every(10s)|count('value')|httpOut('out')`);
    await write('barrier', [`m,h=a value=1 ${T0}`, `m,h=a value=1 ${T0 + 1}`]);
    await tick();
    assert.deepEqual((await out('barrier')).series, null);
    await tick(6000); // barrier at T0+6: the window is not due yet
    assert.deepEqual((await out('barrier')).series, null);
    await tick(6000); // barrier at T0+11
    assert.deepEqual((await out('barrier')).series, [{ name: 'm', tags: { h: 'a' }, columns: ['time', 'count'], values: [[iso(10), 2]] }]);
  });

  it('barrier delete(TRUE) drops the group downstream', async () => {
    await define('barrier_del', `stream|from().measurement('m').groupBy('h')|barrier().idle(5s).delete(TRUE)|window().period(10s).every(10s)|httpOut('out')`);
    await write('barrier_del', [`m,h=a value=1 ${T0}`, `m,h=a value=1 ${T0 + 10}`]);
    await tick();
    assert.equal((await out('barrier_del')).series.length, 1);
    await tick(6000);
    assert.equal((await out('barrier_del')).series, null);
    const stats = (await nodeStats('barrier_del'));
    assert.deepEqual([stats.barrier2.working_cardinality, stats.window3.working_cardinality, stats.http_out4.working_cardinality], [0, 0, 0]);
  });

  it('stats emits the observed node counts every interval', async () => {
    await define('stats', `var d = stream|from().measurement('m').groupBy('h')
d|stats(1s)|httpOut('out')`);
    await write('stats', [`m,h=a value=1 ${T0}`, `m,h=a value=1 ${T0 + 1}`, `m,h=b value=1 ${T0 + 1}`]);
    await tick();
    await tick(1500);
    const s = (await out('stats')).series;
    assert.deepEqual(
      s.map((r: { name: string; tags: Record<string, string>; values: unknown[][] }) => [r.name, r.tags.h, r.values[0][1]]),
      [
        ['stats', 'a', 2],
        ['stats', 'b', 1],
      ],
    );
  });

  it('executing DOT shows stats in both views', async () => {
    await define('dot', `stream|from().measurement('m')|httpOut('out')`);
    await write('dot', [`m value=1 ${T0}`, `x value=1 ${T0}`]);
    const attributes = (await task('dot')).dot;
    assert.equal(
      attributes.replace(/avg_exec_time_ns="[^"]*"/g, 'avg_exec_time_ns="T"'),
      `digraph dot {
graph [throughput="0.00 points/s"];

stream0 [avg_exec_time_ns="T" errors="0" working_cardinality="0" ];
stream0 -> from1 [processed="2"];

from1 [avg_exec_time_ns="T" errors="0" working_cardinality="0" ];
from1 -> http_out2 [processed="1"];

http_out2 [avg_exec_time_ns="T" errors="0" working_cardinality="1" ];
}`,
    );
    assert.match(
      (await task('dot', '?dot-view=labels')).dot,
      /^digraph dot \{\ngraph \[label="Throughput: 0\.00 points\/s" forcelabels=true pad="0\.8,0\.5"\];\n\nstream0 \[xlabel="avg_exec_time_ns=[^\\]+\\rerrors=0\\rworking_cardinality=0"\];\nstream0 -> from1 \[label="processed=2"\];/,
    );
    const st = await nodeStats('dot');
    assert.equal(st.from1.collected, 2);
    assert.equal(st.from1.emitted, 1);
  });

  it('disabling a task removes its endpoint and enabling again starts clean', async () => {
    await define('life', `stream|from().measurement('m')|httpOut('out')`);
    await write('life', [`m value=1 ${T0}`]);
    assert.notEqual((await out('life')).series, null);
    await setStatus('life', 'disabled');
    const gone = await fetch(`${url}/kapacitor/v1/tasks/life/out`);
    assert.equal(gone.status, 404);
    await write('life', [`m value=2 ${T0 + 1}`]);
    await setStatus('life', 'enabled');
    assert.deepEqual(await out('life'), { series: null });
  });

  it('idle groups expire ([stream] group-idle-timeout): rows and working cardinality drop', async () => {
    const idleClock = new ManualClock({ ms: 1_700_000_000_000, ns: 0 });
    const idle = await startServer({ stream: { 'group-idle-timeout': '1s' } }, idleClock);
    try {
      await define('idle', `stream|from().measurement('m').groupBy('h')|last('value')|httpOut('out')`, [{ db: 'idle', rp: 'rp' }], idle.url);
      await write('idle', [`m,h=a value=1 ${T0}`, `m,h=b value=1 ${T0}`, `m,h=a value=2 ${T0 + 1}`, `m,h=b value=2 ${T0 + 1}`], 's', 'rp', idle.url);
      assert.equal((await out('idle', 'out', idle.url)).series.length, 2);
      await tick(600, idleClock);
      await write('idle', [`m,h=a value=3 ${T0 + 2}`], 's', 'rp', idle.url);
      await tick(600, idleClock);
      const s = (await out('idle', 'out', idle.url)).series;
      assert.deepEqual(
        s.map((r: { tags: Record<string, string> }) => r.tags.h),
        ['a'],
      );
      assert.equal((await nodeStats('idle', idle.url)).last2.working_cardinality, 1);
    } finally {
      await idle.server.close();
      rmSync(idle.dir, { recursive: true, force: true });
    }
  });
});
