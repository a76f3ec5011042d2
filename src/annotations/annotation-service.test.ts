import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SqliteMetaStore } from '../meta/sqlite-meta-store.ts';
import { AnnotationService } from './annotation-service.ts';

let meta: SqliteMetaStore;
let service: AnnotationService;
beforeEach(() => {
  meta = new SqliteMetaStore({ path: ':memory:' });
  service = new AnnotationService(meta);
});
afterEach(() => meta.close());

describe('AnnotationService', () => {
  it('one annotation per (TSUID, start): POST merges, PUT replaces, nothing changed is undefined', async () => {
    const S = 1369141261;
    assert.equal(await service.write({ tsuid: 'ab', startTime: S }, 'merge'), undefined);
    assert.equal(await service.get('ab', S), undefined);
    await service.write({ tsuid: 'ab', startTime: S, description: 'd', notes: 'n' }, 'merge');
    // The same key in whole milliseconds, the TSUID in upper case.
    const merged = await service.write({ tsuid: 'AB', startTime: S * 1000, endTime: S + 50 }, 'merge');
    assert.deepEqual(merged, { tsuid: 'AB', startTime: S, endTime: S + 50, description: 'd', notes: 'n', custom: null });
    const replaced = await service.write({ tsuid: 'ab', startTime: S, custom: { k: 'v' } }, 'replace');
    assert.deepEqual(replaced, { tsuid: 'ab', startTime: S, endTime: 0, description: '', notes: '', custom: { k: 'v' } });
    assert.equal(await service.count('AB'), 1);
  });

  it('writeMany validates every element before writing any', async () => {
    await assert.rejects(
      service.writeMany(
        [
          { tsuid: '', startTime: 5, description: 'ok' },
          { tsuid: 'zz', startTime: 6, description: 'bad hex' },
        ],
        'merge',
      ),
      (err: { message: string; details: string }) =>
        err.message === 'contains illegal character for hexBinary: zz' && err.details === 'Annotation error: TSUID: zz Start: 6  Description: bad hex',
    );
    assert.equal(await service.count(''), 0);
  });

  it('deleteRange is inclusive in ms, per TSUID and for globals, and rejects end < start', async () => {
    const S = 1369141260;
    for (const t of [S, S + 1, S + 2]) await service.write({ tsuid: '', startTime: t, description: 'g' }, 'merge');
    await service.write({ tsuid: '01', startTime: S + 1, description: 'l' }, 'merge');
    await service.write({ tsuid: '01', startTime: (S + 1) * 1000 + 500, description: 'ms' }, 'merge');
    await service.write({ tsuid: '01', startTime: (S + 1) * 1000 + 501, description: 'after' }, 'merge');
    const deleted = await service.deleteRange({ global: true, tsuids: ['1'], startMs: (S + 1) * 1000, endMs: (S + 1) * 1000 + 500 });
    assert.equal(deleted, 3);
    assert.deepEqual((await service.list('', { startMs: 0, endMs: 1e13 })).map((n) => n.startTime), [S, S + 2]);
    assert.deepEqual((await service.list('01', { startMs: 0, endMs: 1e13 })).map((n) => n.description), ['after']);
    await assert.rejects(service.deleteRange({ global: true, startMs: 2, endMs: 1 }), {
      message: 'The end timestamp cannot be less than the start timestamp',
    });
  });

  it('listGlobal keeps notes whose end is unset or within the range', async () => {
    const S = 1369141200;
    await service.write({ tsuid: '', startTime: S + 100, endTime: S + 150, description: 'in' }, 'merge');
    await service.write({ tsuid: '', startTime: S + 110, description: 'open' }, 'merge');
    await service.write({ tsuid: '', startTime: S + 120, endTime: S + 500, description: 'ends after' }, 'merge');
    await service.write({ tsuid: '', startTime: S + 90, description: 'starts before' }, 'merge');
    const found = await service.listGlobal({ startMs: (S + 100) * 1000, endMs: (S + 200) * 1000 });
    assert.deepEqual(found.map((n) => n.description), ['in', 'open']);
  });
});
