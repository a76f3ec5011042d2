// Scans large write bodies on worker threads, so that the event loop routes one write to the
// stream tasks and the store while the next is being scanned; small bodies are parsed inline.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LineProtocolError } from '../lineproto/errors.ts';
import { type ParseOptions, parseLineProtocol } from '../lineproto/parse.ts';
import { PointBatch } from '../lineproto/point-batch.ts';
import type { ScanReply, ScanRequest, WorkerReady } from './parse-messages.ts';
import { BufferPool } from './buffer-pool.ts';

/** Below this size a worker round trip (about a tenth of a millisecond) costs more than it saves. */
export const OFF_THREAD_MIN_BYTES = 64 * 1024;

/** Body memory above this size is not kept for reuse, so that a few huge writes do not pin their memory. */
const POOLED_BODY_MAX_BYTES = 8 * 1024 * 1024;

/** Released column buffers held until the next body takes them to a worker. */
const SPARE_LIMIT = 8;

/** Memory of a batch scanned on a worker that `release` takes back. */
interface Lent {
  /** The body's buffer when it came from `allocate`. */
  body: ArrayBuffer | undefined;
  /** The buffers of its columns and decoded fields. */
  columns: ArrayBuffer[];
}

/** One worker per core beyond the event loop's own, at most two: scanning is about a fifth of a write. */
export function defaultParseWorkers(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 1));
}

/** Starts parse-worker: compiled JavaScript after a build, or its TypeScript source under tsx. */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', import.meta.url));
  // tsx's loader hooks are not inherited by worker threads, so the worker loads its entry through tsx's API.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./parse-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((api) => api.tsImport(${entry}, ${entry}))`, { eval: true });
}

interface Pending {
  resolve(reply: ScanReply): void;
  reject(err: Error): void;
}

/** One worker thread, started on first use and again after a crash. */
class ParseWorker {
  #worker: Worker | undefined;
  #ready: Promise<void> = Promise.resolve();
  readonly #pending = new Map<number, Pending>();

