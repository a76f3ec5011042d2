// PointBatch's allocation-free readers agree with the object ones.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fields } from '../core/point.ts';
import { parseLineProtocol } from './parse.ts';
import { FIELD_BOOLEAN, FIELD_FLOAT, FIELD_INTEGER, FIELD_STRING, FieldCursor } from './point-batch.ts';

const BODY = [
  'cpu,host=a,dc=x usage=1.5,n=-3i,big=123456789012345678i,ok=true,no=F,s="a \\"q\\" \\\\ b" 1',
  'cpu,host=a,dc=x usage=2,n=4i 2',
  'm\\ e,t\\=k=v\\ 1 f\\=x=1e3,g\\,h="x,y=z",f\\=x=2 3',
  'cpu usage=-0.000001,n=0i,T=t 4',
].join('\n');

describe('PointBatch.fieldCursor', () => {
  const batch = parseLineProtocol(Buffer.from(BODY), { database: 'db', retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } });

  it('walks each line to the same keys, kinds and values as fields(), reusing one cursor', () => {
    const cursor = new FieldCursor();
    const kinds: Record<string, number> = { number: FIELD_FLOAT, bigint: FIELD_INTEGER, string: FIELD_STRING, boolean: FIELD_BOOLEAN };
    for (let i = 0; i < batch.length; i++) {
      const walked: Fields = {};
      batch.fieldCursor(i, cursor);
      while (cursor.next()) {
        walked[cursor.key] = cursor.value();
        assert.equal(cursor.kind, kinds[typeof cursor.value()]);
      }
      assert.deepEqual(walked, batch.fields(i));
    }
    batch.fieldCursor(0, cursor);
    cursor.next();
    assert.equal(cursor.float(), 1.5);
    cursor.next();
    assert.equal(cursor.smallInteger(), -3);
    cursor.next();
    assert.equal(cursor.smallInteger(), undefined);
    assert.equal(cursor.integer(), 123456789012345678n);
  });

  it('hashes and compares series keys by their bytes as written', () => {
    assert.equal(batch.seriesKeyHash(0), batch.seriesKeyHash(1));
    assert.notEqual(batch.seriesKeyHash(0), batch.seriesKeyHash(3));
    const bytes = batch.seriesKeyBytes(0);
    assert.equal(Buffer.from(bytes).toString(), 'cpu,host=a,dc=x');
    assert.ok(batch.seriesKeyIs(1, bytes));
    assert.ok(!batch.seriesKeyIs(3, bytes));
    assert.equal(batch.body().toString(), BODY);
  });
});

describe('PointBatch projections', () => {
  const body = Buffer.from('m,t=1 a=1.5,s="x,\\"y",b=2i,c=true,d="q" 1\nm b=3i 2\n');
  const batch = parseLineProtocol(body, { database: 'd', retentionPolicy: 'r', precision: 'n', now: { ms: 0, ns: 0 } });

  it('decodes only the named fields, skipping quoted values with escapes', () => {
    assert.deepEqual(batch.fields(0, new Set(['b', 'd'])), { b: 2n, d: 'q' });
    assert.deepEqual(batch.fields(0, new Set(['s'])), { s: 'x,"y' });
    assert.deepEqual(batch.fields(1, new Set(['a'])), {});
    assert.deepEqual(batch.point(0, new Set(['c'])).fields, { c: true });
  });

  it('decodes shared points whole, whatever the projection', () => {
    const shared = parseLineProtocol(body, { database: 'd', retentionPolicy: 'r', precision: 'n', now: { ms: 0, ns: 0 } });
    shared.sharePoints();
    assert.deepEqual(shared.point(0, new Set(['c'])).fields, { a: 1.5, s: 'x,"y', b: 2n, c: true, d: 'q' });
    assert.equal(shared.point(0), shared.point(0));
  });
});

describe('PointBatch series within one write', () => {
  it('shares tags and keys between lines of one series, whatever the tag order as written', () => {
    const body = Buffer.from('m,b=1,a=2 v=1\nm,a=2,b=1 v=2\nm,b=1,a=2 v=3\nn,a=2,b=1 v=4\n');
    const batch = parseLineProtocol(body, { database: 'd', retentionPolicy: 'r', precision: 'n', now: { ms: 0, ns: 0 } });
    assert.equal(batch.tags(0), batch.tags(2));
    assert.deepEqual(batch.tags(1), { a: '2', b: '1' });
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => batch.seriesKey(i)),
      ['m,a=2,b=1', 'm,a=2,b=1', 'm,a=2,b=1', 'n,a=2,b=1'],
    );
    assert.equal(batch.seriesKeyHash(0), batch.seriesKeyHash(2));
    assert.notEqual(batch.seriesKeyHash(0), batch.seriesKeyHash(1));
  });
});
