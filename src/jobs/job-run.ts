// One run of a job plan: reader workers over splits, rows pushed through transforms into sinks, checkpoints.

import type { JsonValue } from './config/hocon.ts';
import type { JobMode } from './config/job-config.ts';
import type { SourceReader, SourceSplit } from './connectors/contract.ts';
import type { JobMetrics, MetricsSnapshot } from './metrics.ts';
import type { JobPlan, PlannedSink } from './plan.ts';
import { checkpointExpired, connectorFailed } from './errors.ts';
import { type Row, rowBytes } from './row.ts';

/** What a checkpoint stores: every split's offset, the sinks' prepared commits, and the metrics. */
export interface Checkpoint {
  id: number;
  time: number;
  splits: Record<string, SourceSplit[]>;
  commits: Record<string, JsonValue>;
  metrics: MetricsSnapshot;
}

export type RunEnd = 'FINISHED' | 'CANCELED' | 'SAVEPOINT';

/** How long a failed or forced run waits for in-flight work and for connectors to close. */
const CLOSE_GRACE_MS = 5_000;

export interface RunOptions {
  mode: JobMode;
  checkpointInterval?: number;
  /** A checkpoint (or savepoint) that takes longer fails the run (`checkpoint.timeout`, default 60 s). */
  checkpointTimeout?: number;
  restore?: Checkpoint;
  metrics: JobMetrics;
  saveCheckpoint: (cp: Checkpoint) => Promise<void>;
  now: () => number;
}

/** Lets reads run concurrently but lets a checkpoint wait for them to drain and hold new ones back. */
class Gate {
  #active = 0;
  #paused: Promise<void> | undefined;
  #resume: (() => void) | undefined;
  #drained: (() => void) | undefined;

