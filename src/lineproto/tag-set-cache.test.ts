import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TagSetCache } from './tag-set-cache.ts';

const bytes = (s: string) => Buffer.from(s);

describe('TagSetCache', () => {
  it('finds tags by exact key bytes, also when two keys share a hash', () => {
    const cache = new TagSetCache(10);
    const a = { host: 'a' };
    const b = { host: 'b' };
    cache.add(bytes('xx cpu,host=a yy'), 3, 13, 7, a);
    cache.add(bytes('cpu,host=b'), 0, 10, 7, b);
    assert.equal(cache.find(bytes('cpu,host=a'), 0, 10, 7), a);
    assert.equal(cache.find(bytes('..cpu,host=b'), 2, 12, 7), b);
    assert.equal(cache.find(bytes('cpu,host=c'), 0, 10, 7), undefined);
    assert.equal(cache.find(bytes('cpu,host=a'), 0, 10, 8), undefined);
  });

  it('grows its key arena and starts over at its limit', () => {
    const cache = new TagSetCache(2000);
    const long = 'k'.repeat(100);
    for (let i = 0; i < 1000; i++) cache.add(bytes(`${long}${i}`), 0, long.length + String(i).length, i, { i: String(i) });
    for (let i = 0; i < 1000; i += 97) assert.deepEqual(cache.find(bytes(`${long}${i}`), 0, long.length + String(i).length, i), { i: String(i) });
    const small = new TagSetCache(2);
    small.add(bytes('a'), 0, 1, 1, { a: '1' });
    small.add(bytes('b'), 0, 1, 2, { b: '1' });
    small.add(bytes('c'), 0, 1, 3, { c: '1' });
    assert.equal(small.find(bytes('a'), 0, 1, 1), undefined);
    assert.deepEqual(small.find(bytes('c'), 0, 1, 3), { c: '1' });
  });
});
