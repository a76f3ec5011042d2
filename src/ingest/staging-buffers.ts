// Shared memory that carries write bodies to the parse workers, reused from one write to the next.

/** Smallest buffer made, so that bodies of similar sizes share buffers. */
const MIN_BYTES = 64 * 1024;

/**
 * A free list of SharedArrayBuffers. A body is copied into a borrowed buffer, scanned there by a
 * worker and the buffer released once the worker answered: the bytes the batch keeps are the
 * caller's own. Reuse matters because a new SharedArrayBuffer is mapped and zero-filled afresh
 * each time (about a millisecond for half a megabyte on a small VM), while a copy into memory
 * already mapped costs a few tens of microseconds.
 */
export class StagingBuffers {
  readonly #free: SharedArrayBuffer[] = [];
  readonly #keep: number;

  /** `keep`: at most this many free buffers are held (the rest are left to the collector). */
  constructor(keep: number) {
    this.#keep = keep;
  }

  /** A buffer of at least `bytes` bytes, not in use elsewhere until released. */
  borrow(bytes: number): SharedArrayBuffer {
    const free = this.#free;
    for (let i = 0; i < free.length; i++) {
      if (free[i].byteLength >= bytes) {
        const found = free[i];
        free[i] = free[free.length - 1];
        free.pop();
        return found;
      }
    }
    return new SharedArrayBuffer(Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(bytes))));
  }

  /** Gives a borrowed buffer back; when the list is full the smallest buffer is dropped. */
  release(buffer: SharedArrayBuffer): void {
    const free = this.#free;
    free.push(buffer);
    if (free.length <= this.#keep) return;
    let smallest = 0;
    for (let i = 1; i < free.length; i++) if (free[i].byteLength < free[smallest].byteLength) smallest = i;
    free[smallest] = free[free.length - 1];
    free.pop();
  }

  /** Buffers held for reuse. */
  get size(): number {
    return this.#free.length;
  }
}
