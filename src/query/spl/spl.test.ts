import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseLineProtocol } from '../../lineproto/parse.ts';
import { openEmbeddedStore } from '../../store/embedded-store.ts';
import { MemoryDisk } from '../../store/memory-disk.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import { runSpl } from './executor.ts';
import { parseSpl } from './parser.ts';
import { SeriesStoreRowSource } from './series-store-source.ts';
import type { Row } from './values.ts';

const T = Date.parse('2024-03-01T12:00:00Z');
const s = (offsetSeconds: number) => String(T + offsetSeconds * 1000);

const APP = [
  `logs,host=web1 message="GET /a status=200 user=alice",status=200i,bytes=2048,latency=10 ${s(0)}`,
  `logs,host=web1 message="GET /b status=500 error user=bob",status=500i,bytes=10240,latency=30 ${s(60)}`,
  `logs,host=web2 message="POST /c status=503 error timeout user=alice",status=503i,bytes=512,latency=50 ${s(120)}`,
  `logs,host=web2 message="GET /d status=200 debug user=carol",status=200i,bytes=40960,latency=20 ${s(180)}`,
  `logs,host=web3 message="GET /e status=500 error user=alice",status=500i,bytes=1024,latency=40 ${s(240)}`,
  `cpu,host=web1,region=eu v=0.5 ${s(0)}`,
  `cpu,host=web1,region=eu v=1.5 ${s(300)}`,
  `cpu,host=web2,region=us v=3 ${s(0)}`,
].join('\n');

let store: SeriesStore;
let source: SeriesStoreRowSource;

before(async () => {
  store = await openEmbeddedStore({ dir: '/spl', disk: new MemoryDisk() });
  await store.createDatabase('app');
  await store.createDatabase('other');
  await store.write(parseLineProtocol(Buffer.from(APP), { database: 'app', retentionPolicy: '', precision: 'ms', now: { ms: 0, ns: 0 } }));
  await store.write(
    parseLineProtocol(Buffer.from(`mem,host=db1 used=7i ${s(10)}`), {
      database: 'other',
      retentionPolicy: '',
      precision: 'ms',
      now: { ms: 0, ns: 0 },
    }),
  );
});

async function run(spl: string, extra: { startMs?: number; endMs?: number; now?: number } = {}) {
  return runSpl(parseSpl(spl), source ?? (source = new SeriesStoreRowSource(store)), {
    now: extra.now ?? T + 3_600_000,
    startMs: extra.startMs,
    endMs: extra.endMs,
  });
}

const pick = (rows: Row[], ...fields: string[]) => rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? null])));

describe('SPL rows', () => {
  it('a stored point is a row with _time, index, sourcetype, tags, fields and _raw', async () => {
    const { rows } = await run('index=other');
    assert.deepEqual(rows, [{ _time: T + 10_000, index: 'other', sourcetype: 'mem', host: 'db1', used: 7, _raw: `mem,host=db1 used=7i ${T + 10_000}000000` }]);
    const logs = await run('sourcetype=logs host=web3');
    assert.equal(logs.rows[0]._raw, 'GET /e status=500 error user=alice');
  });

  it('events come newest first and repo= is an alias of index=', async () => {
    const { rows } = await run('repo="app" sourcetype=logs');
    assert.deepEqual(
      rows.map((r) => r._time),
      [T + 240_000, T + 180_000, T + 120_000, T + 60_000, T],
    );
  });
});