  /** Starts the worker now and resolves once it takes requests. */
  async start(): Promise<void> {
    if (this.#worker === undefined) this.#start();
    await this.#ready;
  }

  scan(request: ScanRequest): Promise<ScanReply> {
    const worker = this.#worker ?? this.#start();
    return new Promise((resolve, reject) => {
      this.#pending.set(request.id, { resolve, reject });
      // A buffer of this thread's own (from `allocate`) is moved, and comes back with the reply.
      const moved = request.body instanceof SharedArrayBuffer ? request.spare : [request.body, ...request.spare];
      worker.postMessage(request, moved);
    });
  }

  #start(): Worker {
    const worker = startWorker();
    // An idle worker must not keep the process alive; pending writes keep their HTTP requests open.
    worker.unref();
    let ready: () => void = () => {};
    let failed: (err: Error) => void = () => {};
    this.#ready = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    this.#ready.catch(() => {});
    worker.on('message', (reply: ScanReply | WorkerReady) => {
      if ('ready' in reply) return ready();
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      pending?.resolve(reply);
    });
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      failed(err);
      for (const pending of this.#pending.values()) pending.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`line-protocol parse worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}

/**
 * Whether writes to a database are likely to be stored (their field values are then decoded on the
 * worker too); a hint: a wrong guess only moves that work back to the event loop or wastes it.
 */
export type DecodeFieldsHint = (database: string) => boolean;

/** `parse` gives the same PointBatch (or LineProtocolError) as parseLineProtocol, off the event loop for large bodies. */
export class OffThreadParser {
  readonly #workers: ParseWorker[];
  readonly #minBytes: number;
  readonly #decodeFields: DecodeFieldsHint;
  readonly #staging: BufferPool<SharedArrayBuffer>;
  readonly #bodies: BufferPool<ArrayBuffer>;
  /** Buffers from `allocate` that `parse` may move to a worker. */
  readonly #owned = new WeakSet<ArrayBuffer>();
  readonly #lent = new WeakMap<PointBatch, Lent>();
  /** Column buffers of released batches, for the next body to take to a worker. */
  #spare: ArrayBuffer[] = [];
  #next = 0;
  #ids = 0;

  constructor(workers: number, minBytes = OFF_THREAD_MIN_BYTES, decodeFields: DecodeFieldsHint = () => false) {
    this.#workers = Array.from({ length: workers }, () => new ParseWorker());
    this.#minBytes = minBytes;
    this.#decodeFields = decodeFields;
    // Enough for the bodies that are usually in flight at once, a few per worker.
    const keep = 4 * Math.max(1, workers);
    this.#staging = new BufferPool((bytes) => new SharedArrayBuffer(bytes), keep);
    // Not zero-filled: a body is read only as far as it was written (see `allocate`).
    this.#bodies = new BufferPool((bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer, keep, POOLED_BODY_MAX_BYTES);
  }

  /**
   * Memory for a body of `length` bytes that `parse` then owns: a large body read straight into it
   * (by the write route) is moved to the worker and back without a copy. The caller must fill all
   * of it (it may hold an earlier body's bytes) and not use it after handing it to `parse`, which
   * detaches it. Its batch's memory can be given back with `release` once the write is done.
   */
  allocate(length: number): Buffer {
    if (this.#workers.length === 0 || length < this.#minBytes) return Buffer.allocUnsafe(length);
    const buffer = this.#bodies.borrow(length);
    this.#owned.add(buffer);
    return Buffer.from(buffer, 0, length);
  }

  /**
   * Takes back the memory of a batch from `parse` once nothing reads the batch any more (the write
   * is stored and answered): its body for the next `allocate` when it came from there, and the
   * columns a worker scanned it into for the worker to reuse. Other batches are ignored.
   */
  release(batch: PointBatch): void {
    const lent = this.#lent.get(batch);
    if (lent === undefined) return;
    this.#lent.delete(batch);
    if (lent.body !== undefined) this.#bodies.release(lent.body);
    for (const buffer of lent.columns) if (this.#spare.length < SPARE_LIMIT) this.#spare.push(buffer);
  }

  async parse(body: Uint8Array, options: ParseOptions): Promise<PointBatch> {
    if (this.#workers.length === 0 || body.length < this.#minBytes) return parseLineProtocol(body, options);
    const worker = this.#workers[this.#next++ % this.#workers.length];
    const decodeFields = this.#decodeFields(options.database);
    const spare = this.#spare;
    this.#spare = [];
    const scan = { id: this.#ids++, length: body.length, precision: options.precision, now: options.now, decodeFields, spare };
    let reply: ScanReply;
    if (this.#owns(body)) {
      this.#owned.delete(body.buffer as ArrayBuffer);
      reply = await worker.scan({ ...scan, body: body.buffer as ArrayBuffer });
    } else {
      // Anybody else's body is copied into a reused staging buffer for the worker; the batch then
      // points into the caller's body, as parseLineProtocol's does.
      const staging = this.#staging.borrow(body.length);
      new Uint8Array(staging, 0, body.length).set(body);
      try {
        reply = await worker.scan({ ...scan, body: staging });
      } finally {
        this.#staging.release(staging);
      }
    }
    if ('cols' in reply) {
      const bytes = reply.body === undefined ? body : new Uint8Array(reply.body, 0, scan.length);
      const batch = new PointBatch(options.database, options.retentionPolicy, bytes, reply.length, reply.cols, reply.fields);
      const columns = [reply.cols.lineStart.buffer as ArrayBuffer];
      if (reply.fields !== undefined) columns.push(reply.fields.numbers.buffer as ArrayBuffer);
      this.#lent.set(batch, { body: reply.body, columns });
      return batch;
    }
    if ('lineErrors' in reply) throw new LineProtocolError(reply.lineErrors);
    throw new Error(reply.failure);
  }

  /** Whether `body` is the memory `allocate` gave for it (the start of a pooled buffer), not yet parsed. */
  #owns(body: Uint8Array): boolean {
    return this.#owned.has(body.buffer as ArrayBuffer) && body.byteOffset === 0;
  }

  /** Boots every worker now rather than at the first large body. */
  async start(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.start()));
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }
}
