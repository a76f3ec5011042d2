// Black-box stream scenarios: line protocol through POST /write on a listening server, results read
// back from the httpOut route (and from HTTP receivers for httpPost and influxDBOut).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpOutRoutes } from '../src/api/kapacitor/http-out-routes.ts';
import { defaultConfig } from '../src/config/config.ts';
import { isDomainError, statusOfKind } from '../src/core/errors.ts';
import { ManualClock } from '../src/core/time.ts';
import { StreamEngine } from '../src/pipeline/engine.ts';
import { HttpOutService } from '../src/pipeline/http-out-service.ts';
import { fetchPoster } from '../src/pipeline/outputs/fetch-poster.ts';
import { InfluxDBHttpWriter } from '../src/pipeline/outputs/influxdb-http-writer.ts';
import { createServer, type Server } from '../src/server.ts';
import { evaluateProgram } from '../src/tick/evaluate.ts';
import { parse } from '../src/tick/parser.ts';

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
let engine: StreamEngine;
let dataDir: string;
const clock = new ManualClock({ ms: 1_700_000_000_000, ns: 0 });
const influx = new Receiver();
const hooks = new Receiver();

before(async () => {
  await influx.start();
  await hooks.start();
  dataDir = mkdtempSync(join(tmpdir(), 'inductor-stream-'));
  const config = defaultConfig();
  config.dataDir = dataDir;
  config.http.port = 0;
  config.logging.level = 'silent';
  server = await createServer({ config });
  const writer = new InfluxDBHttpWriter({ url: influx.url });
  engine = new StreamEngine({
    clock,
    subscribe: (db, rp, fn) => server.router.subscribe(db, rp, fn),
    repeat: () => () => {},
    logger: { log: () => {} },
    writers: () => writer,
    http: fetchPoster,
  });
  // The tasks API is another module: tasks are started on the engine directly, data goes over HTTP.
  await server.app.register(
    async (scope) => {
      scope.setErrorHandler((err, _req, reply) => {
        const status = isDomainError(err) ? statusOfKind(err.kind) : 500;
        reply.code(status).send({ error: err.message });
      });
      httpOutRoutes(new HttpOutService(engine))(scope);
    },
    { prefix: '/kapacitor/v1' },
  );
  url = await server.listen();
});

after(async () => {
  engine.stopAll();
  await server.close();
  await influx.stop();
  await hooks.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function define(id: string, script: string, dbrps = [{ db: id, rp: 'rp' }]) {
  return engine.start({ id, pipeline: evaluateProgram(parse(script), 'stream').pipeline, dbrps });
}

async function write(db: string, lines: string[], precision = 's', rp = 'rp'): Promise<void> {
  const res = await fetch(`${url}/write?db=${db}&rp=${rp}&precision=${precision}`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

// biome-ignore lint/suspicious/noExplicitAny: rows are compared field by field
async function out(id: string, endpoint = 'out'): Promise<any> {
  const res = await fetch(`${url}/kapacitor/v1/tasks/${id}/${endpoint}`);
  assert.equal(res.status, 200);
  return res.json();
}

/** Runs a script, writes lines, returns the httpOut series. */
async function run(id: string, script: string, lines: string[], precision = 's') {
  define(id, script);
  await write(id, lines, precision);
  return (await out(id)).series;
}

const VALUES = [5, 3, 8, 3, 9, 1, 7, 3, 6, 2];
/** Ten points at T0..T0+9 and a trigger at T0+10 that closes a 10s window. */
const windowLines = [...VALUES.map((v, i) => `m,host=a value=${v},n=${i}i ${T0 + i}`), `m,host=a value=0,n=10i ${T0 + 10}`];
const agg = (fn: string) => `stream|from().measurement('m')|window().period(10s).every(10s)|${fn}|httpOut('out')`;

describe('reference cases over HTTP', () => {
  it('case 1: window + count (httpOut null before data)', async () => {
    define('c1', `stream|from().measurement('test')|window().period(10s).every(10s)|count('value')|httpOut('count')`, [
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
    assert.equal(engine.stats('c3')!['node-stats'].derivative2.errors, 1);
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
      (({ fields_deleted, tags_deleted }) => ({ fields_deleted, tags_deleted }))(engine.stats('c6')!['node-stats'].delete2),
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
    define('seed', script, [{ db: 'api', rp: 'autogen' }]);
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
    assert.ok(sent.some((b) => b.url.startsWith('/query') && new URLSearchParams(b.body).get('q') === 'CREATE DATABASE "chronograf"'));
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
