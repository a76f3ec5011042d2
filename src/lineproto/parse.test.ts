// Table tests of the line-protocol grammar: escapes, types, timestamps, precisions and every error.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fields, Tags } from '../core/point.ts';
import { LineProtocolError } from './errors.ts';
import { formatPoint } from './format.ts';
import { parseLineProtocol } from './parse.ts';
import type { Precision } from './precision.ts';

const NOW = { ms: 1_700_000_000_123, ns: 456_789 };

function parse(text: string, precision: Precision = 'n') {
  return parseLineProtocol(Buffer.from(text), { database: 'db', retentionPolicy: 'rp', precision, now: NOW });
}

function one(text: string, precision: Precision = 'n') {
  const batch = parse(text, precision);
  assert.equal(batch.length, 1, `expected one point from ${JSON.stringify(text)}`);
  return batch.point(0);
}

function reasonOf(text: string): string {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof LineProtocolError);
    return err.lines[0].reason;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('line protocol: accepted lines', () => {
  const cases: Array<[string, string, Tags, Fields]> = [
    ['cpu value=1', 'cpu', {}, { value: 1 }],
    ['cpu,host=a value=1.5', 'cpu', { host: 'a' }, { value: 1.5 }],
    ['cpu,b=2,a=1 v=1', 'cpu', { a: '1', b: '2' }, { v: 1 }],
    ['cpu v=-1.5e3,w=.5,x=1E-2', 'cpu', {}, { v: -1500, w: 0.5, x: 0.01 }],
    ['cpu n=42i,m=-7i', 'cpu', {}, { n: 42n, m: -7n }],
    ['cpu n=9223372036854775807i', 'cpu', {}, { n: 9223372036854775807n }],
    ['cpu n=-9223372036854775808i', 'cpu', {}, { n: -9223372036854775808n }],
    ['cpu s="hello world"', 'cpu', {}, { s: 'hello world' }],
    ['cpu s="a \\"quoted\\" \\\\ b"', 'cpu', {}, { s: 'a "quoted" \\ b' }],
    ['cpu s="keeps \\n as two chars"', 'cpu', {}, { s: 'keeps \\n as two chars' }],
    ['cpu s="comma, space= and newline\nin a string"', 'cpu', {}, { s: 'comma, space= and newline\nin a string' }],
    ['cpu s=""', 'cpu', {}, { s: '' }],
    ['my\\ cpu\\,x,t=1 v=1', 'my cpu,x', { t: '1' }, { v: 1 }],
    ['cpu\\=x v=1', 'cpu\\=x', {}, { v: 1 }],
    ['cpu,ta\\ g\\,k\\=ey=va\\ l\\,u\\=e v=1', 'cpu', { 'ta g,k=ey': 'va l,u=e' }, { v: 1 }],
    ['cpu f\\ i\\,e\\=ld=1', 'cpu', {}, { 'f i,e=ld': 1 }],
    ['cpu,host=é unicode="ünï"', 'cpu', { host: 'é' }, { unicode: 'ünï' }],
    ['cpu a=t,b=T,c=true,d=True,e=TRUE', 'cpu', {}, { a: true, b: true, c: true, d: true, e: true }],
    ['cpu a=f,b=F,c=false,d=False,e=FALSE', 'cpu', {}, { a: false, b: false, c: false, d: false, e: false }],
    ['  cpu v=1', 'cpu', {}, { v: 1 }],
    ['cpu   v=1   ', 'cpu', {}, { v: 1 }],
  ];
  for (const [text, name, tags, fields] of cases) {
    it(JSON.stringify(text), () => {
      const p = one(text);
      assert.equal(p.name, name);
      assert.deepEqual(p.tags, tags);
      assert.deepEqual(p.fields, fields);
      assert.equal(p.database, 'db');
      assert.equal(p.retentionPolicy, 'rp');
    });
  }

  it('keeps tags sorted by key in the series key and in the point', () => {
    const batch = parse('cpu,zone=z,host=h,az=a v=1');
    assert.equal(batch.seriesKey(0), 'cpu,az=a,host=h,zone=z');
    assert.deepEqual(Object.keys(batch.point(0).tags), ['az', 'host', 'zone']);
  });

  it('ignores blank lines, comments and CRLF line ends', () => {
    const batch = parse('\n# a comment\ncpu v=1\r\n\n   \nmem v=2 10\r\n');
    assert.equal(batch.length, 2);
    assert.equal(batch.measurement(0), 'cpu');
    assert.equal(batch.measurement(1), 'mem');
    assert.equal(batch.timeNs[1], 10);
  });

  it('shares the measurement string between consecutive lines', () => {
    const batch = parse('cpu v=1\ncpu v=2\nmem v=3');
    assert.equal(batch.measurement(1), 'cpu');
    assert.equal(batch.measurement(2), 'mem');
  });
});

