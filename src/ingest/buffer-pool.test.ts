// BufferPool: buffers come back for reuse, are never lent twice at once, and only a few are kept.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from './buffer-pool.ts';

const shared = (keep: number) => new BufferPool((bytes) => new SharedArrayBuffer(bytes), keep);

describe('BufferPool', () => {
  it('lends a released buffer again for a body that fits it', () => {
    const pool = shared(4);
    const a = pool.borrow(100_000);
    assert.ok(a.byteLength >= 100_000);
    pool.release(a);
    assert.equal(pool.borrow(90_000), a);
    assert.equal(pool.size, 0);
  });

  it('makes a new buffer while the others are lent, or when none is large enough', () => {
    const pool = shared(4);
    const a = pool.borrow(1000);
    const b = pool.borrow(1000);
    assert.notEqual(a, b);
    pool.release(a);
    const large = pool.borrow(a.byteLength + 1);
    assert.notEqual(large, a);
    assert.ok(large.byteLength > a.byteLength);
  });

  it('keeps at most the given number of free buffers, dropping the smallest', () => {
    const pool = shared(2);
    const buffers = [pool.borrow(1), pool.borrow(200_000), pool.borrow(500_000)];
    for (const b of buffers) pool.release(b);
    assert.equal(pool.size, 2);
    assert.equal(pool.borrow(400_000), buffers[2]);
    assert.equal(pool.borrow(150_000), buffers[1]);
  });

  it('never holds a buffer above its largest size', () => {
    const pool = new BufferPool((bytes) => new ArrayBuffer(bytes), 4, 128 * 1024);
    const small = pool.borrow(100_000);
    const large = pool.borrow(200_000);
    pool.release(small);
    pool.release(large);
    assert.equal(pool.size, 1);
    assert.equal(pool.borrow(1), small);
  });
});