  enter(): void | Promise<void> {
    if (this.#paused) return this.#paused.then(() => this.enter());
    this.#active++;
  }
  leave(): void {
    this.#active--;
    if (this.#active === 0 && this.#drained) {
      this.#drained();
      this.#drained = undefined;
    }
  }
  async pause(): Promise<void> {
    while (this.#paused) await this.#paused;
    this.#paused = new Promise((r) => (this.#resume = r));
    if (this.#active > 0) await new Promise<void>((r) => (this.#drained = r));
  }
  resume(): void {
    const r = this.#resume;
    this.#paused = undefined;
    this.#resume = undefined;
    r?.();
  }
}

interface SinkSlot {
  planned: PlannedSink;
  index: number;
  busy: Promise<void> | undefined;
}

/**
 * Who reads a dataset. `offset` is where the dataset's tables start in the consumer's table list
 * (a consumer reading several datasets numbers their tables one after the other).
 */
type Consumer = { kind: 'transform'; index: number; offset: number } | { kind: 'sink'; slot: SinkSlot; offset: number };

export class JobRun {
  readonly #plan: JobPlan;
  readonly #opts: RunOptions;
  readonly #gate = new Gate();
  readonly #consumers = new Map<string, Consumer[]>();
  readonly #slots: SinkSlot[];
  readonly #splits = new Map<number, SourceSplit[]>();
  #stop: 'cancel' | 'savepoint' | undefined;
  #failure: unknown;
  #wake: (() => void) | undefined;
  #wakeSignal: Promise<void>;
  #checkpointId: number;
  #checkpointing: Promise<void> | undefined;

  constructor(plan: JobPlan, opts: RunOptions) {
    this.#plan = plan;
    this.#opts = opts;
    this.#checkpointId = opts.restore?.id ?? 0;
    this.#wakeSignal = new Promise((r) => (this.#wake = r));
    this.#slots = plan.sinks.map((planned, index) => ({ planned, index, busy: undefined }));
    const add = (dataset: string, c: Consumer) => {
      const list = this.#consumers.get(dataset) ?? [];
      list.push(c);
      this.#consumers.set(dataset, list);
    };
    const width = (d: string) => plan.tables.get(d)?.length ?? 0;
    plan.transforms.forEach((t, index) => {
      let offset = 0;
      for (const d of t.inputs) {
        add(d, { kind: 'transform', index, offset });
        offset += width(d);
      }
    });
    for (const slot of this.#slots) {
      let offset = 0;
      for (const d of slot.planned.inputs) {
        add(d, { kind: 'sink', slot, offset });
        offset += width(d);
      }
    }
  }

  /** Stops reading; `savepoint` first takes a final checkpoint so a later run continues exactly there. */
  stop(kind: 'cancel' | 'savepoint', force = false): void {
    // `force` turns a pending savepoint into a plain cancel (SeaTunnel 2.3.11's stop-job force flag).
    if (this.#stop === undefined || force) this.#stop = kind;
    this.#requested = this.#stop;
    this.#wake?.();
    // A forced stop does not wait for reads or writes that may never return.
    if (force) this.#abandon();
  }

  /** Resolves when the run stops waiting for its workers (a forced stop, an expired checkpoint, a failure's grace). */
  #abandonResolve: (() => void) | undefined;
  #abandoned: Promise<void> = new Promise((r) => (this.#abandonResolve = r));
  #abandon(): void {
    this.#abandonResolve?.();
  }

  /** Waits for `p`, or stops waiting once the run is abandoned. */
  #orAbandon(p: Promise<unknown>): Promise<unknown> {
    return Promise.race([p, this.#abandoned]);
  }

  #timed<T>(p: Promise<T>, id: number): Promise<T> {
    const ms = this.#opts.checkpointTimeout ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(checkpointExpired(id, ms)), ms);
    });
    return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
  }

  /** The stop a caller asked for (a failure stops the run too, but is not a request). */
  get stopping(): 'cancel' | 'savepoint' | undefined {
    return this.#requested;
  }

  #requested: 'cancel' | 'savepoint' | undefined;

  async run(): Promise<RunEnd> {
    const { restore, metrics } = this.#opts;
    const sinks = this.#plan.sinks;
    const opened: PlannedSink[] = [];
    try {
      for (const k of sinks) {
        for (const [t, table] of k.tables.entries()) {
          await k.sink.open(table);
          if (t === 0) opened.push(k);
        }
      }
      // Data a crashed run prepared and checkpointed but may not have committed (commits are idempotent).
      if (restore) for (const [i, info] of Object.entries(restore.commits)) await sinks[Number(i)].sink.commit(info);
      for (let i = 0; i < this.#plan.sources.length; i++) {
        const s = this.#plan.sources[i];
        const restored = restore?.splits[String(i)];
        this.#splits.set(i, restored ? structuredClone(restored) : await s.source.splits(s.parallelism));
      }
      metrics.start();
      const workers: Promise<void>[] = [];
      for (let i = 0; i < this.#plan.sources.length; i++) {
        const s = this.#plan.sources[i];
        const splits = this.#splits.get(i)!;
        const n = Math.max(1, Math.min(s.parallelism, splits.length));
        for (let w = 0; w < n; w++) {
          const mine = splits.filter((_, k) => k % n === w);
          workers.push(this.#worker(i, w, mine));
        }
      }
      const ticker = this.#ticker();
      await this.#orAbandon(Promise.all(workers));
      this.#wake?.();
      await this.#orAbandon(ticker);
      if (this.#checkpointing) await this.#orAbandon(this.#checkpointing);
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#stop === 'cancel') {
        await this.#closeAll(opened, false);
        return 'CANCELED';
      }
      if (this.#stop === 'savepoint') {
        await this.#timed(this.#checkpoint(true), this.#checkpointId + 1);
        await this.#closeAll(opened, false);
        return 'SAVEPOINT';
      }
      // Bounded input is exhausted: make everything visible, then let sinks run their final checks.
      for (const slot of this.#slots) {
        while (slot.busy) await slot.busy;
        const info = await slot.planned.sink.prepareCommit(++this.#checkpointId);
        if (info !== undefined) await slot.planned.sink.commit(info);
      }
      metrics.markCommitted();
      metrics.stop();
      for (const k of opened) await k.sink.close(true);
      for (const s of this.#plan.sources) await s.source.close();
      return 'FINISHED';
    } catch (err) {
      metrics.stop();
      this.#stop ??= 'cancel';
      this.#wake?.();
      await this.#closeAll(opened, false).catch(() => {});
      throw err;
    } finally {
      metrics.stop();
    }
  }

  async #closeAll(opened: PlannedSink[], completed: boolean): Promise<void> {
    this.#opts.metrics.stop();
    // Releasing resources gets a bounded time: a hung connection must not keep the job from ending.
    const bounded = (p: Promise<void>) => Promise.race([p, new Promise<void>((r) => setTimeout(r, CLOSE_GRACE_MS).unref())]);
    for (const k of opened) {
      await bounded(k.sink.abort());
      await bounded(k.sink.close(completed));
    }
    for (const s of this.#plan.sources) await bounded(s.source.close());
  }

  async #sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), this.#wakeSignal]);
    clearTimeout(timer);
  }

  async #ticker(): Promise<void> {
    const interval = this.#opts.checkpointInterval;
    if (!interval) return;
    for (;;) {
      await this.#sleep(interval);
      if (this.#stop !== undefined || this.#failure !== undefined || this.#done) return;
      const id = this.#checkpointId + 1;
      this.#checkpointing = this.#timed(this.#checkpoint(false), id).catch((err) => {
        this.#fail(err);
        // An expired checkpoint means something is stuck: stop waiting for it at once.
        this.#abandon();
      });
      await this.#checkpointing;
      this.#checkpointing = undefined;
    }
  }

  #done = false;
  #live = 0;

  #fail(err: unknown): void {
    if (this.#failure === undefined) this.#failure = err;
    this.#wake?.();
    // Other workers get a grace period to finish their current step, then the run stops waiting.
    setTimeout(() => this.#abandon(), CLOSE_GRACE_MS).unref();
  }

  async #worker(sourceIndex: number, subtask: number, splits: SourceSplit[]): Promise<void> {
    this.#live++;
    const planned = this.#plan.sources[sourceIndex];
    let reader: SourceReader | undefined;
    try {
      reader = await planned.source.reader(subtask);
      const paths = planned.tables.map((t) => t.table);
      const dataset = planned.dataset;
      const emit = (rows: Row[], table = 0) => {
        const path = paths[table];
        if (path === undefined) throw connectorFailed(planned.cfg.pluginName, `emitted rows of table index ${table}, but it declares ${paths.length} table(s)`);
        let bytes = 0;
        for (const r of rows) bytes += rowBytes(r.values);
        this.#opts.metrics.addSource(path, rows.length, bytes);
        return this.#dispatch(dataset, rows, bytes, table);
      };
      let active = splits.slice();
      while (active.length > 0 && this.#stop === undefined && this.#failure === undefined) {
        let idle = 0;
        const still: SourceSplit[] = [];
        for (const split of active) {
          if (this.#stop !== undefined || this.#failure !== undefined) {
            still.push(split);
            continue;
          }
          const entered = this.#gate.enter();
          if (entered) await entered;
          let status: string;
          try {
            status = await reader.read(split, emit);
          } finally {
            this.#gate.leave();
          }
          if (status !== 'end') still.push(split);
          if (status === 'idle') idle++;
        }
        active = still;
        if (active.length > 0 && idle === active.length) await this.#sleep(100);
      }
    } catch (err) {
      this.#fail(err);
    } finally {
      await reader?.close().catch(() => {});
      if (--this.#live === 0) {
        this.#done = true;
        this.#wake?.();
      }
    }
  }

  /** Pushes a batch of one table (`table` is its index in `dataset`) to every consumer of the dataset. */
  #dispatch(dataset: string, rows: Row[], bytes: number, table: number): void | Promise<void> {
    const consumers = this.#consumers.get(dataset);
    if (!consumers) return;
    let pending: Promise<void>[] | undefined;
    for (const c of consumers) {
      let r: void | Promise<void>;
      const index = c.offset + table;
      if (c.kind === 'transform') {
        const t = this.#plan.transforms[c.index];
        const out = t.transforms[index].map(rows);
        if (out.length === 0) continue;
        let outBytes = 0;
        for (const row of out) outBytes += rowBytes(row.values);
        r = this.#dispatch(t.dataset, out, outBytes, index);
      } else {
        this.#opts.metrics.addSink(c.slot.planned.tables[index].table, rows.length, bytes);
        r = this.#write(c.slot, rows, index);
      }
      if (r) (pending ??= []).push(r);
    }
    if (pending) return pending.length === 1 ? pending[0] : Promise.all(pending).then(() => {});
  }

