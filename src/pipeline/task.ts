// A running task: the node graph built from a pipeline description, fed with writes, ticked by the
// wall clock for batch queries, barriers, stats, buffered outputs, throughput and idle-group expiry.

import type { Point } from '../core/point.ts';
import type { Instant } from '../core/time.ts';
import type { PointBatch } from '../lineproto/point-batch.ts';
import type { Pipeline, PipelineNode } from '../tick/pipeline.ts';
import { executingDot } from './dot.ts';
import { invalidNode } from './errors.ts';
import { GroupTable } from './group.ts';
import type { NodeRegistry, TaskServices } from './node-registry.ts';
import type { PipelineLogger, RunNode, TaskRuntime } from './node.ts';
import { BarrierNode } from './nodes/barrier.ts';
import { BatchNode } from './nodes/batch.ts';
import { HttpOutNode } from './nodes/http-out.ts';
import { InfluxDBOutNode } from './nodes/influxdb-out.ts';
import { QueryNode } from './nodes/query.ts';
import { StatsNode } from './nodes/stats.ts';
import { StreamNode } from './nodes/stream.ts';

export interface TaskOptions {
  /** Drop a group's state after this long without data (ms); 0 keeps groups forever, as Kapacitor does. */
  readonly groupIdleMs: number;
}

/** The task JSON's `stats` object: `{"task-stats": {...}, "node-stats": {...}}`. */
export interface ExecutionStats {
  'task-stats': { throughput: number };
  'node-stats': Record<string, Record<string, number>>;
}

export class RunningTask {
  readonly id: string;
  readonly type: 'stream' | 'batch';
  readonly nodes: RunNode[] = [];
  readonly stream: StreamNode | undefined;
  readonly batch: BatchNode | undefined;
  readonly #rt: TaskRuntime;
  readonly #httpOuts = new Map<string, HttpOutNode>();
  readonly #stats: StatsNode[] = [];
  readonly #barriers: BarrierNode[] = [];
  readonly #queries: QueryNode[] = [];
  readonly #options: TaskOptions;
  #throughput = 0;
  #lastRateMs = 0;
  #lastReceived = 0;
  #lastSweepMs = 0;
  #stopped = false;

  constructor(
    id: string,
    pipeline: Pipeline,
    registry: NodeRegistry,
    services: TaskServices,
    logger: PipelineLogger,
    options: TaskOptions,
  ) {
    this.id = id;
    this.type = pipeline.type;
    this.#options = options;
    const now = services.clock.now();
    this.#rt = { taskId: id, groups: new GroupTable(), logger, nowMs: now.ms };
    this.#rt.groups.nowMs = now.ms;
    this.#lastRateMs = now.ms;
    this.#lastSweepMs = now.ms;
    const byId = new Map<number, RunNode>();
    for (const spec of pipeline.nodes) {
      const node = this.#create(spec, registry, services, byId);
      byId.set(spec.id, node);
      this.nodes.push(node);
    }
    // Link in topological order of the children, so each node's outs follow Kapacitor's walk.
    for (const spec of pipeline.nodes) {
      const child = byId.get(spec.id)!;
      spec.parents.forEach((parentSpec, index) => {
        const parent = byId.get(parentSpec.id);
        if (parent !== undefined) parent.link(child, index);
      });
    }
    this.stream = this.nodes.find((n): n is StreamNode => n instanceof StreamNode);
    this.batch = this.nodes.find((n): n is BatchNode => n instanceof BatchNode);
  }

  #create(spec: PipelineNode, registry: NodeRegistry, services: TaskServices, byId: Map<number, RunNode>): RunNode {
    if (spec.kind === 'stats') {
      const observed = spec.observes !== undefined ? byId.get(spec.observes.id) : undefined;
      if (observed === undefined) throw invalidNode(spec.name, 'stats node observes no node');
      const node = new StatsNode(spec, this.#rt, observed);
      this.#stats.push(node);
      return node;
    }
    const node = registry.create(spec, this.#rt, services);
    if (node instanceof HttpOutNode) this.#httpOuts.set(node.endpoint, node);
    if (node instanceof BarrierNode) this.#barriers.push(node);
    if (node instanceof QueryNode) this.#queries.push(node);
    return node;
  }

  /** Delivers one write (already matched to one of the task's dbrps). */
  ingest(batch: PointBatch): void {
    if (!this.#stopped) this.stream?.ingest(batch);
  }

  /** Delivers single points (kapacitorLoopback). */
  ingestPoint(p: Point): void {
    if (!this.#stopped) this.stream?.ingestPoint(p);
  }

  /** Advances wall time: barriers and stats fire, outputs flush, throughput updates, idle groups expire. */
  tick(now: Instant): void {
    if (this.#stopped) return;
    this.#rt.nowMs = now.ms;
    this.#rt.groups.nowMs = now.ms;
    for (const b of this.#barriers) b.fire(now);
    for (const s of this.#stats) s.fire(now);
    for (const q of this.#queries) q.fire(now);
    for (const n of this.nodes) n.tick(now.ms);
    const elapsed = now.ms - this.#lastRateMs;
    if (elapsed >= 1000) {
      const received = this.stream?.received ?? this.batch?.received ?? 0;
      this.#throughput = ((received - this.#lastReceived) * 1000) / elapsed;
      this.#lastReceived = received;
      this.#lastRateMs = now.ms;
    }
    const idle = this.#options.groupIdleMs;
    if (idle > 0 && now.ms - this.#lastSweepMs >= Math.min(idle, Math.max(250, idle / 4))) {
      this.#lastSweepMs = now.ms;
      this.expireIdle(now.ms - idle);
    }
  }

  /** Drops every group whose last data arrived before `cutoffMs` (wall time). */
  expireIdle(cutoffMs: number): void {
    for (const n of this.nodes) n.expire(cutoffMs);
    this.#rt.groups.expire(cutoffMs);
  }

  httpOut(endpoint: string): HttpOutNode | undefined {
    return this.#httpOuts.get(endpoint);
  }

  get throughput(): number {
    return this.#throughput;
  }

  dot(labels = false): string {
    return executingDot(this.id, this.nodes, this.#throughput, this.type === 'batch' ? 'batches' : 'points', labels);
  }

  executionStats(): ExecutionStats {
    const nodeStats: Record<string, Record<string, number>> = {};
    for (const n of this.nodes) {
      nodeStats[n.name] = {
        avg_exec_time_ns: Math.round(n.avgExecNs),
        collected: n.collected,
        emitted: n.emitted(),
        errors: n.errors,
        working_cardinality: n.workingCardinality(),
        ...n.extraStats(),
      };
    }
    return { 'task-stats': { throughput: this.#throughput }, 'node-stats': nodeStats };
  }

  /** Total groups held by every node, for memory accounting. */
  workingCardinality(): number {
    let total = 0;
    for (const n of this.nodes) total += n.workingCardinality();
    return total;
  }

  /** Flushes buffered outputs and waits for their writes. */
  async drain(): Promise<void> {
    await Promise.all(this.nodes.filter((n): n is InfluxDBOutNode => n instanceof InfluxDBOutNode).map((n) => n.drain()));
  }

  /** Stops the task and frees all of its state. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const n of this.nodes) n.stop();
    this.#rt.groups.clear();
    this.#httpOuts.clear();
  }
}
