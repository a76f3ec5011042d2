// Alert handler conformance: every kind passes the same contract cases against a real receiver
// (file, HTTP, TCP, child process, the machine's Mosquitto, a local SMTP listener).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { alertConfig } from '../src/alert/alert-config.ts';
import { type AlertEvent, alertBody } from '../src/alert/event.ts';
import type { AlertHandler, HandlerEnv, HandlerOptions } from '../src/alert/handlers/handler.ts';
import { buildHandler } from '../src/alert/handlers/kinds.ts';
import { pagerDutyBody } from '../src/alert/handlers/pagerduty.ts';
import { pagerDuty2Body } from '../src/alert/handlers/pagerduty2.ts';
import { compileTemplate } from '../src/tick/template.ts';
import { slackBody } from '../src/alert/handlers/slack.ts';
import { CRITICAL, type Level, OK, WARNING } from '../src/alert/level.ts';

const dir = mkdtempSync(join(tmpdir(), 'inductor-handlers-'));

function event(id: string, level: Level, previousLevel: Level = OK): AlertEvent {
  return {
    topic: 't',
    state: {
      id,
      message: `${id} is ${['OK', 'INFO', 'WARNING', 'CRITICAL'][level]} <&>`,
      details: 'details',
      time: { ms: Date.UTC(2020, 0, 1), ns: 5 },
      duration: 2e9,
      level,
    },
    data: {
      name: 'cpu',
      taskName: 'task',
      category: '',
      group: 'host=a',
      tags: { host: 'a' },
      fields: { value: 9 },
      recoverable: true,
      series: [{ name: 'cpu', tags: { host: 'a' }, columns: ['time', 'value'], values: [['2020-01-01T00:00:00.000000005Z', 9]] }],
    },
    previousLevel,
  };
}

// ── Receivers ─────────────────────────────────────────────────────────────────────────────

class HttpReceiver {
  readonly requests: { url: string; body: string; headers: IncomingHttpHeaders }[] = [];
  status = 200;
  url = '';
  readonly #server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      this.requests.push({ url: req.url ?? '', body, headers: req.headers });
      res.statusCode = this.status;
      res.end(this.status === 200 ? 'ok' : 'nope');
    });
  });
  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }
  stop(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }
}

class TcpReceiver {
  readonly messages: string[] = [];
  port = 0;
  readonly #server: TcpServer = createTcpServer((socket) => {
    let data = '';
    socket.on('data', (c) => (data += c));
    socket.on('end', () => this.messages.push(data));
  });
  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.#server.address() as { port: number }).port;
  }
  stop(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }
}

/** A minimal SMTP listener: enough of RFC 5321 for one client to deliver mails. */
class SmtpReceiver {
  readonly mails: { from: string; to: string[]; data: string }[] = [];
  port = 0;
  readonly #server: TcpServer = createTcpServer((socket) => {
    let buffer = '';
    let inData = false;
    let mail = { from: '', to: [] as string[], data: '' };
    socket.write('220 localhost test SMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          this.mails.push(mail);
          mail = { from: '', to: [], data: '' };
          socket.write('250 queued\r\n');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 localhost\r\n');
        else if (verb === 'MAIL') {
          mail.from = line.slice(10).replace(/[<>]/g, '').trim();
          socket.write('250 ok\r\n');
        } else if (verb === 'RCPT') {
          mail.to.push(line.slice(8).replace(/[<>]/g, '').trim());
          socket.write('250 ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('250 ok\r\n');
      }
    });
  });
  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.#server.address() as { port: number }).port;
  }
  stop(): Promise<void> {
    return new Promise((r) => this.#server.close(() => r()));
  }
}

const http = new HttpReceiver();
const tcp = new TcpReceiver();
const smtp = new SmtpReceiver();
let mqttClient: mqtt.MqttClient;
const mqttMessages: { topic: string; payload: string }[] = [];
const mqttTopic = `inductor/test/${randomUUID()}`;

before(async () => {
  await Promise.all([http.start(), tcp.start(), smtp.start()]);
  mqttClient = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  mqttClient.on('message', (topic, payload) => mqttMessages.push({ topic, payload: payload.toString() }));
  await mqttClient.subscribeAsync(`${mqttTopic}/#`, { qos: 1 });
});

