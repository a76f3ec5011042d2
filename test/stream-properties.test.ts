// Node properties against the reference, black-box: tasks through the API, line protocol through
// /write, results from httpOut and from an HTTP receiver (httpPost, [[httppost]] endpoints), plus the
// per-task group-idle-timeout of the tasks API. The wall clock is a manual clock.

import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/core/time.ts';
import { readJson, startTestServer, type TestServer } from './support/test-server.ts';

const T0 = 1_600_000_000;
const iso = (s: number) => new Date((T0 + s) * 1000).toISOString().replace('.000Z', 'Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver: `/fail` answers 500 "boom", `/slow` answers after 1.5 s, anything else 200. */
class Receiver {
  readonly got: Received[] = [];
  url = '';
  #server: HttpServer | undefined;

  async start(): Promise<void> {
    this.#server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const path = req.url ?? '';
        this.got.push({ path, headers: req.headers, body });
        if (path === '/fail') {
          res.statusCode = 500;
          res.end('boom');
        } else if (path === '/slow') setTimeout(() => res.end(), 1500);
        else res.end();
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    this.#server!.closeAllConnections();
    await new Promise<void>((r) => this.#server!.close(() => r()));
  }

  /** The requests to `path`, once at least `n` have arrived (or after 2 s). */
  async at(path: string, n = 1): Promise<Received[]> {
    for (let i = 0; i < 200; i++) {
      const hits = this.got.filter((g) => g.path === path);
      if (hits.length >= n) return hits;
      await sleep(10);
    }
    return this.got.filter((g) => g.path === path);
  }
}

const clock = new ManualClock({ ms: 1_700_000_000_000, ns: 0 });
const hooks = new Receiver();
let srv: TestServer;
let url: string;

before(async () => {
  await hooks.start();
  srv = await startTestServer({
    clock,
    configure: (config) => {
      // A global idle timeout that the per-task setting overrides in both directions.
      config.sections.stream = { 'group-idle-timeout': '1s' };
      // influxDBOut's default target: the receiver's /write.
      config.sections.influxdb = [{ name: 'hooks', url: hooks.url, default: true }];
      config.sections.httppost = [
        {
          endpoint: 'hook',
          url: `${hooks.url}/ep/{{ .Name }}`,
          headers: { 'X-Endpoint': 'yes', 'X-Over': 'endpoint' },
          'basic-auth': { username: 'bob', password: 'secret' },
        },
        { endpoint: 'tmpl', url: `${hooks.url}/tmpl`, 'row-template': '{{ .Name }}:{{ range .Values }}{{ index . "value" }};{{ end }}' },
      ];
    },
  });
  url = srv.url;
});

after(async () => {
  await srv.stop();
  await hooks.stop();
});

async function post(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/kapacitor/v1/tasks`, { method: 'POST', body: JSON.stringify(body) });
}

async function define(id: string, script: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await post({ id, dbrps: [{ db: id, rp: 'rp' }], script, status: 'enabled', ...extra });
  assert.equal(res.status, 200, await res.text());
}

async function write(db: string, lines: string[], precision = 's'): Promise<void> {
  const res = await fetch(`${url}/write?db=${db}&rp=rp&precision=${precision}`, { method: 'POST', body: lines.join('\n') });
  assert.equal(res.status, 204, await res.text());
}

async function outText(id: string): Promise<string> {
  const res = await fetch(`${url}/kapacitor/v1/tasks/${id}/out`);
  assert.equal(res.status, 200);
  return res.text();
}

// biome-ignore lint/suspicious/noExplicitAny: rows are compared field by field
async function series(id: string): Promise<any[] | null> {
  return JSON.parse(await outText(id)).series;
}

// biome-ignore lint/suspicious/noExplicitAny: the task JSON is inspected field by field
async function task(id: string): Promise<any> {
  const res = await fetch(`${url}/kapacitor/v1/tasks/${id}`);
  assert.equal(res.status, 200);
  return res.json();
}

async function nodeStats(id: string): Promise<Record<string, Record<string, number>>> {
  return (await task(id)).stats['node-stats'];
}

/** Polls httpOut until `check` passes (httpPost with a code field emits after the response). */
async function eventually(id: string, check: (s: unknown) => void): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 150; i++) {
    try {
      check((last = await series(id)));
      return;
    } catch {
      await sleep(20);
    }
  }
  check(last);
}

/** Moves the manual wall clock and lets the engine's ticker see it. */
async function tick(ms: number): Promise<void> {
  clock.advance(ms * 1e6);
  await sleep(250);
}

const twoStreams = `var a = stream|from().measurement('a')
var b = stream|from().measurement('b')
`;

describe('join fill', () => {
  it("fill('null') writes the missing parent's fields as null", async () => {
    await define('jnull', `${twoStreams}a|join(b).as('a','b').fill('null')|httpOut('out')`);
    // T0+1 has no b; it is emitted once both heads have passed it.
    await write('jnull', [`a value=1 ${T0}`, `b value=2 ${T0}`, `a value=3 ${T0 + 1}`, `b value=4 ${T0 + 2}`, `a value=5 ${T0 + 3}`]);
    assert.equal(
      await outText('jnull'),
      `{"series":[{"name":"a","columns":["time","a.value","b.value"],"values":[["${iso(1)}",3,null]]}]}`,
    );
  });

  it('a null-filled field counts as missing for default()', async () => {
    await define('jnulldef', `${twoStreams}a|join(b).as('a','b').fill('null')|default().field('b.value', -1.0)|httpOut('out')`);
    await write('jnulldef', [`a value=1 ${T0}`, `b value=2 ${T0}`, `a value=3 ${T0 + 1}`, `b value=4 ${T0 + 2}`, `a value=5 ${T0 + 3}`]);
    assert.deepEqual(await series('jnulldef'), [{ name: 'a', columns: ['time', 'a.value', 'b.value'], values: [[iso(1), 3, -1]] }]);
    assert.equal((await nodeStats('jnulldef')).default5.fields_defaulted, 1);
  });

  it('joined batches fill missing rows and carry only the group tags', async () => {
    await define(
      'jbatch',
      `var a = stream|from().measurement('a')|window().period(10s).every(10s)
var b = stream|from().measurement('b')|window().period(10s).every(10s)
a|join(b).as('a','b').fill(0.0)|httpOut('out')`,
    );
    await write('jbatch', [
      `a,host=x value=1 ${T0}`,
      `b,host=x value=2 ${T0}`,
      `a,host=x value=3 ${T0 + 1}`,
      `a,host=x value=9 ${T0 + 10}`,
      `b,host=x value=9 ${T0 + 10}`,
    ]);
    assert.deepEqual(await series('jbatch'), [
      {
        name: 'a',
        columns: ['time', 'a.value', 'b.value'],
        values: [
          [iso(0), 1, 2],
          [iso(1), 3, 0],
        ],
      },
    ]);
  });
});

describe('join delete', () => {
  it('a deleted group leaves the .on() buffers: a later specific point finds no match', async () => {
    const script = (del: boolean) => `var building = stream|from().measurement('b').groupBy('building')|barrier().idle(1s)${del ? '.delete(TRUE)' : ''}
var floor = stream|from().measurement('f').groupBy('building','floor')
building|join(floor).as('b','f').on('building')|eval(lambda: "f.value" / "b.value").as('share')|httpOut('out')`;
    await define('jdel', script(true), { 'group-idle-timeout': '0s' });
    await define('jkeep', script(false), { 'group-idle-timeout': '0s' });
    for (const id of ['jdel', 'jkeep']) await write(id, [`b,building=shack value=30.0 ${T0}`]);
    await tick(1500);
    for (const id of ['jdel', 'jkeep']) await write(id, [`f,building=shack,floor=1 value=6.0 ${T0}`]);
    assert.equal(await series('jdel'), null);
    assert.deepEqual(await series('jkeep'), [
      { name: 'b', tags: { building: 'shack', floor: '1' }, columns: ['time', 'share'], values: [[iso(0), 0.2]] },
    ]);
  });
});

describe('httpPost', () => {
  it('.endpoint() uses the [[httppost]] URL template, headers and basic auth; .header() wins whatever its case', async () => {
    await define('ep', `stream|from().measurement('m')|httpPost().endpoint('hook').header('x-over', 'node')|httpOut('out')`);
    await write('ep', [`m,host=a value=1 ${T0}`]);
    const [got] = await hooks.at('/ep/m');
    assert.ok(got, 'the endpoint received the row');
    assert.equal(got.headers['x-endpoint'], 'yes');
    assert.equal(got.headers['x-over'], 'node');
    assert.equal(got.headers.authorization, `Basic ${Buffer.from('bob:secret').toString('base64')}`);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.body, `{"series":[{"name":"m","tags":{"host":"a"},"columns":["time","value"],"values":[["${iso(0)}",1]]}]}\n`);
  });

  it("an endpoint's row-template is the body (no JSON content type)", async () => {
    await define('eptmpl', `stream|from().measurement('m')|window().period(2s).every(2s)|httpPost().endpoint('tmpl')`);
    await write('eptmpl', [`m value=1 ${T0}`, `m value=2 ${T0 + 1}`, `m value=3 ${T0 + 2}`]);
    const [got] = await hooks.at('/tmpl');
    assert.ok(got, 'the endpoint received the batch');
    assert.equal(got.body, 'm:1;2;');
    assert.notEqual(got.headers['content-type'], 'application/json');
  });

  it('posts go out one after the other in arrival order', async () => {
    await define('order', `stream|from().measurement('m')|httpPost('${hooks.url}/order')`);
    await write('order', [1, 2, 3, 4, 5].map((v, i) => `m value=${v} ${T0 + i}`));
    const got = await hooks.at('/order', 5);
    assert.deepEqual(
      got.map((g) => JSON.parse(g.body).series[0].values[0][1]),
      [1, 2, 3, 4, 5],
    );
  });

  it('.codeField() adds the status; a non-2xx answer counts an error', async () => {
    await define('code', `stream|from().measurement('m')|httpPost('${hooks.url}/fail').codeField('code').captureResponse()|httpOut('out')`);
    await write('code', [`m value=1 ${T0}`]);
    await eventually('code', (s) => assert.deepEqual(s, [{ name: 'm', columns: ['time', 'code', 'value'], values: [[iso(0), 500, 1]] }]));
    assert.equal((await nodeStats('code')).http_post2.errors, 1);
  });

  it('.timeout() gives up on a slow receiver: the code is 0', async () => {
    await define('slow', `stream|from().measurement('m')|httpPost('${hooks.url}/slow').timeout(100ms).codeField('code')|httpOut('out')`);
    await write('slow', [`m value=1 ${T0}`]);
    await eventually('slow', (s) => assert.deepEqual(s, [{ name: 'm', columns: ['time', 'code', 'value'], values: [[iso(0), 0, 1]] }]));
  });

  it('refuses an authenticate header and an unknown endpoint', async () => {
    const bad = await post({
      id: 'authhdr',
      dbrps: [{ db: 'x', rp: 'rp' }],
      script: `stream|from().measurement('m')|httpPost('${hooks.url}/x').header('Authenticate', 'x')`,
    });
    assert.equal(bad.status, 400);
    assert.match((await readJson(bad)).error, /cannot set 'authenticate' header/);
    const unknown = await post({
      id: 'noep',
      dbrps: [{ db: 'x', rp: 'rp' }],
      script: `stream|from().measurement('m')|httpPost().endpoint('nope')`,
      status: 'enabled',
    });
    assert.equal(unknown.status, 500);
    assert.match((await readJson(unknown)).error, /endpoint 'nope' does not exist/);
  });
});

describe('per-task group-idle-timeout', () => {
  const script = `stream|from().measurement('m').groupBy('h')|last('value')|httpOut('out')`;
  const twoGroups = [`m,h=a value=1 ${T0}`, `m,h=b value=1 ${T0}`, `m,h=a value=2 ${T0 + 1}`, `m,h=b value=2 ${T0 + 1}`];

  it('is stored, returned, listed and changed by PATCH', async () => {
    const res = await post({ id: 'gi', dbrps: [{ db: 'gi', rp: 'rp' }], script, 'group-idle-timeout': '90s' });
    assert.equal(res.status, 200);
    assert.equal((await readJson(res))['group-idle-timeout'], '90s');
    assert.equal((await task('gi'))['group-idle-timeout'], '90s');
    const patched = await fetch(`${url}/kapacitor/v1/tasks/gi`, { method: 'PATCH', body: JSON.stringify({ 'group-idle-timeout': '2m' }) });
    assert.equal((await readJson(patched))['group-idle-timeout'], '2m');
    const list = await readJson(await fetch(`${url}/kapacitor/v1/tasks?pattern=gi&fields=group-idle-timeout`));
    assert.deepEqual(list.tasks, [
      { 'group-idle-timeout': '2m', id: 'gi', link: { rel: 'self', href: '/kapacitor/v1/tasks/gi' } },
    ]);
    // Tasks that do not set it keep Kapacitor's exact task JSON.
    await define('giplain', script);
    assert.equal('group-idle-timeout' in (await task('giplain')), false);
  });

  it('survives a restart', async () => {
    let other = await startTestServer();
    try {
      const res = await fetch(`${other.url}/kapacitor/v1/tasks`, {
        method: 'POST',
        body: JSON.stringify({ id: 'kept', dbrps: [{ db: 'd', rp: 'r' }], script, status: 'enabled', 'group-idle-timeout': '15m' }),
      });
      assert.equal(res.status, 200);
      other = await other.restart();
      const again = await readJson(await fetch(`${other.url}/kapacitor/v1/tasks/kept`));
      assert.equal(again['group-idle-timeout'], '15m');
      assert.equal(again.executing, true);
    } finally {
      await other.stop();
    }
  });

  it('rejects what is not a non-negative duration', async () => {
    for (const value of ['ten', '-1s']) {
      const res = await post({ id: 'gibad', dbrps: [{ db: 'x', rp: 'rp' }], script, 'group-idle-timeout': value });
      assert.equal(res.status, 400);
      assert.equal((await readJson(res)).error, `invalid group-idle-timeout ${JSON.stringify(value)}: must be a non-negative duration`);
    }
    const wrongType = await post({ id: 'gibad', dbrps: [{ db: 'x', rp: 'rp' }], script, 'group-idle-timeout': 10 });
    assert.equal(wrongType.status, 400);
    assert.equal((await readJson(wrongType)).error, 'invalid JSON');
  });

  it('overrides [stream] group-idle-timeout both ways', async () => {
    await define('gikeep', script, { 'group-idle-timeout': '0s' });
    await define('gilong', script, { 'group-idle-timeout': '1m' });
    await define('giglobal', script);
    for (const id of ['gikeep', 'gilong', 'giglobal']) await write(id, twoGroups);
    await tick(3000);
    assert.equal((await series('giglobal')) ?? null, null, 'the global 1s expires the groups');
    assert.equal((await series('gikeep'))?.length, 2);
    assert.equal((await series('gilong'))?.length, 2);
    await tick(61_000);
    assert.equal((await series('gilong')) ?? null, null);
    assert.equal((await nodeStats('gilong')).last2.working_cardinality, 0);
    assert.equal((await series('gikeep'))?.length, 2, '0s keeps groups forever');
  });
});

describe('combine, flatten, changeDetect and state nodes per the reference', () => {
  it('combine yields each pair once and refuses more combinations than .max()', async () => {
    const lines = ['a', 'b', 'c'].map((h, i) => `m,host=${h} v=${i + 1} ${T0}`);
    await define('comb', `stream|from().measurement('m')|combine(lambda: TRUE, lambda: TRUE).as('x','y')|httpOut('out')`);
    await write('comb', [...lines, `m,host=a v=9 ${T0 + 1}`]);
    // 3 choose 2 = 3 pairs; httpOut keeps the last one: (b, c).
    assert.deepEqual(await series('comb'), [
      { name: 'm', tags: { 'x.host': 'b', 'y.host': 'c' }, columns: ['time', 'x.v', 'y.v'], values: [[iso(0), 2, 3]] },
    ]);
    assert.equal((await nodeStats('comb')).combine2.emitted, 3);
    await define('combmax', `stream|from().measurement('m')|combine(lambda: TRUE, lambda: TRUE).as('x','y').max(2)|httpOut('out')`);
    await write('combmax', [...lines, `m,host=a v=9 ${T0 + 1}`]);
    assert.equal(await series('combmax'), null);
    assert.equal((await nodeStats('combmax')).combine2.errors, 1);
  });

  it('combine also takes batches and emits points', async () => {
    await define(
      'combbatch',
      `stream|from().measurement('m')|window().period(10s).every(10s)|combine(lambda: "host" == 'a', lambda: "host" == 'b').as('a','b')|httpOut('out')`,
    );
    await write('combbatch', [`m,host=a v=1 ${T0}`, `m,host=b v=2 ${T0}`, `m,host=a v=3 ${T0 + 10}`]);
    assert.deepEqual(await series('combbatch'), [
      { name: 'm', tags: { 'a.host': 'a', 'b.host': 'b' }, columns: ['time', 'a.v', 'b.v'], values: [[iso(0), 1, 2]] },
    ]);
  });

  it('flatten skips points missing an .on() tag and adds no delimiter without one', async () => {
    await define('flat', `stream|from().measurement('m')|flatten().on('host')|httpOut('out')`);
    await write('flat', [`m,host=a v=1 ${T0}`, `m v=5 ${T0}`, `m,host=b v=2 ${T0}`, `m,host=a v=0 ${T0 + 1}`]);
    assert.deepEqual(await series('flat'), [{ name: 'm', columns: ['time', 'a.v', 'b.v'], values: [[iso(0), 1, 2]] }]);
    assert.equal((await nodeStats('flat')).flatten2.errors, 1);
    await define('flatnone', `stream|from().measurement('m')|flatten()|httpOut('out')`);
    await write('flatnone', [`m,host=a v=1 ${T0}`, `m,host=a w=2 ${T0}`, `m v=0 ${T0 + 1}`]);
    assert.deepEqual(await series('flatnone'), [{ name: 'm', columns: ['time', 'v', 'w'], values: [[iso(0), 1, 2]] }]);
  });

  it('flatten emits its buffered time when a barrier passes it', async () => {
    await define('flatbar', `stream|from().measurement('m')|barrier().idle(2s)|flatten().on('host')|httpOut('out')`, {
      'group-idle-timeout': '0s',
    });
    await write('flatbar', [`m,host=a v=1 ${T0}`, `m,host=b v=2 ${T0}`]);
    assert.equal(await series('flatbar'), null);
    await tick(3000);
    assert.deepEqual(await series('flatbar'), [{ name: 'm', columns: ['time', 'a.v', 'b.v'], values: [[iso(0), 1, 2]] }]);
  });

  it('changeDetect: a point without the field is an error, not a change', async () => {
    await define('cd', `stream|from().measurement('m')|changeDetect('v')|httpOut('out')`);
    await write('cd', [`m v=1 ${T0}`, `m w=1 ${T0 + 1}`]);
    assert.deepEqual(await series('cd'), [{ name: 'm', columns: ['time', 'v'], values: [[iso(0), 1]] }]);
    assert.equal((await nodeStats('cd')).changeDetect2.errors, 1);
  });

  it('changeDetect and stateCount start over with every batch', async () => {
    const lines = [`m v=1 ${T0}`, `m v=1 ${T0 + 1}`, `m v=1 ${T0 + 2}`, `m v=1 ${T0 + 3}`, `m v=1 ${T0 + 4}`];
    await define('cdbatch', `stream|from().measurement('m')|window().period(2s).every(2s)|changeDetect('v')|httpOut('out')`);
    await write('cdbatch', lines);
    assert.deepEqual(await series('cdbatch'), [{ name: 'm', columns: ['time', 'v'], values: [[iso(2), 1]] }]);
    await define('scbatch', `stream|from().measurement('m')|window().period(2s).every(2s)|stateCount(lambda: "v" > 0)|httpOut('out')`);
    await write('scbatch', lines);
    assert.deepEqual(await series('scbatch'), [
      {
        name: 'm',
        columns: ['time', 'state_count', 'v'],
        values: [
          [iso(2), 1, 1],
          [iso(3), 2, 1],
        ],
      },
    ]);
  });
});

describe('default, eval and influxDBOut details', () => {
  it('default().tag() also replaces an empty tag value', async () => {
    await define('deftag', `stream|from().measurement('m')|eval(lambda: '').as('zone').tags('zone').keep()|default().tag('zone', 'none')|httpOut('out')`);
    await write('deftag', [`m v=1 ${T0}`]);
    const [row] = (await series('deftag')) ?? [];
    assert.deepEqual(row.tags, { zone: 'none' });
  });

  it('eval keep() stores tag results as fields too; a non-string tag result is an error', async () => {
    await define('evkeep', `stream|from().measurement('m')|eval(lambda: 'x').as('t').tags('t').keep()|httpOut('out')`);
    await write('evkeep', [`m v=1 ${T0}`]);
    assert.deepEqual(await series('evkeep'), [{ name: 'm', tags: { t: 'x' }, columns: ['time', 't', 'v'], values: [[iso(0), 'x', 1]] }]);
    await define('evbadtag', `stream|from().measurement('m')|eval(lambda: "v").as('t').tags('t')|httpOut('out')`);
    await write('evbadtag', [`m v=1 ${T0}`]);
    assert.equal(await series('evbadtag'), null);
    assert.equal((await nodeStats('evbadtag')).eval2.errors, 1);
  });

  it("influxDBOut .precision() cuts written times; without it they stay exact", async () => {
    const script = (p: string) =>
      `stream|from().measurement('m')|influxDBOut().database('out').retentionPolicy('rp').measurement('${p || 'ns'}')${p ? `.precision('${p}')` : ''}.buffer(1)`;
    await define('prec', script('s'));
    await define('precns', script(''));
    await write('prec', [`m v=1 ${T0}250`], 'ms');
    await write('precns', [`m v=1 ${T0}250`], 'ms');
    const lines = async (m: string) => (await hooks.at('/write?db=out&precision=ns&rp=rp', 2)).map((g) => g.body).filter((b) => b.startsWith(`${m} `));
    assert.deepEqual(await lines('s'), [`s v=1 ${T0}000000000`]);
    assert.deepEqual(await lines('ns'), [`ns v=1 ${T0}250000000`]);
  });
});

describe('influxDBOut create()', () => {
  it('creates the database with the retention policy on InfluxDB (CREATE DATABASE ... WITH NAME)', async () => {
    await define('mkdb', `stream|from().measurement('m')|influxDBOut().create().database('made').retentionPolicy('kept').buffer(1)`);
    await write('mkdb', [`m v=1 ${T0}`]);
    const [query] = await hooks.at('/query');
    assert.ok(query, 'a query was sent');
    assert.equal(new URLSearchParams(query.body).get('q'), 'CREATE DATABASE "made" WITH NAME "kept"');
    const [written] = await hooks.at('/write?db=made&precision=ns&rp=kept');
    assert.equal(written?.body, `m v=1 ${T0}000000000`);
  });

  it('creates the database and its default retention policy in the series store', async () => {
    const store = await startTestServer();
    try {
      const res = await fetch(`${store.url}/kapacitor/v1/tasks`, {
        method: 'POST',
        body: JSON.stringify({
          id: 'mk',
          dbrps: [{ db: 'src', rp: 'rp' }],
          script: `stream|from().measurement('m')|influxDBOut().create().database('made').retentionPolicy('kept').buffer(1)`,
          status: 'enabled',
        }),
      });
      assert.equal(res.status, 200, await res.text());
      const w = await fetch(`${store.url}/write?db=src&rp=rp&precision=s`, { method: 'POST', body: `m v=1 ${T0}` });
      assert.equal(w.status, 204);
      let body = '';
      for (let i = 0; i < 100 && !body.includes('kept'); i++) {
        await sleep(20);
        const q = await fetch(`${store.url}/query?db=made&q=${encodeURIComponent('SHOW RETENTION POLICIES ON made')}`);
        body = await q.text();
      }
      assert.match(body, /"kept","0s","[^"]*",1,[^,]*,?true\]/);
      const q = await fetch(`${store.url}/query?db=made&rp=kept&epoch=s&q=${encodeURIComponent('SELECT v FROM m')}`);
      assert.match(await q.text(), new RegExp(`\\[${T0},1\\]`));
    } finally {
      await store.stop();
    }
  });
});

describe('barrier period, groupBy byMeasurement, loopback tags', () => {
  it('barrier().period() closes windows on the wall clock and drops older data afterwards', async () => {
    await define('barper', `stream|from().measurement('m')|barrier().period(2s)|window().period(10s).every(10s)|count('value')|httpOut('out')`, {
      'group-idle-timeout': '0s',
    });
    await write('barper', [`m value=1 ${T0}`, `m value=1 ${T0 + 1}`]);
    assert.equal(await series('barper'), null);
    await tick(2500);
    assert.deepEqual(await series('barper'), [{ name: 'm', columns: ['time', 'count'], values: [[iso(10), 2]] }]);
    // The barrier carried the wall time (years after T0): data from before it no longer passes.
    await write('barper', [`m value=1 ${T0 + 2}`]);
    const stats = await nodeStats('barper');
    assert.equal(stats.barrier2.collected, 3);
    assert.equal(stats.window3.collected, 2);
  });

  it('groupBy().byMeasurement() separates measurements with the same tags', async () => {
    const lines = [`m1,host=a value=1 ${T0}`, `m2,host=a value=1 ${T0}`, `m1,host=a value=1 ${T0 + 1}`];
    await define('bymeas', `stream|from()|groupBy('host').byMeasurement()|httpOut('out')`);
    await write('bymeas', lines);
    assert.deepEqual(
      ((await series('bymeas')) ?? []).map((r: { name: string; values: unknown[][] }) => [r.name, r.values[0][0]]),
      [
        ['m1', iso(1)],
        ['m2', iso(0)],
      ],
    );
    await define('byhost', `stream|from()|groupBy('host')|httpOut('out')`);
    await write('byhost', lines);
    assert.equal((await series('byhost'))?.length, 1);
  });

  it('kapacitorLoopback adds its tags over the point tags', async () => {
    await define(
      'loopsrc',
      `stream|from().measurement('m')|kapacitorLoopback().database('loopdst').retentionPolicy('rp').measurement('looped').tag('via', 'loop').tag('host', 'over')`,
    );
    await define('loopdst', `stream|from().measurement('looped')|httpOut('out')`);
    await write('loopsrc', [`m,host=a value=2 ${T0}`]);
    await eventually('loopdst', (s) =>
      assert.deepEqual(s, [{ name: 'looped', tags: { host: 'over', via: 'loop' }, columns: ['time', 'value'], values: [[iso(0), 2]] }]),
    );
  });
});
