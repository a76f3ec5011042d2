// Alerting end to end on a listening server: /write → stream task with alert() → handlers and the
// /kapacitor/v1/alerts/topics API, reference case 8, restart and redefinition, TTL, topic handlers.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { alertConfig } from '../src/alert/alert-config.ts';
import { annotateAlerts } from '../src/alert/annotations.ts';
import { AlertAnnotator } from '../src/annotations/alert-annotations.ts';
import { AnnotationService } from '../src/annotations/annotation-service.ts';
import { AlertService } from '../src/alert/alert-service.ts';
import { alertsRoutes } from '../src/api/kapacitor/alerts-routes.ts';
import { httpOutRoutes } from '../src/api/kapacitor/http-out-routes.ts';
import { registerKapacitorApi } from '../src/api/kapacitor/kapacitor-api.ts';
import { writeRoutes } from '../src/api/kapacitor/write-routes.ts';
import { ManualClock } from '../src/core/time.ts';
import { PointRouter } from '../src/ingest/point-router.ts';
import { WriteService } from '../src/ingest/write-service.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import { StreamEngine } from '../src/pipeline/engine.ts';
import { HttpOutService } from '../src/pipeline/http-out-service.ts';
import { alertNodeFactory } from '../src/pipeline/nodes/alert.ts';
import { compileTask } from '../src/tick/index.ts';

const T0 = 1_600_000_000;
const iso = (s: number) => new Date((T0 + s) * 1000).toISOString().replace('.000Z', 'Z');

/** A local HTTP receiver recording request bodies. */
class Receiver {
  readonly bodies: string[] = [];
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  #server: HttpServer | undefined;
  url = '';
  async start(): Promise<void> {
    this.#server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.bodies.push(body);
        this.headers.push(req.headers);
        res.end('');
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => this.#server!.close(() => r()));
  }
}

/** The composition server.ts makes for alerting: meta store, alert service, engine with the alert node, Kapacitor routes. */
class Stack {
  app!: FastifyInstance;
  alerts!: AlertService;
  engine!: StreamEngine;
  meta!: SqliteMetaStore;
  url = '';
  readonly clock = new ManualClock({ ms: 1_700_000_000_000, ns: 0 });

  constructor(
    readonly dataDir: string,
    readonly sections: Record<string, unknown> = {},
  ) {}

  async start(): Promise<this> {
    this.meta = new SqliteMetaStore({ path: join(this.dataDir, 'meta.db') });
    const config = alertConfig(this.sections);
    this.alerts = new AlertService({ meta: this.meta, config, logger: { log: () => {} } });
    await this.alerts.open();
    const router = new PointRouter();
    this.engine = new StreamEngine({
      clock: this.clock,
      subscribe: (db, rp, fn) => router.subscribe(db, rp, fn),
      repeat: () => () => {},
      logger: { log: () => {} },
    });
    this.engine.registry.register(
      'alert',
      alertNodeFactory({
        service: this.alerts,
        server: { hostname: 'localhost', clusterId: 'c', serverId: 's' },
        groupTtlMs: config.groupTtlMs,
        annotate: config.annotations ? annotateAlerts(new AlertAnnotator(this.annotations()), { log: () => {} }) : undefined,
      }),
    );
    this.app = Fastify();
    const write = writeRoutes({ writes: new WriteService(router, this.clock), maxBodySize: 1 << 20 });
    await registerKapacitorApi(this.app, {
      routes: [alertsRoutes(this.alerts), write, (a) => httpOutRoutes(new HttpOutService(this.engine))(a)],
      rootRoutes: [write],
    });
    this.url = await this.app.listen({ port: 0, host: '127.0.0.1' });
    return this;
  }

  #annotations: AnnotationService | undefined;
  annotations(): AnnotationService {
    this.#annotations ??= new AnnotationService(this.meta);
    return this.#annotations;
  }

  define(id: string, script: string, db = 'mydb'): void {
    this.engine.start({ id, pipeline: compileTask(script).pipeline, dbrps: [{ db, rp: 'autogen' }] });
  }

