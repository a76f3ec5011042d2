// The conformance cases every MetaStore implementation must pass (DESIGN principle 3).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetaStore } from './meta-store.ts';

export interface MetaStoreCaseOptions {
  name: string;
  /** A fresh, empty store for each case. */
  create(): Promise<MetaStore>;
}

export function runMetaStoreCases({ name, create }: MetaStoreCaseOptions): void {
  describe(`MetaStore conformance: ${name}`, () => {
    it('stores, replaces and deletes documents', async () => {
      const store = await create();
      const tasks = store.documents<{ script: string }>('tasks');
      assert.equal(await tasks.get('a'), undefined);
      await tasks.put('a', { script: 'one' });
      assert.deepEqual(await tasks.get('a'), { script: 'one' });
      await tasks.put('a', { script: 'two' });
      assert.deepEqual(await tasks.get('a'), { script: 'two' });
      assert.equal(await tasks.delete('a'), true);
      assert.equal(await tasks.delete('a'), false);
      assert.equal(await tasks.get('a'), undefined);
      await store.close();
    });

    it('insert refuses a taken id and keeps the stored document', async () => {
      const store = await create();
      const docs = store.documents<number>('things');
      assert.equal(await docs.insert('x', 1), true);
      assert.equal(await docs.insert('x', 2), false);
      assert.equal(await docs.get('x'), 1);
      await store.close();
    });

    it('keeps kinds apart', async () => {
      const store = await create();
      await store.documents<number>('a').put('id', 1);
      await store.documents<number>('b').put('id', 2);
      assert.equal(await store.documents<number>('a').get('id'), 1);
      assert.equal(await store.documents<number>('b').get('id'), 2);
      assert.equal(await store.documents<number>('a').count(), 1);
      await store.close();
    });

    it('lists documents in byte order of id with prefix, offset and limit', async () => {
      const store = await create();
      const docs = store.documents<string>('ids');
      for (const id of ['b', 'a', 'B', 'ab', 'é', 'a-1', 'z']) await docs.put(id, id.toUpperCase());
      assert.deepEqual(
        (await docs.list()).map((d) => d.id),
        ['B', 'a', 'a-1', 'ab', 'b', 'z', 'é'],
      );
      assert.deepEqual(
        (await docs.list({ prefix: 'a' })).map((d) => d.id),
        ['a', 'a-1', 'ab'],
      );
      assert.deepEqual(
        (await docs.list({ offset: 1, limit: 2 })).map((d) => d.doc),
        ['A', 'A-1'],
      );
      assert.equal(await docs.count('a'), 3);
      assert.equal(await docs.count(), 7);
      await store.close();
    });

    it('returns copies: changing a returned document does not change the stored one', async () => {
      const store = await create();
      const docs = store.documents<{ n: number }>('copies');
      await docs.put('x', { n: 1 });
      const got = (await docs.get('x'))!;
      got.n = 99;
      assert.deepEqual(await docs.get('x'), { n: 1 });
      await store.close();
    });

    it('orders timeline records by time and id within a partition', async () => {
      const store = await create();
      const tl = store.timeline<string>('events');
      await tl.put({ partition: 'p', time: 30, id: '' }, 'c');
      await tl.put({ partition: 'p', time: 10, id: 'b' }, 'b');
      await tl.put({ partition: 'p', time: 10, id: 'a' }, 'a');
      await tl.put({ partition: 'q', time: 20, id: '' }, 'other');
      assert.deepEqual(
        (await tl.range('p')).map((r) => r.doc),
        ['a', 'b', 'c'],
      );
      assert.deepEqual(
        (await tl.range('p', { order: 'desc', limit: 2 })).map((r) => r.doc),
        ['c', 'b'],
      );
      assert.deepEqual(
        (await tl.range('p', { from: 11, to: 30 })).map((r) => [r.partition, r.time, r.id, r.doc]),
        [['p', 30, '', 'c']],
      );
      assert.equal(await tl.count('p', { to: 10 }), 2);
      assert.deepEqual(await tl.partitions(), ['p', 'q']);
      await store.close();
    });

    it('replaces, deletes and range-deletes timeline records', async () => {
      const store = await create();
      const tl = store.timeline<number>('history');
      const key = { partition: 'job', time: 5, id: 'run1' };
      await tl.put(key, 1);
      await tl.put(key, 2);
      assert.equal(await tl.get(key), 2);
      assert.equal(await tl.delete(key), true);
      assert.equal(await tl.get(key), undefined);
      for (let t = 0; t < 10; t++) await tl.put({ partition: 'job', time: t, id: '' }, t);
      assert.equal(await tl.deleteRange('job', { from: 3, to: 6 }), 4);
      assert.deepEqual(
        (await tl.range('job')).map((r) => r.time),
        [0, 1, 2, 7, 8, 9],
      );
      await store.close();
    });

    it('commits a transaction as a whole and rolls it back as a whole', async () => {
      const store = await create();
      const docs = store.documents<number>('tx');
      await store.transaction(async () => {
        await docs.put('a', 1);
        await docs.put('b', 2);
      });
      assert.equal(await docs.count(), 2);
      await assert.rejects(
        store.transaction(async () => {
          await docs.put('c', 3);
          await docs.delete('a');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(
        (await docs.list()).map((d) => d.id),
        ['a', 'b'],
      );
      await store.close();
    });
  });
}