describe('SPL search', () => {
  const hosts = async (spl: string) => (await run(spl)).rows.map((r) => `${r.sourcetype}:${r.host}:${(r._time as number) - T}`);

  it('matches whole tokens of _raw, case-insensitively, with implicit AND', async () => {
    assert.deepEqual(await hosts('index=app ERROR alice'), ['logs:web3:240000', 'logs:web2:120000']);
    assert.deepEqual(await hosts('index=app erro'), []);
    assert.deepEqual(await hosts('index=app err*'), ['logs:web3:240000', 'logs:web1:60000', 'logs:web2:120000'].sort(byTimeDesc));
  });

  it('supports NOT, OR, AND and parentheses', async () => {
    assert.deepEqual(await hosts('index=app error NOT timeout'), ['logs:web3:240000', 'logs:web1:60000']);
    assert.deepEqual(await hosts('sourcetype=logs (debug OR timeout)'), ['logs:web2:180000', 'logs:web2:120000']);
    assert.deepEqual(await hosts('sourcetype=logs host=web1 AND status=500'), ['logs:web1:60000']);
  });

  it('matches quoted phrases', async () => {
    assert.deepEqual(await hosts('"error timeout"'), ['logs:web2:120000']);
    assert.deepEqual(await hosts('"timeout error"'), []);
  });

  it('compares fields numerically, with wildcards, with IN and existence', async () => {
    assert.deepEqual(await hosts('status>=500'), ['logs:web3:240000', 'logs:web2:120000', 'logs:web1:60000']);
    assert.deepEqual(await hosts('status<300 bytes>10000'), ['logs:web2:180000']);
    assert.deepEqual(await hosts('host=WEB* sourcetype=cpu'), ['cpu:web1:300000', 'cpu:web1:0', 'cpu:web2:0']);
    assert.deepEqual(await hosts('host IN (web3, db1)'), ['logs:web3:240000', 'mem:db1:10000']);
    assert.deepEqual(await hosts('region=*'), ['cpu:web1:300000', 'cpu:web1:0', 'cpu:web2:0']);
  });

  it('field!=v needs the field, NOT field=v does not', async () => {
    assert.deepEqual(await hosts('region!=eu'), ['cpu:web2:0']);
    const notEu = await hosts('NOT region=eu');
    assert.equal(notEu.length, 7);
  });

  it('earliest/latest bound the time, inclusive/exclusive, relative to now', async () => {
    // now = T + 1h; -58m = T + 120 s.
    assert.deepEqual(await hosts('sourcetype=logs earliest=-58m'), ['logs:web3:240000', 'logs:web2:180000', 'logs:web2:120000']);
    assert.deepEqual(await hosts(`sourcetype=logs earliest=${T / 1000 + 60} latest=${T + 180_000}`), ['logs:web2:120000', 'logs:web1:60000']);
    assert.deepEqual(await hosts('sourcetype=logs start=-1h@h end=-1h@h+1m'), ['logs:web1:0']);
  });

  it('uses the caller window when the query has no time bounds', async () => {
    const { rows } = await run('sourcetype=logs', { startMs: T + 60_000, endMs: T + 120_000 });
    assert.deepEqual(
      rows.map((r) => r.host),
      ['web1'],
    );
  });

  it('a later | search filters like the leading one', async () => {
    assert.deepEqual(await hosts('sourcetype=logs | search alice status=500'), ['logs:web3:240000']);
  });
});

function byTimeDesc(a: string, b: string): number {
  return Number(b.split(':')[2]) - Number(a.split(':')[2]);
}