  async write(lines: string[], db = 'mydb'): Promise<void> {
    const res = await fetch(`${this.url}/write?db=${db}&rp=autogen&precision=s`, { method: 'POST', body: lines.join('\n') });
    assert.equal(res.status, 204, await res.text());
    await this.alerts.idle();
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary response shapes
  async get(path: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}/kapacitor/v1${path}`);
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary response shapes
  async send(method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}/kapacitor/v1${path}`, {
      method,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  async stop(): Promise<void> {
    this.engine.stopAll();
    await this.app.close();
    await this.alerts.close();
    await this.meta.close();
  }
}

const receiver = new Receiver();
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'inductor-alert-'));
  dirs.push(d);
  return d;
}

before(() => receiver.start());
after(async () => {
  await receiver.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function case8Script(url: string): string {
  return `var warnThreshold = 7.0
var critThreshold = 8.0
stream
    |from()
        .measurement('cpu')
        .where(lambda: "host" == 'serverA')
        .groupBy('host')
    |alert()
        .id('kapacitor/{{ .Name }}/{{ index .Tags "host" }}')
        .details('details')
        .durationField('duration')
        .warn(lambda: "value" > warnThreshold)
        .crit(lambda: "value" > critThreshold)
        .stateChangesOnly()
        .post('${url}')
    |httpOut('TestStream_AlertDuration')
`;
}

const CASE8_VALUES = [9, 9, 8, 8, 6, 8, 8, 8, 3, 5, 7, 7];

function expectedBody(level: string, t: number, duration: number, prev: string, value: number): string {
  return `${JSON.stringify({
    id: 'kapacitor/cpu/serverA',
    message: `kapacitor/cpu/serverA is ${level}`,
    details: 'details',
    time: iso(t),
    duration,
    level,
    data: {
      series: [{ name: 'cpu', tags: { host: 'serverA', type: 'idle' }, columns: ['time', 'value'], values: [[iso(t), value]] }],
    },
    previousLevel: prev,
    recoverable: true,
  })}\n`;
}

describe('reference case 8: alert duration, stateChangesOnly, post handler', () => {
  let stack: Stack;
  before(async () => {
    stack = await new Stack(tempDir()).start();
  });
  after(() => stack.stop());

  it('posts exactly the five reference bodies and httpOut keeps the last event with its duration', async () => {
    receiver.bodies.length = 0;
    stack.define('TestStream_AlertDuration', case8Script(receiver.url));
    await stack.write(CASE8_VALUES.map((v, i) => `cpu,type=idle,host=serverA value=${v} ${T0 + i}`));
    assert.deepEqual(receiver.bodies, [
      expectedBody('CRITICAL', 0, 0, 'OK', 9),
      expectedBody('WARNING', 2, 2e9, 'CRITICAL', 8),
      expectedBody('OK', 4, 4e9, 'WARNING', 6),
      expectedBody('WARNING', 5, 0, 'OK', 8),
      expectedBody('OK', 8, 3e9, 'WARNING', 3),
    ]);
    assert.equal(receiver.headers[0]['content-type'], 'application/json');
    const out = await stack.get('/tasks/TestStream_AlertDuration/TestStream_AlertDuration');
    assert.deepEqual(out.body, {
      series: [
        {
          name: 'cpu',
          tags: { host: 'serverA', type: 'idle' },
          columns: ['time', 'duration', 'value'],
          values: [[iso(8), 3000000000, 3]],
        },
      ],
    });
    const stats = stack.engine.stats('TestStream_AlertDuration')!['node-stats'].alert2;
    assert.equal(stats.alerts_triggered, 5);
    assert.equal(stats.crits_triggered, 1);
    assert.equal(stats.warns_triggered, 2);
    assert.equal(stats.oks_triggered, 2);
  });

  it('lists the anonymous topic with its event (OK after the recovery)', async () => {
    const topic = 'main:TestStream_AlertDuration:alert2';
    const list = await stack.get('/alerts/topics');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.link, { rel: 'self', href: '/kapacitor/v1/alerts/topics' });
    const t = list.body.topics.find((x: { id: string }) => x.id === topic);
    assert.deepEqual(t, {
      link: { rel: 'self', href: `/kapacitor/v1/alerts/topics/${topic}` },
      id: topic,
      level: 'OK',
      collected: 5,
      'events-link': { rel: 'events', href: `/kapacitor/v1/alerts/topics/${topic}/events` },
      'handlers-link': { rel: 'handlers', href: `/kapacitor/v1/alerts/topics/${topic}/handlers` },
    });
    const events = await stack.get(`/alerts/topics/${topic}/events`);
    assert.deepEqual(events.body.events, [
      {
        link: { rel: 'self', href: `/kapacitor/v1/alerts/topics/${topic}/events/kapacitor/cpu/serverA` },
        id: 'kapacitor/cpu/serverA',
        state: { message: 'kapacitor/cpu/serverA is OK', details: 'details', time: iso(8), duration: '3s', level: 'OK' },
      },
    ]);
    const one = await stack.get(`/alerts/topics/${topic}/events/kapacitor/cpu/serverA`);
    assert.equal(one.status, 200);
    assert.equal(one.body.state.level, 'OK');
    // Anonymous topics' handlers are not listed.
    assert.deepEqual((await stack.get(`/alerts/topics/${topic}/handlers`)).body.handlers, []);
  });
});

describe('topics API shapes and errors', () => {
  let stack: Stack;
  before(async () => {
    stack = await new Stack(tempDir()).start();
    stack.define(
      'levels',
      `stream|from().measurement('m').groupBy('host')
        |alert().topic('ops').id('{{ index .Tags "host" }}').message('{{ .ID }} {{ .Level }} {{ index .Fields "v" }}')
          .info(lambda: "v" > 1).warn(lambda: "v" > 2).crit(lambda: "v" > 3)`,
    );
    await stack.write([`m,host=a v=4 ${T0}`, `m,host=b v=2.5 ${T0}`, `m,host=c v=1.5 ${T0}`]);
  });
  after(() => stack.stop());

  it('topic level is the highest event level; min-level and pattern filter', async () => {
    assert.equal((await stack.get('/alerts/topics/ops')).body.level, 'CRITICAL');
    const crit = await stack.get('/alerts/topics?min-level=CRITICAL');
    assert.deepEqual(
      crit.body.topics.map((t: { id: string }) => t.id),
      ['ops'],
    );
    assert.equal(crit.body.link.href, '/kapacitor/v1/alerts/topics?min-level=CRITICAL');
    assert.deepEqual((await stack.get('/alerts/topics?pattern=x*')).body.topics, []);
    const events = await stack.get('/alerts/topics/ops/events?min-level=warning');
    assert.deepEqual(
      events.body.events.map((e: { id: string; state: { message: string } }) => [e.id, e.state.message]),
      [
        ['a', 'a CRITICAL 4'],
        ['b', 'b WARNING 2.5'],
      ],
    );
  });

  it('errors use Kapacitor texts', async () => {
    assert.deepEqual(await stack.get('/alerts/topics?min-level=BAD'), {
      status: 400,
      body: { error: "unknown alert level 'BAD'", message: "unknown alert level 'BAD'" },
    });
    assert.equal((await stack.get('/alerts/topics?pattern=[')).body.error, 'invalid pattern: syntax error in pattern');
    assert.deepEqual((await stack.get('/alerts/topics/nope')).body.error, 'unknown topic: "nope"');
    assert.equal((await stack.get('/alerts/topics/nope')).status, 404);
    assert.equal((await stack.get('/alerts/topics/ops/events/zz')).body.error, 'unknown event "zz" in topic "ops"');
    assert.deepEqual(await stack.get('/alerts/topics/nope/events'), {
      status: 500,
      body: { error: 'failed to get topic events: unknown topic "nope"', message: 'failed to get topic events: unknown topic "nope"' },
    });
    assert.equal((await stack.get('/alerts/topics/ops/events?min-level=nope')).body.error, "unknown alert level 'NOPE'");
    assert.equal((await stack.get('/alerts/topics/ops/handlers/zz')).body.error, 'unknown handler: "zz"');
    assert.equal((await stack.get('/alerts/topics/ops/handlers/zz')).status, 404);
  });

  it('handler CRUD: create, list, get, put, JSON-Patch, delete', async () => {
    const created = await stack.send('POST', '/alerts/topics/ops/handlers', {
      id: 'h1',
      kind: 'post',
      options: { url: receiver.url },
      match: 'level() >= WARNING',
    });
    assert.equal(created.status, 200);
    assert.deepEqual(created.body, {
      link: { rel: 'self', href: '/kapacitor/v1/alerts/topics/ops/handlers/h1' },
      id: 'h1',
      kind: 'post',
      options: { url: receiver.url },
      match: 'level() >= WARNING',
    });
    const dup = await stack.send('POST', '/alerts/topics/ops/handlers', { id: 'h1', kind: 'post', options: { url: receiver.url } });
    assert.equal(dup.status, 500);
    assert.equal(dup.body.error, 'failed to create handler: handler "h1" for topic "ops" already exists');
    assert.equal(
      (await stack.send('POST', '/alerts/topics/ops/handlers', { id: 'bad id', kind: 'log' })).body.error,
      `invalid handler spec: handler ID must contain only letters, numbers, '-', '.' and '_'. "bad id"`,
    );
    assert.equal(
      (await stack.send('POST', '/alerts/topics/ops/handlers', { id: 'x', kind: '' })).body.error,
      'invalid handler spec: handler Kind must not be empty',
    );
    assert.equal(
      (await stack.send('POST', '/alerts/topics/ops/handlers', { id: 'x', kind: 'nosuch' })).body.error,
      'failed to create handler: unsupported action kind "nosuch"',
    );
    assert.match((await stack.send('POST', '/alerts/topics/ops/handlers', '{')).body.error, /^invalid handler json: /);
    const list = await stack.get('/alerts/topics/ops/handlers');
    assert.deepEqual(list.body.link, { rel: 'self', href: '/kapacitor/v1/alerts/topics/ops/handlers' });
    assert.equal(list.body.topic, 'ops');
    assert.deepEqual(
      list.body.handlers.map((h: { id: string }) => h.id),
      ['h1'],
    );
    const put = await stack.send('PUT', '/alerts/topics/ops/handlers/h1', { id: 'h1', kind: 'tcp', options: { address: '127.0.0.1:9' } });
    assert.equal(put.body.kind, 'tcp');
    assert.equal(put.body.match, '');
    const patched = await stack.send('PATCH', '/alerts/topics/ops/handlers/h1', [
      { op: 'replace', path: '/kind', value: 'post' },
      { op: 'replace', path: '/options', value: { url: receiver.url } },
      { op: 'add', path: '/match', value: 'changed()' },
    ]);
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.kind, patched.body.options, patched.body.match], ['post', { url: receiver.url }, 'changed()']);
    const topicChange = await stack.send('PATCH', '/alerts/topics/ops/handlers/h1', [{ op: 'replace', path: '/topic', value: 'other' }]);
    assert.equal(topicChange.body.error, 'failed to update handler: cannot change topic in update');
    const badPatch = await stack.send('PATCH', '/alerts/topics/ops/handlers/h1', [{ op: 'remove', path: '/nope' }]);
    assert.equal(badPatch.status, 400);
    assert.match(badPatch.body.error, /^failed to apply patch: /);
    assert.equal((await stack.send('DELETE', '/alerts/topics/ops/handlers/h1', '')).status, 204);
    assert.equal((await stack.get('/alerts/topics/ops/handlers/h1')).status, 404);
  });

  it('a topic handler with a match expression only sees matching events', async () => {
    await stack.send('POST', '/alerts/topics/ops/handlers', {
      id: 'changes',
      kind: 'post',
      options: { url: receiver.url },
      match: `changed() AND "host" == 'a'`,
    });
    receiver.bodies.length = 0;
    await stack.write([`m,host=a v=4 ${T0 + 1}`, `m,host=a v=0 ${T0 + 2}`, `m,host=b v=0 ${T0 + 2}`]);
    // a: CRITICAL again (unchanged) → no; a: OK (changed) → yes; b: OK (changed) but host b → no.
    assert.equal(receiver.bodies.length, 1);
    const body = JSON.parse(receiver.bodies[0]);
    assert.deepEqual([body.id, body.level, body.previousLevel], ['a', 'OK', 'CRITICAL']);
    await stack.send('DELETE', '/alerts/topics/ops/handlers/changes', '');
  });

  it('publish copies events into other topics; deleting a topic clears its events', async () => {
    await stack.send('POST', '/alerts/topics/ops/handlers', { id: 'pub', kind: 'publish', options: { topics: ['copy'] } });
    await stack.write([`m,host=z v=9 ${T0 + 3}`]);
    const copy = await stack.get('/alerts/topics/copy/events');
    assert.deepEqual(
      copy.body.events.map((e: { id: string }) => e.id),
      ['z'],
    );
    assert.equal((await stack.send('DELETE', '/alerts/topics/copy', '')).status, 204);
    assert.equal((await stack.get('/alerts/topics/copy')).status, 404);
    await stack.send('DELETE', '/alerts/topics/ops/handlers/pub', '');
  });
});