  /** Writes are serialised per sink: a sink never sees two overlapping write calls. */
  #write(slot: SinkSlot, rows: Row[], table: number): void | Promise<void> {
    if (slot.busy) return slot.busy.then(() => this.#write(slot, rows, table));
    const r = slot.planned.sink.write(rows, table);
    if (!r) return;
    const p = r.finally(() => {
      if (slot.busy === p) slot.busy = undefined;
    });
    slot.busy = p;
    return p;
  }

  async #checkpoint(final: boolean): Promise<void> {
    await this.#gate.pause();
    try {
      // A read that failed counted its rows but did not advance its split: a checkpoint taken now
      // would store counts and sink data ahead of the offsets, and a restore would repeat them.
      if (this.#failure !== undefined) return;
      const id = ++this.#checkpointId;
      const commits: Record<string, JsonValue> = {};
      for (const slot of this.#slots) {
        while (slot.busy) await slot.busy;
        const info = await slot.planned.sink.prepareCommit(id);
        if (info !== undefined) commits[String(slot.index)] = info;
      }
      if (this.#failure !== undefined) return;
      const splits: Record<string, SourceSplit[]> = {};
      for (const [i, list] of this.#splits) splits[String(i)] = structuredClone(list);
      // The stored metrics already count this checkpoint's rows as committed: a restore commits them again.
      const metrics = this.#opts.metrics.snapshot();
      metrics.committedCount = { ...metrics.sinkCount };
      metrics.committedBytes = { ...metrics.sinkBytes };
      await this.#opts.saveCheckpoint({ id, time: this.#opts.now(), splits, commits, metrics });
      for (const [i, info] of Object.entries(commits)) await this.#slots[Number(i)].planned.sink.commit(info);
      this.#opts.metrics.markCommitted();
    } finally {
      if (!final) this.#gate.resume();
    }
  }
}