describe('SPL commands', () => {
  it('stats with count, dc, sum, avg, min, max, values by a field, sorted by group', async () => {
    const { rows, fields } = await run(
      'sourcetype=logs | stats count, count() as n, dc(status), sum(bytes), avg(latency) as lat, min(status), max(status), values(status) by host',
    );
    assert.deepEqual(fields, ['host', 'count', 'n', 'dc(status)', 'sum(bytes)', 'lat', 'min(status)', 'max(status)', 'values(status)']);
    assert.deepEqual(rows, [
      { host: 'web1', count: 2, n: 2, 'dc(status)': 2, 'sum(bytes)': 12288, lat: 20, 'min(status)': 200, 'max(status)': 500, 'values(status)': [200, 500] },
      { host: 'web2', count: 2, n: 2, 'dc(status)': 2, 'sum(bytes)': 41472, lat: 35, 'min(status)': 200, 'max(status)': 503, 'values(status)': [200, 503] },
      { host: 'web3', count: 1, n: 1, 'dc(status)': 1, 'sum(bytes)': 1024, lat: 40, 'min(status)': 500, 'max(status)': 500, 'values(status)': [500] },
    ]);
  });

  it('stats on the columnar path agrees with the row path', async () => {
    const fast = await run('index=app sourcetype=cpu | stats count, avg(v), min(v), max(v), sum(v) by host');
    const slow = await run('index=app sourcetype=cpu v=* | stats count, avg(v), min(v), max(v), sum(v) by host');
    assert.deepEqual(fast.rows, slow.rows);
    assert.deepEqual(fast.rows, [
      { host: 'web1', count: 2, 'avg(v)': 1, 'min(v)': 0.5, 'max(v)': 1.5, 'sum(v)': 2 },
      { host: 'web2', count: 1, 'avg(v)': 3, 'min(v)': 3, 'max(v)': 3, 'sum(v)': 3 },
    ]);
    const byField = await run('sourcetype=logs | stats count by status');
    assert.deepEqual(pick(byField.rows, 'status', 'count'), [
      { status: 200, count: 2 },
      { status: 500, count: 2 },
      { status: 503, count: 1 },
    ]);
  });

  it('conditions on tags are decided per series; the rest per row', async () => {
    const eu = await run('sourcetype=cpu region=eu | stats count, avg(v) by host');
    assert.deepEqual(eu.rows, [{ host: 'web1', count: 2, 'avg(v)': 1 }]);
    assert.deepEqual((await run('sourcetype=cpu NOT region=EU | stats count by host')).rows, [{ host: 'web2', count: 1 }]);
    assert.deepEqual((await run('sourcetype=cpu host=web1 (region=us OR v>1) | stats count')).rows, [{ count: 1 }]);
    assert.deepEqual((await run('sourcetype=logs host=web2 error | stats count by host')).rows, [{ host: 'web2', count: 1 }]);
    assert.deepEqual(
      (await run('region=eu | eval x=v*2 | table x')).rows,
      [{ x: 3 }, { x: 1 }],
    );
  });

  it('earliest, latest, list and distinct_count; count(field) counts rows that have it', async () => {
    const { rows } = await run(
      '* | stats earliest(status) as first, latest(status) as last, list(host) as hosts, distinct_count(host) as n, count(status), count by sourcetype',
    );
    assert.deepEqual(rows, [
      { sourcetype: 'cpu', first: null, last: null, hosts: ['web1', 'web1', 'web2'], n: 2, 'count(status)': 0, count: 3 },
      { sourcetype: 'logs', first: 200, last: 500, hosts: ['web3', 'web2', 'web2', 'web1', 'web1'], n: 3, 'count(status)': 5, count: 5 },
      { sourcetype: 'mem', first: null, last: null, hosts: ['db1'], n: 1, 'count(status)': 0, count: 1 },
    ]);
  });

  it('stats without rows gives count 0 without by, nothing with by', async () => {
    assert.deepEqual((await run('index=nope | stats count, avg(x)')).rows, [{ count: 0, 'avg(x)': null }]);
    assert.deepEqual((await run('index=nope | stats count by host')).rows, []);
    assert.deepEqual((await run('index=app nothingmatches | stats count')).rows, [{ count: 0 }]);
  });

  it('the D4 example: top hosts by 5xx count', async () => {
    const { rows } = await run('status>=500 | stats count() as n, dc(client) by host | sort -n | head 5');
    assert.deepEqual(rows, [
      { host: 'web1', n: 1, 'dc(client)': 0 },
      { host: 'web2', n: 1, 'dc(client)': 0 },
      { host: 'web3', n: 1, 'dc(client)': 0 },
    ]);
  });

  it('eval, where and table (D4 projection)', async () => {
    const { rows, fields } = await run('* | eval kb=round(bytes/1024,1) | where kb>10 | table _time host kb');
    assert.deepEqual(fields, ['_time', 'host', 'kb']);
    assert.deepEqual(rows, [{ _time: T + 180_000, host: 'web2', kb: 40 }]);
  });

  it('eval functions, concatenation and sequential assignments', async () => {
    const { rows } = await run(
      'sourcetype=logs host=web2 | eval a=upper(host) . "-" . status, b=if(status>=500, "bad", "ok"), c=len(a), d=substr(host, 1, 3), e=coalesce(missing, b), f=case(latency>40, "slow", latency>20, "mid"), g=strftime(_time, "%Y-%m-%d %H:%M"), h=replace(host, "web(\\d)", "node\\1"), i=match(message, "time.ut"), j=tostring(1234567, "commas"), k=isnull(missing), l=pow(2, 10) % 1000, m=-latency + 1 | table a b c d e f g h i j k l m',
    );
    assert.deepEqual(rows[0], {
      a: 'WEB2-200',
      b: 'ok',
      c: 8,
      d: 'web',
      e: 'ok',
      f: null,
      g: '2024-03-01 12:03',
      h: 'node2',
      i: false,
      j: '1,234,567',
      k: true,
      l: 24,
      m: -19,
    });
    assert.deepEqual(rows[1].f, 'slow');
    assert.equal(rows[1].i, true);
  });

  it('where with AND/OR/NOT, LIKE and null comparisons', async () => {
    const hostsOf = async (spl: string) => (await run(spl)).rows.map((r) => r.host);
    assert.deepEqual(await hostsOf('sourcetype=logs | where status=500 AND NOT host="web3"'), ['web1']);
    assert.deepEqual(await hostsOf('sourcetype=logs | where latency<15 OR latency>45'), ['web2', 'web1']);
    assert.deepEqual(await hostsOf('sourcetype=logs | where message LIKE "POST%"'), ['web2']);
    assert.deepEqual(await hostsOf('sourcetype=logs | where missing>1'), []);
  });

  it('sort (multi-key, descending, limit), head and tail', async () => {
    const { rows } = await run('sourcetype=logs | sort status -latency | table host status latency');
    assert.deepEqual(
      rows.map((r) => `${r.status}/${r.latency}`),
      ['200/20', '200/10', '500/40', '500/30', '503/50'],
    );
    assert.equal((await run('sourcetype=logs | sort 2 latency')).rows.length, 2);
    assert.deepEqual(
      (await run('sourcetype=logs | head 2')).rows.map((r) => r.host),
      ['web3', 'web2'],
    );
    assert.deepEqual(
      (await run('sourcetype=logs | tail 1')).rows.map((r) => r.host),
      ['web1'],
    );
    assert.equal((await run('sourcetype=logs | head')).rows.length, 5);
  });

  it('fields, rename (with wildcards) and dedup (D4)', async () => {
    assert.deepEqual((await run('* | dedup host | rename host as server | fields server')).rows, [
      { server: 'web1' },
      { server: 'web3' },
      { server: 'web2' },
      { server: 'db1' },
    ]);
    const { fields } = await run('sourcetype=cpu | fields - _raw, index, sourcetype | rename re* AS zone_*');
    assert.deepEqual(fields, ['_time', 'host', 'zone_gion', 'v']);
    assert.deepEqual(
      (await run('sourcetype=logs | dedup 2 status sortby -latency | table status latency')).rows,
      [
        { status: 503, latency: 50 },
        { status: 500, latency: 40 },
        { status: 500, latency: 30 },
        { status: 200, latency: 20 },
        { status: 200, latency: 10 },
      ],
    );
  });

  it('rex extracts named groups, max_match gives multivalues, mode=sed rewrites (D4 with top)', async () => {
    const { rows } = await run('* | rex field=message "user=(?<user>\\w+)" | top limit=3 user');
    assert.deepEqual(rows, [
      { user: 'alice', count: 3, percent: 60 },
      // Ties keep the order of first appearance (events are newest first).
      { user: 'carol', count: 1, percent: 20 },
      { user: 'bob', count: 1, percent: 20 },
    ]);
    const multi = await run('sourcetype=logs host=web2 status=503 | rex "(?<word>[a-z]{5,})" max_match=0 | table word');
    assert.deepEqual(multi.rows, [{ word: ['status', 'error', 'timeout', 'alice'] }]);
    const sed = await run('sourcetype=logs host=web1 status=200 | rex field=message mode=sed "s/user=\\w+/user=xxx/g" | table message');
    assert.deepEqual(sed.rows, [{ message: 'GET /a status=200 user=xxx' }]);
  });

  it('top with by, countfield and showperc', async () => {
    // Options come before the fields.
    await assert.rejects(run('sourcetype=logs | top 1 status by host countfield=n'), { code: 'E_SPL_SYNTAX' });
    const r2 = await run('sourcetype=logs | top 1 countfield=n showperc=f status by host');
    assert.deepEqual(r2.rows, [
      { host: 'web3', status: 500, n: 1 },
      { host: 'web2', status: 200, n: 1 },
      { host: 'web1', status: 500, n: 1 },
    ]);
  });

  it('timechart with span, empty buckets and by with OTHER', async () => {
    const window = { startMs: T, endMs: T + 300_000 };
    const plain = await run('sourcetype=logs | timechart span=2m count', window);
    assert.deepEqual(plain.rows, [
      { _time: T, count: 2 },
      { _time: T + 120_000, count: 2 },
      { _time: T + 240_000, count: 1 },
    ]);
    const avg = await run('sourcetype=logs | timechart span=1m avg(latency)', { startMs: T, endMs: T + 360_000 });
    assert.deepEqual(
      avg.rows.map((r) => r['avg(latency)']),
      [10, 30, 50, 20, 40, null],
    );
    const split = await run('sourcetype=logs | timechart span=5m limit=1 count by host', window);
    assert.deepEqual(split.fields, ['_time', 'web1', 'OTHER']);
    assert.deepEqual(split.rows, [{ _time: T, web1: 2, OTHER: 3 }]);
    // Default span from the window: 5 minutes -> 10 s buckets.
    const auto = await run('sourcetype=logs | timechart count', window);
    assert.equal(auto.rows.length, 30);
  });
});