describe('state that lasts', () => {
  it('survives a restart and a redefinition with the same ids: the recovery still fires with the whole duration', async () => {
    const dir = tempDir();
    const script = `stream|from().measurement('cpu').groupBy('host')
      |alert().id('{{ index .Tags "host" }}').crit(lambda: "value" > 8.0).stateChangesOnly().post('${receiver.url}')`;
    let stack = await new Stack(dir).start();
    stack.define('t', script);
    receiver.bodies.length = 0;
    await stack.write([`cpu,host=a value=9 ${T0}`, `cpu,host=a value=9 ${T0 + 1}`]);
    assert.equal(receiver.bodies.length, 1);
    await stack.stop();

    stack = await new Stack(dir).start();
    // A redefined script (another threshold) that renders the same ids.
    stack.define('t', script.replace('8.0', '8.5'));
    await stack.write([`cpu,host=a value=9 ${T0 + 5}`, `cpu,host=a value=1 ${T0 + 10}`]);
    assert.equal(receiver.bodies.length, 2, 'no duplicate CRITICAL after the restart, then the recovery');
    const recovery = JSON.parse(receiver.bodies[1]);
    assert.deepEqual([recovery.level, recovery.previousLevel, recovery.duration], ['OK', 'CRITICAL', 10e9]);
    const events = await stack.get('/alerts/topics/main:t:alert2/events');
    assert.equal(events.body.events[0].state.level, 'OK');
    await stack.stop();
  });

  it('a non-OK group that stops sending data is cleared with an OK event after the TTL', async () => {
    const stack = await new Stack(tempDir(), { alert: { 'group-ttl': '1m' } }).start();
    stack.define(
      'ttl',
      `stream|from().measurement('cpu').groupBy('host')|alert().id('{{ index .Tags "host" }}').warn(lambda: "value" > 5.0).post('${receiver.url}')`,
    );
    receiver.bodies.length = 0;
    await stack.write([`cpu,host=gone value=9 ${T0}`, `cpu,host=stays value=1 ${T0}`]);
    assert.equal(receiver.bodies.length, 1);
    stack.clock.advance(30e9);
    stack.engine.tick();
    await stack.alerts.idle();
    assert.equal(receiver.bodies.length, 1, 'not yet');
    stack.clock.advance(31e9);
    stack.engine.tick();
    await stack.alerts.idle();
    assert.equal(receiver.bodies.length, 2);
    const ok = JSON.parse(receiver.bodies[1]);
    assert.deepEqual([ok.id, ok.level, ok.previousLevel], ['gone', 'OK', 'WARNING']);
    assert.equal(ok.data.series[0].values[0][1], 9);
    await stack.stop();
  });
});

