// InfluxQL over the embedded store, rendered as /query JSON: expectations recorded from InfluxDB 1.6.7
// on the same data (the live side-by-side check is test/store-influxd.test.ts).

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { renderResults } from '../src/api/influxdb/render.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { executeInfluxQL } from '../src/query/influxql/executor.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import type { SeriesStore } from '../src/store/series-store.ts';

const DATA = 'm,h=a v=1,w=2i 0\nm,h=a v=3 120000000000\nm,h=b v=5 60000000000\nm,h=b s="x" 60000000000';

let store: SeriesStore;

async function q(text: string, epoch?: 'ms'): Promise<string> {
  const results = await executeInfluxQL(store, text, { database: 'db', now: { ms: 1_000_000, ns: 0 } });
  return renderResults(results, epoch);
}

const RECORDED: Array<[string, string]> = [
  [
    'SELECT count(v) FROM m WHERE time >= 0 AND time < 240s GROUP BY time(1m)',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","count"],"values":[["1970-01-01T00:00:00Z",1],["1970-01-01T00:01:00Z",1],["1970-01-01T00:02:00Z",1],["1970-01-01T00:03:00Z",0]]}]}]}',
  ],
  [
    'SELECT count(v) FROM m WHERE time >= 0 AND time < 240s GROUP BY time(1m) fill(none)',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","count"],"values":[["1970-01-01T00:00:00Z",1],["1970-01-01T00:01:00Z",1],["1970-01-01T00:02:00Z",1]]}]}]}',
  ],
  [
    'SELECT count(v), mean(v) FROM m WHERE time >= 0 AND time < 240s GROUP BY time(1m) fill(0)',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","count","mean"],"values":[["1970-01-01T00:00:00Z",1,1],["1970-01-01T00:01:00Z",1,5],["1970-01-01T00:02:00Z",1,3],["1970-01-01T00:03:00Z",0,0]]}]}]}',
  ],
  [
    'SELECT mean(v) FROM m WHERE time >= 0 AND time < 240s GROUP BY time(1m), h fill(previous)',
    '{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"h":"a"},"columns":["time","mean"],"values":[["1970-01-01T00:00:00Z",1],["1970-01-01T00:01:00Z",1],["1970-01-01T00:02:00Z",3],["1970-01-01T00:03:00Z",3]]},{"name":"m","tags":{"h":"b"},"columns":["time","mean"],"values":[["1970-01-01T00:00:00Z",null],["1970-01-01T00:01:00Z",5],["1970-01-01T00:02:00Z",5],["1970-01-01T00:03:00Z",5]]}]}]}',
  ],
  [
    'SELECT * FROM m',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","h","s","v","w"],"values":[["1970-01-01T00:00:00Z","a",null,1,2],["1970-01-01T00:01:00Z","b","x",5,null],["1970-01-01T00:02:00Z","a",null,3,null]]}]}]}',
  ],
  [
    'SELECT v + 2, w FROM m',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v","w"],"values":[["1970-01-01T00:00:00Z",3,2],["1970-01-01T00:01:00Z",7,null],["1970-01-01T00:02:00Z",5,null]]}]}]}',
  ],
  ['SELECT max(v) FROM m', '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","max"],"values":[["1970-01-01T00:01:00Z",5]]}]}]}'],
  [
    'SELECT max(v), min(v) FROM m',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","max","min"],"values":[["1970-01-01T00:00:00Z",5,1]]}]}]}',
  ],
  ['SELECT mean(v) FROM m', '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","mean"],"values":[["1970-01-01T00:00:00Z",3]]}]}]}'],
  [
    'SELECT derivative(mean(v), 1m) FROM m WHERE time >= 0 AND time < 240s GROUP BY time(1m)',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","derivative"],"values":[["1970-01-01T00:01:00Z",4],["1970-01-01T00:02:00Z",-2]]}]}]}',
  ],
  [
    'SELECT top(v, 2) FROM m',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","top"],"values":[["1970-01-01T00:01:00Z",5],["1970-01-01T00:02:00Z",3]]}]}]}',
  ],
  [
    'SELECT distinct(v) FROM m',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","distinct"],"values":[["1970-01-01T00:00:00Z",1],["1970-01-01T00:00:00Z",5],["1970-01-01T00:00:00Z",3]]}]}]}',
  ],
  ['SELECT sum(w) FROM m', '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","sum"],"values":[["1970-01-01T00:00:00Z",2]]}]}]}'],
  [
    'SHOW RETENTION POLICIES ON db',
    '{"results":[{"statement_id":0,"series":[{"columns":["name","duration","shardGroupDuration","replicaN","default"],"values":[["autogen","0s","168h0m0s",1,true]]}]}]}',
  ],
  ['SHOW SERIES', '{"results":[{"statement_id":0,"series":[{"columns":["key"],"values":[["m,h=a"],["m,h=b"]]}]}]}'],
  [
    'SHOW TAG VALUES WITH KEY = h',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["key","value"],"values":[["h","a"],["h","b"]]}]}]}',
  ],
  [
    'SHOW FIELD KEYS',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["fieldKey","fieldType"],"values":[["s","string"],["v","float"],["w","integer"]]}]}]}',
  ],
  ['SHOW TAG KEYS', '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["tagKey"],"values":[["h"]]}]}]}'],
  ['SHOW MEASUREMENTS', '{"results":[{"statement_id":0,"series":[{"name":"measurements","columns":["name"],"values":[["m"]]}]}]}'],
  ['SHOW DATABASES', '{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[["db"]]}]}]}'],
  ['SELECT v FROM nothing', '{"results":[{"statement_id":0}]}'],
  ["SELECT v FROM m WHERE h = 'zz'", '{"results":[{"statement_id":0}]}'],
  [
    'SELECT count(v) FROM m WHERE time >= 0 AND time < 240s GROUP BY time(1m) fill(linear)',
    '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","count"],"values":[["1970-01-01T00:00:00Z",1],["1970-01-01T00:01:00Z",1],["1970-01-01T00:02:00Z",1],["1970-01-01T00:03:00Z",null]]}]}]}',
  ],
];