describe('SPL syntax errors name the command and the column', () => {
  const cases: [string, string][] = [
    ['* | frobnicate x', "Unknown search command 'frobnicate' (column 5)"],
    ['* | stats avg', "Error in 'stats' command: function 'avg' needs a field (column 11)"],
    ['* | stats', "Error in 'stats' command: expected at least one aggregation (column 10)"],
    ['* | stats bogus(x)', "Error in 'stats' command: unknown aggregation 'bogus' (column 11)"],
    ['* | where', "Error in 'where' command: missing an expression (column 10)"],
    ['* | where x >', "Error in 'where' command: unexpected end of the expression (column 14)"],
    ['* | eval y=nosuch(x)', "Error in 'eval' command: unknown function 'nosuch' (column 12)"],
    ['* | eval y=round()', "Error in 'eval' command: function 'round' takes 1 to 2 arguments, got 0 (column 12)"],
    ['* | head ten', "Error in 'head' command: the count must be an integer, found 'ten' (column 10)"],
    ['* | rex field=msg "(unclosed"', "Error in 'rex' command: invalid regular expression: Invalid regular expression: /(unclosed/g: Unterminated group (column 19)"],
    ['* | rex "no groups"', "Error in 'rex' command: the regular expression has no named group (?<name>...) (column 9)"],
    ['* | timechart span=5x count', "Error in 'timechart' command: invalid span '5x': use <n>s, m, h, d or w (column 20)"],
    ['* | rename a b', "Error in 'rename' command: expected 'AS' but found 'b' (column 14)"],
    ['error (status=500', "Error in 'search' command: expected ')' but found the end of the query (column 18)"],
    ['host="web1', "Error in 'search' command: unterminated string (column 6)"],
    ['earliest=-1x', "Error in 'search' command: invalid time modifier '-1x' (column 10)"],
    ['* |', "Error in 'search' command: expected a command after '|' but found the end of the query (column 4)"],
    ['* | eval =1', "Error in 'eval' command: expected a field name but found '=' (column 10)"],
  ];
  for (const [spl, message] of cases) {
    it(spl, () => {
      assert.throws(
        () => parseSpl(spl),
        (err: Error & { code?: string }) => {
          assert.equal(err.message, message);
          assert.match(err.code ?? '', /^E_SPL_(SYNTAX|UNKNOWN_COMMAND)$/);
          return true;
        },
      );
    });
  }
});