describe('inline handlers and node options', () => {
  let stack: Stack;
  before(async () => {
    stack = await new Stack(tempDir(), { alert: { 'exec-allowed': ['/bin/sh'] } }).start();
  });
  after(() => stack.stop());

  it('log handler writes JSON lines; levelTag/idField/messageField augment the output; noRecoveries', async () => {
    const log = join(stack.dataDir, 'alerts.log');
    stack.define(
      'aug',
      `stream|from().measurement('aug')|alert().id('x').crit(lambda: "v" > 1.0).noRecoveries()
         .levelTag('lvl').idField('aid').messageField('msg').levelField('lf').log('${log}')|httpOut('o')`,
    );
    await stack.write([`aug v=2 ${T0}`, `aug v=0 ${T0 + 1}`, `aug v=3 ${T0 + 2}`]);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.level),
      ['CRITICAL', 'CRITICAL'],
      'the recovery is suppressed',
    );
    assert.equal(lines[0].recoverable, false);
    const out = (await stack.get('/tasks/aug/o')).body.series[0];
    assert.deepEqual(out.tags, { lvl: 'CRITICAL' });
    assert.deepEqual(out.columns, ['time', 'aid', 'lf', 'msg', 'v']);
    assert.deepEqual(out.values[0], [iso(2), 'x', 'CRITICAL', 'x is CRITICAL', 3]);
  });

  it('inhibit: a non-OK alert that inhibits a category silences that category\'s events for the same host', async () => {
    receiver.bodies.length = 0;
    stack.define(
      'inh',
      `var data = stream|from().measurement('inh').groupBy('host')
       data|alert().inhibit('app', 'host').id('down:{{ index .Tags "host" }}').crit(lambda: "down" == TRUE)
       data|alert().category('app').id('app:{{ index .Tags "host" }}').warn(lambda: "errors" > 0).post('${receiver.url}')`,
    );
    // Sibling nodes see a point one after the other, so the host's state is written first.
    await stack.write([`inh,host=a down=true,errors=0 ${T0}`, `inh,host=b down=false,errors=0 ${T0}`]);
    await stack.write([`inh,host=a down=true,errors=5 ${T0 + 1}`, `inh,host=b down=false,errors=5 ${T0 + 1}`]);
    // Only host b's app alert passes: host a's is inhibited while host a is down.
    assert.deepEqual(
      receiver.bodies.map((b) => JSON.parse(b).id),
      ['app:b'],
    );
    assert.equal(stack.engine.stats('inh')!['node-stats'].alert3.alerts_inhibited, 1);
    // Host a comes back: once its down alert has recovered, the inhibition lifts.
    await stack.write([`inh,host=a down=false,errors=6 ${T0 + 2}`]);
    await stack.write([`inh,host=a down=false,errors=7 ${T0 + 3}`]);
    assert.deepEqual(receiver.bodies.map((b) => JSON.parse(b).id).slice(-1), ['app:a']);
  });

  it('exec handler runs an allowed program without a shell, with the event on stdin', async () => {
    const out = join(stack.dataDir, 'exec.out');
    stack.define('ex', `stream|from().measurement('ex')|alert().id('e').crit(lambda: "v" > 1.0).exec('/bin/sh', '-c', 'cat > ${out}')`);
    await stack.write([`ex v=2 ${T0}`]);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).id, 'e');
    assert.throws(
      () => stack.define('ex2', `stream|from().measurement('ex')|alert().crit(lambda: TRUE).exec('/usr/bin/env', 'true')`),
      /not allowed by \[alert\] exec-allowed/,
    );
  });

  it('details default to Kapacitor\'s HTML-escaped JSON of the template data', async () => {
    stack.define('det', `stream|from().measurement('det').groupBy('host')|alert().topic('det').crit(lambda: "v" > 1.0)`);
    await stack.write([`det,host=h v=2 ${T0}`]);
    const e = (await stack.get('/alerts/topics/det/events')).body.events[0];
    assert.equal(e.id, 'det:host=h');
    const details: string = e.state.details;
    assert.ok(details.startsWith('{&#34;Name&#34;:&#34;det&#34;,&#34;TaskName&#34;:&#34;det&#34;,&#34;Group&#34;:&#34;host=h&#34;'), details);
    assert.ok(details.includes('&#34;Level&#34;:&#34;CRITICAL&#34;'));
    assert.ok(details.endsWith('\n'));
  });
});

