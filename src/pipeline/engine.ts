// The stream engine: runs enabled tasks, feeds them the writes of their dbrps, ticks them, serves
// their httpOut caches and live stats. The tasks service drives it through TaskExecutor.

import type { Point } from '../core/point.ts';
import type { Clock } from '../core/time.ts';
import type { PointBatch } from '../lineproto/point-batch.ts';
import type { DBRP, Pipeline } from '../tick/pipeline.ts';
import type { PipelineLogger } from './node.ts';
import type { QueryStoreResolver } from './nodes/query.ts';
import { builtinRegistry, type NodeRegistry, type TaskServices } from './node-registry.ts';
import type { HttpPoster, PointWriterResolver } from './outputs/point-writer.ts';
import { type ExecutionStats, RunningTask } from './task.ts';

/** Subscribes to the writes of one dbrp; returns the unsubscribe function (PointRouter.subscribe). */
export type Subscribe = (database: string, retentionPolicy: string, fn: (batch: PointBatch) => void) => () => void;

/** Calls `fn` every `intervalMs` until the returned function is called (setInterval in production). */
export type Repeat = (intervalMs: number, fn: () => void) => () => void;

export interface StreamEngineOptions {
  readonly clock: Clock;
  readonly subscribe: Subscribe;
  readonly repeat: Repeat;
  readonly logger: PipelineLogger;
  readonly writers?: PointWriterResolver;
  readonly http?: HttpPoster;
  readonly registry?: NodeRegistry;
  /** The stores batch tasks' query nodes read, by `.cluster()` name (none: no batch tasks). */
  readonly queryStores?: QueryStoreResolver;
  /** Default idle expiry of per-group state in ms (0 = never); a task may override it. */
  readonly groupIdleMs?: number;
  /** Wall-clock tick period for barriers, stats, output flushes and expiry (default 100 ms). */
  readonly tickMs?: number;
}

export interface StartTask {
  readonly id: string;
  readonly pipeline: Pipeline;
  readonly dbrps: readonly DBRP[];
  /** Per-task idle expiry in ms; undefined = the engine default. */
  readonly groupIdleMs?: number;
}

interface Entry {
  task: RunningTask;
  dbrps: readonly DBRP[];
  unsubscribe: (() => void)[];
}

export class StreamEngine {
  readonly registry: NodeRegistry;
  readonly #tasks = new Map<string, Entry>();
  readonly #services: TaskServices;
  readonly #options: StreamEngineOptions;
  #stopTicker: (() => void) | undefined;

  constructor(options: StreamEngineOptions) {
    this.#options = options;
    this.registry = options.registry ?? builtinRegistry();
    this.#services = {
      clock: options.clock,
      writers: options.writers ?? (() => undefined),
      loopback: (points) => this.loopback(points),
      http: options.http,
      queryStores: options.queryStores ?? (() => undefined),
    };
  }

  /** Builds and starts a task; an invalid pipeline throws and nothing is left running. */
  start(spec: StartTask): RunningTask {
    this.stop(spec.id);
    const task = new RunningTask(spec.id, spec.pipeline, this.registry, this.#services, this.#options.logger, {
      groupIdleMs: spec.groupIdleMs ?? this.#options.groupIdleMs ?? 0,
    });
    const unsubscribe: (() => void)[] = [];
    if (task.type === 'stream') {
      for (const { db, rp } of spec.dbrps) unsubscribe.push(this.#options.subscribe(db, rp, (batch) => task.ingest(batch)));
    }
    this.#tasks.set(spec.id, { task, dbrps: spec.dbrps, unsubscribe });
    this.#ensureTicker();
    return task;
  }

  /** Stops a task and frees all its state (no-op when it is not running). */
  stop(id: string): void {
    const e = this.#tasks.get(id);
    if (e === undefined) return;
    for (const u of e.unsubscribe) u();
    e.task.stop();
    this.#tasks.delete(id);
    if (this.#tasks.size === 0 && this.#stopTicker) {
      this.#stopTicker();
      this.#stopTicker = undefined;
    }
  }

  stopAll(): void {
    for (const id of [...this.#tasks.keys()]) this.stop(id);
  }

  get(id: string): RunningTask | undefined {
    return this.#tasks.get(id)?.task;
  }

  isExecuting(id: string): boolean {
    return this.#tasks.has(id);
  }

  dot(id: string, labels = false): string | undefined {
    return this.get(id)?.dot(labels);
  }

  stats(id: string): ExecutionStats | undefined {
    return this.get(id)?.executionStats();
  }

  /** The httpOut body of a running task's endpoint, or undefined when there is no such endpoint. */
  httpOut(id: string, endpoint: string): string | undefined {
    return this.get(id)?.httpOut(endpoint)?.body();
  }

  /** kapacitorLoopback: delivers points to every running task subscribed to their db/rp. */
  loopback(points: readonly Point[]): void {
    for (const { task, dbrps } of this.#tasks.values()) {
      for (const p of points) {
        if (dbrps.some((d) => d.db === p.database && d.rp === p.retentionPolicy)) task.ingestPoint(p);
      }
    }
  }

  /** Advances every task to the clock's time (the ticker calls it; tests may call it directly). */
  tick(): void {
    const now = this.#options.clock.now();
    for (const { task } of this.#tasks.values()) task.tick(now);
  }

  #ensureTicker(): void {
    if (this.#stopTicker === undefined) this.#stopTicker = this.#options.repeat(this.#options.tickMs ?? 100, () => this.tick());
  }
}
