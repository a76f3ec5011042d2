// InfluxQL parser: the statement shapes clients send (Grafana, Chronograf, Kapacitor) and error texts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SelectStatement, ShowStatement } from './ast.ts';
import { parseExpr, parseQuery } from './parser.ts';

const select = (q: string) => parseQuery(q)[0] as SelectStatement;

describe('InfluxQL parser', () => {
  it('parses a Grafana panel query', () => {
    const s = select(
      'SELECT mean("value") AS "m" FROM "autogen"."cpu" WHERE ("host" =~ /^server1$/) AND time >= now() - 6h and time <= now() GROUP BY time(20s, -5s), "host" fill(null) ORDER BY time DESC LIMIT 10 SLIMIT 2',
    );
    assert.equal(s.fields[0].alias, 'm');
    assert.deepEqual(s.sources, [{ retentionPolicy: 'autogen', name: 'cpu' }]);
    assert.deepEqual(s.groupByTime, { interval: 20e9, offset: 15e9 });
    assert.deepEqual(s.groupByTags, ['host']);
    assert.equal(s.descending, true);
    assert.equal(s.limit, 10);
    assert.equal(s.slimit, 2);
    assert.deepEqual(s.fill, { mode: 'null' });
  });

  it('parses three-part and regex sources, type hints and fill values', () => {
    const s = select('SELECT "v"::field, host::tag FROM db..cpu, db.rp./^mem/ WHERE v > -1.5e3 fill(-2)');
    assert.deepEqual(s.sources[0], { database: 'db', retentionPolicy: '', name: 'cpu' });
    assert.equal(s.sources[1].database, 'db');
    assert.ok(s.sources[1].name instanceof RegExp);
    assert.deepEqual(s.fields[0].expr, { kind: 'ref', name: 'v', type: 'field' });
    assert.deepEqual(s.fields[1].expr, { kind: 'ref', name: 'host', type: 'tag' });
    assert.deepEqual(s.fill, { mode: 'value', value: -2n });
    assert.deepEqual(parseExpr('v > -1.5e3'), { kind: 'binary', op: '>', left: { kind: 'ref', name: 'v' }, right: { kind: 'number', value: -1500 } });
  });

  it('binds AND tighter than OR and arithmetic tighter than comparison', () => {
    const e = parseExpr("a = 'x' OR b = 'y' AND c + 1 * 2 > 3");
    assert.equal(e.kind === 'binary' && e.op, 'OR');
    const right = e.kind === 'binary' ? e.right : e;
    assert.equal(right.kind === 'binary' && right.op, 'AND');
  });

  it('substitutes bound parameters', () => {
    const s = parseQuery('SELECT v FROM m WHERE host = $h AND v > $min', { h: 'a', min: 2 })[0] as SelectStatement;
    assert.deepEqual(s.condition, {
      kind: 'binary',
      op: 'AND',
      left: { kind: 'binary', op: '=', left: { kind: 'ref', name: 'host' }, right: { kind: 'string', value: 'a' } },
      right: { kind: 'binary', op: '>', left: { kind: 'ref', name: 'v' }, right: { kind: 'integer', value: 2n } },
    });
  });

  it('parses SHOW and data-definition statements', () => {
    const [a, b, c, d, e, f] = parseQuery(
      'SHOW TAG VALUES ON "db" FROM "cpu" WITH KEY IN ("host", "dc") WHERE dc = \'x\' LIMIT 5; SHOW MEASUREMENTS WITH MEASUREMENT =~ /c.*/; CREATE DATABASE d WITH DURATION 7d REPLICATION 1 SHARD DURATION 1d NAME week; CREATE RETENTION POLICY r ON d DURATION INF REPLICATION 1 DEFAULT; ALTER RETENTION POLICY r ON d DURATION 2h; DROP RETENTION POLICY r ON d',
    );
    const tv = a as ShowStatement;
    assert.equal(tv.kind, 'show_tag_values');
    assert.equal(tv.database, 'db');
    assert.deepEqual(tv.key, { op: 'IN', values: ['host', 'dc'] });
    assert.equal(tv.limit, 5);
    assert.ok((b as ShowStatement).measurement instanceof RegExp);
    assert.deepEqual(c, { kind: 'create_database', name: 'd', rp: { duration: 7 * 86400e9, replication: 1, shardDuration: 86400e9, name: 'week' } });
    assert.deepEqual(d, { kind: 'create_retention_policy', database: 'd', rp: { name: 'r', duration: 0, replication: 1, default: true } });
    assert.deepEqual(e, { kind: 'alter_retention_policy', database: 'd', name: 'r', rp: { duration: 7200e9 } });
    assert.deepEqual(f, { kind: 'drop_retention_policy', database: 'd', name: 'r' });
  });

  it('reports errors as InfluxDB words them, with line and char', () => {
    assert.throws(() => parseQuery('SELECT v FROM m WHERE'), { message: 'error parsing query: found EOF, expected identifier, string, number, bool at line 1, char 22' });
    assert.throws(() => parseQuery('SELECT v\nFROM m GROUP BY time()'), { message: 'error parsing query: found ), expected duration at line 2, char 22' });
    assert.throws(() => parseQuery("SELECT v FROM m WHERE host = 'a"), { message: 'error parsing query: unterminated string at line 1, char 30' });
    assert.throws(() => parseQuery('SELECT v FROM (SELECT v FROM m)'), { code: 'E_INFLUXQL_PARSE_TEXT' });
    assert.throws(() => parseQuery(''), { code: 'E_INFLUXQL_PARSE' });
  });
});