describe('InfluxQL executor against recorded InfluxDB 1.6 answers', () => {
  before(async () => {
    store = await openEmbeddedStore({ dir: '/q', disk: new MemoryDisk() });
    await store.createDatabase('db');
    await store.write(parseLineProtocol(Buffer.from(DATA), { database: 'db', retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } }));
  });

  for (const [query, expected] of RECORDED) {
    it(query, async () => {
      assert.equal(await q(query), expected);
    });
  }

  it('renders epoch=ms', async () => {
    assert.equal(
      await q('SELECT v FROM m', 'ms'),
      '{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[0,1],[60000,5],[120000,3]]}]}]}',
    );
  });
});

describe('InfluxQL executor: conditions, grouping, ordering, limits and statements', () => {
  before(async () => {
    store = await openEmbeddedStore({ dir: '/q2', disk: new MemoryDisk() });
    await store.createDatabase('db');
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) {
      for (const host of ['a', 'b', 'c']) lines.push(`cpu,host=${host},dc=${host === 'c' ? 'y' : 'x'} v=${i * 10 + host.charCodeAt(0) - 96},n=${i}i ${i * 10}000000000`);
    }
    lines.push('cpu,host=a,dc=x big=9223372036854775807i 1000000000000000001');
    await store.write(parseLineProtocol(Buffer.from(lines.join('\n')), { database: 'db', retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } }));
  });

  const rows = async (text: string) => {
    const r = await executeInfluxQL(store, text, { database: 'db', now: { ms: 1_000_000, ns: 0 } });
    assert.equal(r[0].error, undefined, r[0].error);
    return r[0].series ?? [];
  };

  it('filters tags with =, !=, =~, !~, AND, OR and parentheses', async () => {
    const hosts = async (where: string) =>
      (await rows(`SELECT count(v) FROM cpu WHERE ${where} GROUP BY host`)).map((s) => s.tags?.host).join(',');
    assert.equal(await hosts("host = 'a'"), 'a');
    assert.equal(await hosts("host != 'a'"), 'b,c');
    assert.equal(await hosts('host =~ /^[ab]$/'), 'a,b');
    assert.equal(await hosts("host !~ /a/ AND dc = 'x'"), 'b');
    assert.equal(await hosts("(host = 'a' OR host = 'c') AND time >= 20s"), 'a,c');
    assert.equal(await hosts("v > 50 OR host = 'a'"), 'a,b,c');
  });

  it('bounds time with now() arithmetic, RFC 3339 and Grafana epoch literals', async () => {
    const count = async (where: string) => (await rows(`SELECT count(v) FROM cpu WHERE ${where}`))[0]?.values[0][1];
    assert.equal(await count('time > now() - 980s'), 9n);
    assert.equal(await count("time >= '1970-01-01T00:00:30Z'"), 9n);
    assert.equal(await count('time >= 30000ms and time <= 40000ms'), 6n);
    assert.equal(await count('time = 10s'), 3n);
  });

  it('orders by time descending and applies LIMIT, OFFSET, SLIMIT and SOFFSET', async () => {
    const s = await rows("SELECT v FROM cpu WHERE host = 'b' ORDER BY time DESC LIMIT 2 OFFSET 1");
    assert.deepEqual(
      s[0].values.map((r) => r[1]),
      [42, 32],
    );
    const grouped = await rows('SELECT last(v) FROM cpu GROUP BY host SLIMIT 1 SOFFSET 1');
    assert.deepEqual(
      grouped.map((x) => [x.tags?.host, x.values[0][1]]),
      [['b', 52]],
    );
  });

  it('groups by time with an offset and by every tag', async () => {
    const s = await rows('SELECT sum(n) FROM cpu WHERE time >= 0s AND time < 60s GROUP BY time(20s, 10s), *');
    assert.equal(s.length, 3);
    assert.deepEqual(s[0].tags, { dc: 'x', host: 'a' });
    assert.deepEqual(
      s[0].values.map((r) => r[1]),
      [0n, 3n, 7n, 5n].map((x, i) => (i === 0 ? 0n : x)),
    );
  });

  it('computes math over aggregates and keeps int64 exact', async () => {
    const s = await rows('SELECT max(big) FROM cpu');
    assert.equal(s[0].values[0][1], 9223372036854775807n);
    assert.deepEqual(s[0].values[0][0], { ms: 1_000_000_000_000, ns: 1 });
    const m = await rows("SELECT mean(v) * 2 AS double, spread(n) FROM cpu WHERE host = 'a'");
    assert.deepEqual(m[0].columns, ['time', 'double', 'spread']);
    assert.deepEqual(m[0].values[0].slice(1), [52, 5n]);
  });

  it('creates, alters, shows and drops databases and retention policies', async () => {
    const run = (text: string) => executeInfluxQL(store, text, { now: { ms: 0, ns: 0 } });
    await run('CREATE DATABASE other WITH DURATION 2d REPLICATION 1 NAME two_days');
    await run('CREATE RETENTION POLICY week ON other DURATION 1w REPLICATION 1 DEFAULT');
    await run('ALTER RETENTION POLICY two_days ON other DURATION 3d');
    const r = await run('SHOW RETENTION POLICIES ON other');
    assert.equal(
      renderResults(r, undefined),
      '{"results":[{"statement_id":0,"series":[{"columns":["name","duration","shardGroupDuration","replicaN","default"],"values":[["two_days","72h0m0s","24h0m0s",1,false],["week","168h0m0s","24h0m0s",1,true]]}]}]}',
    );
    await run('DROP RETENTION POLICY week ON other');
    await run('DROP DATABASE other');
    const dbs = await run('SHOW DATABASES');
    assert.deepEqual(dbs[0].series?.[0].values, [['db']]);
  });

  it('reports statement errors inside the results and parse errors as exceptions', async () => {
    const r = await executeInfluxQL(store, 'SELECT v FROM nope.autogen.cpu; SHOW DATABASES', { now: { ms: 0, ns: 0 } });
    assert.deepEqual(r, [{ statement_id: 0, error: 'database not found: nope' }]);
    await assert.rejects(executeInfluxQL(store, 'SELECTT', {}), {
      message: 'error parsing query: found SELECTT, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL at line 1, char 1',
    });
    const noDb = await executeInfluxQL(store, 'SELECT v FROM cpu', {});
    assert.equal(noDb[0].error, 'database name required');
    const unknown = await executeInfluxQL(store, 'SELECT holt_winters(mean(v), 3, 0) FROM cpu', { database: 'db' });
    assert.equal(unknown[0].error, 'undefined function holt_winters()');
  });
});
