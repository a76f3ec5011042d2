// Write-ahead log: numbered segment files of length+crc32-framed records, appended with group
// commit (every record queued while one write is in flight goes out in the next single write).

import { crc32 } from 'node:zlib';
import { type AppendFile, type Disk, joinPath } from './disk.ts';

/**
 * When a write is acknowledged relative to the disk:
 * - `always`: once the bytes are on stable storage (the segment is written with O_DSYNC, which
 *   is fdatasync as part of the write); survives a crash of the machine.
 * - `interval`: after the write reaches the OS, synced every `fsyncIntervalMs`; survives a killed
 *   process, may lose the last interval on power loss.
 * - `never`: after the write reaches the OS; the OS syncs when it likes.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

const HEADER = 8;
const SEGMENT = /^wal-(\d{8})\.log$/;

export function segmentName(n: number): string {
  return `wal-${String(n).padStart(8, '0')}.log`;
}

interface Entry {
  chunks: Uint8Array[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

type Item = Entry | { rotateTo: number };

/** The records found on open, in write order, and where appending continues. */
export interface WalRecovery {
  records: Buffer[];
  /** Segments holding records (numbers), ascending. */
  segments: number[];
  /** Bytes cut off torn or corrupt tails. */
  truncatedBytes: number;
}

export class WriteAheadLog {
  readonly #disk: Disk;
  readonly #dir: string;
  readonly #policy: FsyncPolicy;
  #file: AppendFile;
  #segment: number;
  #queue: Item[] = [];
  #draining = false;
  #idle: Array<() => void> = [];
  #dirty = false;
  #failure: unknown;
  #closed = false;

  private constructor(disk: Disk, dir: string, policy: FsyncPolicy, file: AppendFile, segment: number) {
    this.#disk = disk;
    this.#dir = dir;
    this.#policy = policy;
    this.#file = file;
    this.#segment = segment;
  }

  /**
   * Reads every segment newer than `after`, cutting torn tails (a record whose length or checksum
   * does not hold ends its segment), then opens a fresh segment for appending.
   */
  static async open(disk: Disk, dir: string, policy: FsyncPolicy, after: number): Promise<{ wal: WriteAheadLog; recovery: WalRecovery }> {
    await disk.mkdir(dir);
    const numbers = (await disk.list(dir))
      .map((name) => SEGMENT.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const records: Buffer[] = [];
    const segments: number[] = [];
    let truncatedBytes = 0;
    for (const n of numbers) {
      const path = joinPath(dir, segmentName(n));
      if (n <= after) {
        await disk.remove(path);
        continue;
      }
      const data = (await disk.read(path)) ?? Buffer.alloc(0);
      const valid = readRecords(data, records);
      if (valid < data.length) {
        truncatedBytes += data.length - valid;
        const f = await disk.openAppend(path, { truncateTo: valid });
        await f.close();
      }
      segments.push(n);
    }
    const next = Math.max(after, numbers.length > 0 ? numbers[numbers.length - 1] : 0) + 1;
    const file = await disk.openAppend(joinPath(dir, segmentName(next)), { durableAppends: policy === 'always' });
    return { wal: new WriteAheadLog(disk, dir, policy, file, next), recovery: { records, segments, truncatedBytes } };
  }

  /** The segment that receives records appended now. */
  get segment(): number {
    return this.#segment;
  }

  /**
   * Queues a record, given whole or as consecutive parts (so a large part is not copied); resolves
   * when it is as durable as the policy promises.
   */
  append(payload: Uint8Array | readonly Uint8Array[]): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const parts = payload instanceof Uint8Array ? [payload] : payload;
    let length = 0;
    let sum = 0;
    for (const part of parts) {
      length += part.byteLength;
      sum = crc32(part, sum);
    }
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(length, 0);
    header.writeUInt32LE(sum, 4);
    return new Promise((resolve, reject) => {
      this.#queue.push({ chunks: [header, ...parts], resolve, reject });
      this.#kick();
    });
  }

  /**
   * Starts a new segment: records appended before this call land in the old one, which is returned.
   * Synchronous, so a caller can capture in-memory state that matches exactly the closed segments.
   */
  rotate(): number {
    const old = this.#segment;
    this.#segment++;
    this.#queue.push({ rotateTo: this.#segment });
    this.#kick();
    return old;
  }

  /** Deletes segments up to and including `n` (they are covered by a snapshot). */
  async removeThrough(n: number): Promise<void> {
    for (const name of await this.#disk.list(this.#dir)) {
      const m = SEGMENT.exec(name);
      if (m !== null && Number(m[1]) <= n) await this.#disk.remove(joinPath(this.#dir, name));
    }
  }

  /** Syncs if anything was written since the last sync (the `interval` policy's timer calls this). */
  async syncIfDirty(): Promise<void> {
    await this.#whenIdle();
    if (!this.#dirty || this.#closed) return;
    this.#dirty = false;
    await this.#file.sync();
  }

  async close(): Promise<void> {
    await this.#whenIdle();
    if (this.#closed) return;
    this.#closed = true;
    if (this.#dirty) await this.#file.sync();
    await this.#file.close();
  }

  #whenIdle(): Promise<void> {
    if (!this.#draining && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #kick(): void {
    if (this.#draining) return;
    this.#draining = true;
    // setImmediate lets every write issued in this turn of the event loop join the same commit.
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const items = this.#queue;
      this.#queue = [];
      let batch: Entry[] = [];
      for (const item of items) {
        if ('rotateTo' in item) {
          await this.#commit(batch);
          batch = [];
          await this.#switchSegment(item.rotateTo);
        } else {
          batch.push(item);
        }
      }
      await this.#commit(batch);
    }
    this.#draining = false;
    const idle = this.#idle;
    this.#idle = [];
    for (const f of idle) f();
  }

  async #commit(batch: Entry[]): Promise<void> {
    if (batch.length === 0) return;
    if (this.#failure !== undefined) {
      for (const e of batch) e.reject(this.#failure);
      return;
    }
    try {
      const chunks: Uint8Array[] = [];
      for (const e of batch) chunks.push(...e.chunks);
      // Under `always` the segment was opened for durable appends: the write is the sync.
      await this.#file.append(chunks);
      if (this.#policy !== 'always') this.#dirty = true;
      for (const e of batch) e.resolve();
    } catch (err) {
      // A failed append leaves the file in an unknown state: refuse further writes.
      this.#failure = err;
      for (const e of batch) e.reject(err);
    }
  }

  async #switchSegment(n: number): Promise<void> {
    try {
      if (this.#dirty || this.#policy !== 'always') await this.#file.sync();
      this.#dirty = false;
      await this.#file.close();
      this.#file = await this.#disk.openAppend(joinPath(this.#dir, segmentName(n)), { durableAppends: this.#policy === 'always' });
    } catch (err) {
      this.#failure = err;
    }
  }
}

/** Appends the payloads of valid records to `out`; returns the length of the valid prefix. */
function readRecords(data: Buffer, out: Buffer[]): number {
  let pos = 0;
  while (pos + HEADER <= data.length) {
    const len = data.readUInt32LE(pos);
    const sum = data.readUInt32LE(pos + 4);
    const end = pos + HEADER + len;
    if (end > data.length) break;
    const payload = data.subarray(pos + HEADER, end);
    if (crc32(payload) !== sum) break;
    out.push(payload);
    pos = end;
  }
  return pos;
}