describe('line protocol: timestamps', () => {
  it('keeps 19-digit nanosecond timestamps exact', () => {
    const p = one('cpu v=1 1700000000123456789');
    assert.equal(p.timeMs, 1_700_000_000_123);
    assert.equal(p.timeNs, 456_789);
  });

  const precisions: Array<[Precision, string, number, number]> = [
    ['n', '1700000000123456789', 1_700_000_000_123, 456_789],
    ['u', '1700000000123456', 1_700_000_000_123, 456_000],
    ['ms', '1700000000123', 1_700_000_000_123, 0],
    ['s', '1700000000', 1_700_000_000_000, 0],
    ['m', '28333333', 1_699_999_980_000, 0],
    ['h', '472222', 1_699_999_200_000, 0],
    ['n', '0', 0, 0],
    ['n', '5', 0, 5],
    ['n', '-1', -1, 999_999],
    ['n', '-1000001', -2, 999_999],
    ['s', '-1', -1000, 0],
    ['n', '9223372036854775806', 9_223_372_036_854, 775_806],
  ];
  for (const [precision, ts, ms, ns] of precisions) {
    it(`precision ${precision}: ${ts}`, () => {
      const p = one(`cpu v=1 ${ts}`, precision);
      assert.deepEqual([p.timeMs, p.timeNs], [ms, ns]);
    });
  }

  it('stamps points without a timestamp with the request time, truncated to the precision', () => {
    const n = one('cpu v=1', 'n');
    assert.deepEqual([n.timeMs, n.timeNs], [NOW.ms, NOW.ns]);
    const u = one('cpu v=1', 'u');
    assert.deepEqual([u.timeMs, u.timeNs], [NOW.ms, 456_000]);
    const s = one('cpu v=1', 's');
    assert.deepEqual([s.timeMs, s.timeNs], [1_700_000_000_000, 0]);
  });
});

describe('line protocol: errors', () => {
  const errors: Array<[string, string]> = [
    [',host=a v=1', 'missing measurement'],
    ['cpu', 'missing fields'],
    ['cpu,host=a', 'missing fields'],
    ['cpu ', 'missing fields'],
    ['cpu,=a v=1', 'missing tag key'],
    ['cpu,host v=1', 'missing tag value'],
    ['cpu,host= v=1', 'missing tag value'],
    ['cpu,a=1,a=2 v=1', 'duplicate tags'],
    ['cpu,b=1,a=2,b=3 v=1', 'duplicate tags'],
    ['cpu,a=b=c v=1', 'invalid tag format'],
    ['cpu =1', 'missing field key'],
    ['cpu v=', 'missing field value'],
    ['cpu v=1,', 'missing field key'],
    ['cpu v', 'invalid field format'],
    ['cpu v=1 x=2', 'bad timestamp'],
    ['cpu s="open', 'unbalanced quotes'],
    ['cpu v=1.2.3', 'invalid number'],
    ['cpu v=1x', 'invalid number'],
    ['cpu v=+1', 'invalid number'],
    ['cpu v=1.5i', 'invalid number'],
    ['cpu v=1e', 'invalid number'],
    ['cpu v=12u', 'invalid number'],
    ['cpu v=NaN', 'invalid number'],
    ['cpu v=tru', 'invalid boolean'],
    ['cpu v=trUE', 'invalid boolean'],
    ['cpu v=fals', 'invalid boolean'],
    ['cpu v=1 12a', 'bad timestamp'],
    ['cpu v=1 12345678901234567890', 'bad timestamp'],
    ['cpu v=1 9223372036854775807', 'bad timestamp'],
    ['cpu v=1 1 2', 'point is invalid'],
    [
      'cpu v=9223372036854775808i',
      'unable to parse integer 9223372036854775808: strconv.ParseInt: parsing "9223372036854775808": value out of range',
    ],
  ];
  for (const [text, reason] of errors) {
    it(`${JSON.stringify(text)} → ${reason}`, () => assert.equal(reasonOf(text), reason));
  }

  it('rejects seconds timestamps that overflow int64 nanoseconds', () => {
    assert.throws(() => parse('cpu v=1 9999999999999', 's'), /bad timestamp/);
  });

  it('rejects a key longer than 65535 bytes', () => {
    assert.equal(reasonOf(`cpu,k=${'x'.repeat(70000)} v=1`), 'max key length exceeded');
  });

  it('names every bad line with its number and column, InfluxDB wording first', () => {
    try {
      parse('cpu v=1\ncpu v=\nok v=2\ncpu,host v=1');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof LineProtocolError);
      assert.equal(err.code, 'E_LINE_PROTOCOL');
      assert.equal(
        err.message,
        "unable to parse 'cpu v=': missing field value (line 2, column 7)\n" +
          "unable to parse 'cpu,host v=1': missing tag value (line 4, column 9)",
      );
    }
  });

  it('counts lines inside multi-line string fields', () => {
    try {
      parse('cpu s="a\nb"\ncpu v=');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof LineProtocolError);
      assert.equal(err.lines[0].line, 3);
    }
  });
});

describe('line protocol: format round trip', () => {
  const lines = [
    'cpu,host=a,region=eu\\ west usage=12.5,count=3i,ok=true,msg="say \\"hi\\" \\\\o/" 1700000000123456789',
    'my\\ meas\\,ure f\\=k=1 -5',
    'cpu,k\\=ey=v\\,al v=-0.000001 1',
    'cpu v=1e+21 0',
  ];
  for (const line of lines) {
    it(line, () => {
      const first = one(line);
      const again = one(formatPoint(first));
      assert.deepEqual(again, first);
    });
  }
});