after(async () => {
  await mqttClient.endAsync();
  await Promise.all([http.stop(), tcp.stop(), smtp.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function env(): HandlerEnv {
  return {
    config: alertConfig({
      alert: { 'exec-allowed': ['/bin/sh'] },
      slack: { url: `${http.url}/slack`, channel: '#alerts' },
      pagerduty: { url: `${http.url}/pagerduty`, 'service-key': 'svc' },
      pagerduty2: { url: `${http.url}/pagerduty2`, 'routing-key': 'rk' },
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'kapacitor@example.com', 'no-verify': true },
      mqtt: [{ name: 'local', url: 'tcp://127.0.0.1:1883', default: true }],
      httppost: [{ endpoint: 'tmpl', url: `${http.url}/tmpl`, headers: { 'X-From': 'endpoint' }, 'alert-template': '{{ .ID }}|{{ .Level }}|{{ .PreviousLevel }}' }],
    }),
    collect: () => {},
  };
}

/** One handler kind under the shared contract: what it delivers, read back from its receiver. */
interface Conformance {
  kind: string;
  options: () => HandlerOptions;
  /** Everything delivered so far, as comparable strings (one per event). */
  delivered: () => Promise<string[]>;
  /** What `delivered` holds for one event. */
  expected: (e: AlertEvent) => string;
  /** Options that make delivery fail (unreachable destination). */
  failing?: () => HandlerOptions;
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
}

const logPath = join(dir, 'alerts.log');
const execOut = join(dir, 'exec.out');
const pathOf = (p: string) => http.requests.filter((r) => r.url === p).map((r) => r.body);

const CASES: Conformance[] = [
  {
    kind: 'log',
    options: () => ({ path: logPath }),
    delivered: async () => {
      try {
        return readFileSync(logPath, 'utf8').split(/(?<=\n)/);
      } catch {
        return [];
      }
    },
    expected: alertBody,
    failing: () => ({ path: join(dir, 'missing-dir', 'x.log') }),
  },
  {
    kind: 'post',
    options: () => ({ url: `${http.url}/post`, headers: { 'X-Token': 'abc' } }),
    delivered: async () => pathOf('/post'),
    expected: alertBody,
    failing: () => ({ url: 'http://127.0.0.1:1/unreachable' }),
  },
  {
    kind: 'tcp',
    options: () => ({ address: `127.0.0.1:${tcp.port}` }),
    delivered: async () => tcp.messages,
    expected: alertBody,
    failing: () => ({ address: '127.0.0.1:1' }),
  },
  {
    kind: 'exec',
    options: () => ({ prog: '/bin/sh', args: ['-c', `cat >> ${execOut}`] }),
    delivered: async () => {
      try {
        return readFileSync(execOut, 'utf8').split(/(?<=\n)/);
      } catch {
        return [];
      }
    },
    expected: alertBody,
    failing: () => ({ prog: '/bin/sh', args: ['-c', 'exit 3'] }),
  },
  {
    kind: 'mqtt',
    options: () => ({ topic: `${mqttTopic}/{{ .Name }}`, qos: 1 }),
    delivered: async () => mqttMessages.map((m) => `${m.topic} ${m.payload}`),
    expected: (e) => `${mqttTopic}/cpu ${e.state.message}`,
  },
  {
    kind: 'smtp',
    options: () => ({ to: ['oncall@example.com'] }),
    delivered: async () =>
      smtp.mails.map((m) => {
        const subject = /^Subject: (.*)$/m.exec(m.data)?.[1] ?? '';
        return `${m.from} -> ${m.to.join(',')}: ${subject}`;
      }),
    expected: (e) => `kapacitor@example.com -> oncall@example.com: ${e.state.message}`,
  },
  {
    kind: 'slack',
    options: () => ({ username: 'bot' }),
    delivered: async () => pathOf('/slack'),
    expected: (e) => slackBody(e, '#alerts', 'bot', ''),
    failing: () => ({ url: 'http://127.0.0.1:1/unreachable' }),
  },
  {
    kind: 'pagerduty',
    options: () => ({}),
    delivered: async () => pathOf('/pagerduty'),
    expected: (e) => pagerDutyBody(e, 'svc', 'http://localhost:9092') ?? '',
    failing: () => ({ url: 'http://127.0.0.1:1/unreachable' }),
  },
  {
    kind: 'pagerduty2',
    options: () => ({ links: [{ href: 'http://dash/{{ .ID }}' }] }),
    delivered: async () => pathOf('/pagerduty2'),
    expected: (e) =>
      pagerDuty2Body(e, 'rk', 'http://localhost:9092', [
        { href: compileTemplate('h', 'http://dash/{{ .ID }}'), text: compileTemplate('t', 'http://dash/{{ .ID }}') },
      ]),
    failing: () => ({ url: 'http://127.0.0.1:1/unreachable' }),
  },
];

for (const c of CASES) {
  describe(`${c.kind} handler conformance`, () => {
    let handler: AlertHandler;
    before(() => {
      handler = buildHandler(c.kind, c.options(), env());
    });
    after(() => handler.close());

    it('delivers events in order, each exactly as the receiver expects', async () => {
      const before = (await c.delivered()).length;
      const events = [event('a', CRITICAL), event('a', WARNING, CRITICAL), event('a', OK, WARNING)];
      for (const e of events) await handler.handle(e);
      await until(async () => (await c.delivered()).length >= before + 3);
      assert.deepEqual((await c.delivered()).slice(before), events.map(c.expected));
      assert.equal(handler.kind, c.kind);
    });

    if (c.failing !== undefined) {
      it('reports a failed delivery by rejecting, without throwing synchronously', async () => {
        const bad = buildHandler(c.kind, c.failing!(), env());
        const pending = bad.handle(event('b', CRITICAL));
        assert.ok(pending instanceof Promise);
        await assert.rejects(pending);
        await bad.close();
      });
    }
  });
}

describe('handler specifics', () => {
  it('post: headers and an endpoint body template', async () => {
    const h = buildHandler('post', { endpoint: 'tmpl', headers: { 'X-Extra': '1' } }, env());
    await h.handle(event('tpl', CRITICAL, WARNING));
    const req = http.requests.filter((r) => r.url === '/tmpl').at(-1)!;
    assert.equal(req.body, 'tpl|CRITICAL|WARNING');
    assert.equal(req.headers['x-from'], 'endpoint');
    assert.equal(req.headers['x-extra'], '1');
    const plain = http.requests.find((r) => r.url === '/post');
    assert.equal(plain?.headers['x-token'], 'abc');
    assert.equal(plain?.headers['content-type'], 'application/json');
  });

  it('post: a non-2xx answer is a failure, with the body when capture-response is set', async () => {
    http.status = 500;
    try {
      const h = buildHandler('post', { url: `${http.url}/err`, 'capture-response': true }, env());
      await assert.rejects(h.handle(event('e', CRITICAL)), /failed to POST alert data: 500: nope/);
    } finally {
      http.status = 200;
    }
  });

  it('log: the mode must be user writable and the path absolute (Kapacitor texts)', () => {
    assert.throws(() => buildHandler('log', { path: '/tmp/x.log', mode: 0o444 }, env()), /invalid file mode -r--r--r--, must be user writable/);
    assert.throws(() => buildHandler('log', { path: 'rel.log' }, env()), /log path must be absolute: rel.log is not absolute/);
  });

  it('exec: off unless the program is allowed; arguments never go through a shell', async () => {
    assert.throws(() => buildHandler('exec', { prog: '/bin/echo' }, env()), /is not allowed/);
    const out = join(dir, 'args.out');
    const h = buildHandler('exec', { prog: '/bin/sh', args: ['-c', `printf '%s' "$1" > ${out}`, 'sh', '$(touch /tmp/never); `x` ; *'] }, env());
    await h.handle(event('x', CRITICAL));
    assert.equal(readFileSync(out, 'utf8'), '$(touch /tmp/never); `x` ; *');
  });

  it('slack and pagerduty bodies: colours, event types, INFO ignored by PagerDuty v1', () => {
    const crit = JSON.parse(slackBody(event('s', CRITICAL), '#c', 'u', ':x:'));
    assert.deepEqual(crit, {
      attachments: [{ fallback: 's is CRITICAL <&>', color: 'danger', text: 's is CRITICAL <&>', mrkdwn_in: ['text'] }],
      channel: '#c',
      icon_emoji: ':x:',
      text: '',
      username: 'u',
    });
    assert.ok(slackBody(event('s', CRITICAL), '#c', 'u', '').includes('\\u003c\\u0026\\u003e'), 'Go escapes <&> in JSON');
    assert.equal(JSON.parse(slackBody(event('s', WARNING), '', '', '')).attachments[0].color, 'warning');
    assert.equal(JSON.parse(slackBody(event('s', OK), '', '', '')).attachments[0].color, 'good');
    const trigger = JSON.parse(pagerDutyBody(event('p', CRITICAL), 'k', 'http://me') ?? '');
    assert.deepEqual(trigger, {
      client: 'kapacitor',
      client_url: 'http://me',
      description: 'p is CRITICAL <&>',
      details: 'details',
      event_type: 'trigger',
      incident_key: 'p',
      service_key: 'k',
    });
    assert.equal(JSON.parse(pagerDutyBody(event('p', OK), 'k', '') ?? '').event_type, 'resolve');
    assert.equal(pagerDutyBody(event('p', 1), 'k', ''), undefined);
  });

  it('pagerduty2: Events API v2 body in Kapacitor\'s field order, severity by level, templated links', () => {
    const link = { href: compileTemplate('h', 'http://dash/{{ .ID }}'), text: compileTemplate('t', 'Dashboard {{ .Level }}') };
    const text = pagerDuty2Body(event('p2', WARNING), 'rk', 'http://me', [link]);
    assert.equal(
      text,
      `${JSON.stringify({
        routing_key: 'rk',
        event_action: 'trigger',
        dedup_key: 'p2',
        payload: {
          summary: 'p2 is WARNING <&>',
          source: 'a',
          severity: 'warning',
          timestamp: '2020-01-01T00:00:00.000000005Z',
          class: 'task',
          component: '',
          group: '',
          custom_details: { result: { series: event('p2', WARNING).data.series } },
        },
        images: null,
        links: [{ href: 'http://dash/p2', text: 'Dashboard WARNING' }],
        client: 'kapacitor',
        client_url: 'http://me',
      }).replace('<&>', '\\u003c\\u0026\\u003e')}\n`,
    );
    const ok = JSON.parse(pagerDuty2Body(event('p2', OK), 'rk', ''));
    assert.deepEqual([ok.event_action, ok.payload.severity, ok.links], ['resolve', 'info', null]);
  });

  it('unknown kinds and missing configuration are refused when the handler is built', () => {
    assert.throws(() => buildHandler('nosuch', {}, env()), /unsupported action kind "nosuch"/);
    const bare: HandlerEnv = { config: alertConfig({}), collect: () => {} };
    assert.throws(() => buildHandler('slack', {}, bare), /no webhook URL configured/);
    assert.throws(() => buildHandler('mqtt', { topic: 'x' }, bare), /no broker configured/);
    assert.throws(() => buildHandler('smtp', {}, bare), /no recipients/);
  });

  it('aggregate collects a summary event per interval; publish re-collects into each topic', async () => {
    const collected: AlertEvent[] = [];
    const e: HandlerEnv = { ...env(), collect: (x) => collected.push(x) };
    const agg = buildHandler('aggregate', { id: 'agg', topic: 'summary', interval: '20ms' }, e);
    await agg.handle(event('a', WARNING));
    await agg.handle(event('b', CRITICAL));
    await until(() => collected.length > 0);
    await agg.close();
    const s = collected[0];
    assert.deepEqual([s.topic, s.state.id, s.state.level, s.state.message], ['summary', 'agg', CRITICAL, 'Received 2 events in the last 20ms.']);
    assert.equal(s.state.details, 'a is WARNING <&>\nb is CRITICAL <&>');
    assert.equal(s.data.series.length, 2);
    collected.length = 0;
    const pub = buildHandler('publish', { topics: ['x', 'y'] }, e);
    await pub.handle(event('p', OK));
    assert.deepEqual(
      collected.map((c) => c.topic),
      ['x', 'y'],
    );
  });
});