describe('annotations', () => {
  it('with [alert] annotations = true each event is also an OpenTSDB annotation', async () => {
    const stack = await new Stack(tempDir(), { alert: { annotations: true } }).start();
    try {
      stack.define('ann', `stream|from().measurement('cpu').groupBy('host')|alert().id('{{ index .Tags "host" }}').crit(lambda: "value" > 8.0).topic('ann')`);
      await stack.write([`cpu,host=a value=9 ${T0}`, `cpu,host=a value=1 ${T0 + 5}`]);
      const read = async (s: number) => stack.annotations().get('', (T0 + s) * 1000);
      for (let i = 0; i < 100 && (await read(5)) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      const fired = await read(0);
      const cleared = await read(5);
      assert.equal(fired?.description, 'CRITICAL: a');
      assert.equal(fired?.notes, 'a is CRITICAL');
      assert.deepEqual([fired?.custom?.measurement, fired?.custom?.['tag.host'], fired?.custom?.database], ['cpu', 'a', 'mydb']);
      assert.equal(cleared?.description, 'OK: a');
    } finally {
      await stack.stop();
    }
  });
});

describe('batches', () => {
  it('a window batch alerts at its highest level with that point\'s time; .all() takes the lowest level at the batch time', async () => {
    const stack = await new Stack(tempDir()).start();
    try {
      receiver.bodies.length = 0;
      const script = (id: string, all: string) =>
        `stream|from().measurement('${id}')|window().period(3s).every(3s)
          |alert().id('${id}').warn(lambda: "v" > 5.0).crit(lambda: "v" > 8.0)${all}.post('${receiver.url}')`;
      stack.define('hi', script('hi', ''));
      stack.define('lo', script('lo', '.all()'));
      stack.define('tagged', `${script('tagged', '')}.levelTag('level').levelField('lf')|httpOut('o')`);
      const lines = (m: string) => [6, 9, 7, 1].map((v, i) => `${m} v=${v} ${T0 + i}`);
      await stack.write([...lines('hi'), ...lines('lo'), ...lines('tagged')]);
      const tagged = (await stack.get('/tasks/tagged/o')).body.series[0];
      assert.deepEqual(tagged.tags, { level: 'CRITICAL' });
      assert.deepEqual(tagged.columns, ['time', 'lf', 'v']);
      assert.deepEqual(tagged.values[1], [iso(1), 'CRITICAL', 9]);
      const bodies = receiver.bodies.map((b) => JSON.parse(b));
      const hi = bodies.find((b) => b.id === 'hi');
      const lo = bodies.find((b) => b.id === 'lo');
      // The first window [T0, T0+3s) holds 6, 9, 7 and is emitted when T0+3 arrives.
      assert.deepEqual([hi.level, hi.time, hi.data.series[0].values.length], ['CRITICAL', iso(1), 3]);
      assert.deepEqual([lo.level, lo.time], ['WARNING', iso(3)]);
      assert.deepEqual(hi.data.series[0].columns, ['time', 'v']);
    } finally {
      await stack.stop();
    }
  });
});

describe('node properties read from the script', () => {
  it('resets, stateChangesOnly(duration), flapping with history, and the id/message variables', async () => {
    const stack = await new Stack(tempDir()).start();
    try {
      receiver.bodies.length = 0;
      stack.define(
        'props',
        `stream|from().measurement('p').groupBy('host')
          |alert().id('{{ .TaskName }}/{{ .Name }}/{{ .Group }}').message('{{ .ID }} {{ .Level }} {{ .Duration }}')
            .info(lambda: "v" > 60.0).infoReset(lambda: "v" < 50.0)
            .warn(lambda: "v" > 70.0).warnReset(lambda: "v" < 60.0)
            .crit(lambda: "v" > 80.0).critReset(lambda: "v" < 70.0)
            .stateChangesOnly(3s)
            .post('${receiver.url}')`,
      );
      // The documented reset example, one point a second: INFO WARNING WARNING CRITICAL INFO INFO OK,
      // then WARNING held for 4s re-fires once 3s have passed since its event.
      const values = [61, 73, 64, 85, 62, 56, 47, 75, 75, 75, 75];
      await stack.write(values.map((v, i) => `p,host=h v=${v} ${T0 + i}`));
      const got = receiver.bodies.map((b) => JSON.parse(b).message);
      assert.deepEqual(got, [
        'props/p/host=h INFO 0s',
        'props/p/host=h WARNING 1s',
        'props/p/host=h CRITICAL 3s',
        'props/p/host=h INFO 4s',
        'props/p/host=h OK 6s',
        'props/p/host=h WARNING 0s',
        'props/p/host=h WARNING 3s',
      ]);

      receiver.bodies.length = 0;
      stack.define('flap', `stream|from().measurement('f')|alert().id('f').crit(lambda: "v" > 1.0).history(10).flapping(0.25, 0.5).post('${receiver.url}')`);
      const seq = [2, 0, 2, 0, 2, 0, 2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
      await stack.write(seq.map((v, i) => `f v=${v} ${T0 + i}`));
      // Four events, then the alternation pushes the weighted change rate over 0.5: nothing while it
      // flaps (11 points), and every CRITICAL point fires again once the rate is back under 0.25.
      assert.deepEqual(
        receiver.bodies.map((b) => `${JSON.parse(b).level}@${JSON.parse(b).time.slice(17, 19)}`),
        ['CRITICAL@40', 'OK@41', 'CRITICAL@42', 'OK@43', 'CRITICAL@55', 'CRITICAL@56', 'CRITICAL@57', 'CRITICAL@58', 'CRITICAL@59'],
      );
    } finally {
      await stack.stop();
    }
  });
});
