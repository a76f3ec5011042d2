// The node runtime: edges with counters, the base every node kind extends, per-group state with idle expiry.

import type { Point } from '../core/point.ts';
import type { PipelineNode } from '../tick/pipeline.ts';
import type { Group, GroupTable, SlotStore } from './group.ts';
import type { Batch } from './messages.ts';
import { RefColumn } from './slot-columns.ts';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Where nodes log to (the composition root passes pino or anything with this shape). */
export interface PipelineLogger {
  log(level: LogLevel, message: string, context: Record<string, unknown>): void;
}

/** What every node of one running task shares. */
export interface TaskRuntime {
  readonly taskId: string;
  readonly groups: GroupTable;
  readonly logger: PipelineLogger;
  /** Coarse wall time in ms, advanced by the task's ticker; stamps group activity for idle expiry. */
  nowMs: number;
}

/** A directed edge parent → child; `collected` is what DOT prints as `processed`. */
export interface Edge {
  readonly child: RunNode;
  /** The parent's position among the child's parents (join/union need to know who sent what). */
  readonly parentIndex: number;
  collected: number;
}

/** Per-group state of a node. `seen` is the task's coarse time at the group's last message. */
export class GroupState {
  seen = 0;
  constructor(readonly group: Group) {}
}

/**
 * The groups a node keeps a state object for, with idle expiry; its size is the node's
 * `working_cardinality`. Keyed by the interned group, which the task's GroupTable keeps interned
 * while a state holds it; iteration follows state creation. Each state is also kept by its
 * group's slot, so the per-message look-up is one array read instead of a map probe.
 */
export class GroupStates<S extends GroupState> implements SlotStore {
  readonly #map = new Map<Group, S>();
  readonly #bySlot = new RefColumn<S>();
  #attached = false;
  constructor(
    private readonly rt: TaskRuntime,
    private readonly create: (g: Group) => S,
  ) {}

  get(g: Group): S {
    let s = g.slot >= 0 ? this.#bySlot.get(g.slot) : undefined;
    if (s === undefined) {
      // A group object kept past its expiry stands for the group now interned under its key.
      const live = this.rt.groups.live(g);
      s = this.#bySlot.get(live.slot);
      if (s === undefined) {
        s = this.create(live);
        this.#map.set(live, s);
        this.#hold(live.slot, s);
      }
    }
    s.seen = this.rt.nowMs;
    return s;
  }

  #hold(slot: number, s: S): void {
    if (!this.#attached) {
      this.#attached = true;
      this.rt.groups.attach(this);
    }
    this.#bySlot.set(slot, s);
    this.rt.groups.ref(slot);
  }

  #release(g: Group): void {
    this.#map.delete(g);
    this.#bySlot.set(g.slot, undefined);
    this.rt.groups.unref(g.slot);
  }

  resize(capacity: number): void {
    this.#bySlot.resize(capacity);
  }

  move(from: number, to: number): void {
    this.#bySlot.move(from, to);
  }

  /** The state of a group, given as the group or its id, if any; touches nothing. */
  peek(key: Group | string): S | undefined {
    if (typeof key !== 'string' && key.slot >= 0) return this.#bySlot.get(key.slot);
    const g = this.#interned(key);
    return g === undefined ? undefined : this.#bySlot.get(g.slot);
  }

  delete(key: Group | string): S | undefined {
    const g = this.#interned(key);
    const s = g === undefined ? undefined : this.#bySlot.get(g.slot);
    if (s !== undefined) this.#release(g!);
    return s;
  }

  #interned(key: Group | string): Group | undefined {
    return typeof key === 'string' ? this.rt.groups.byId(key) : this.rt.groups.find(key);
  }

  /**
   * Removes groups idle since before `cutoffMs`, both here and in the whole task (a window that
   * emits hourly keeps its httpOut row while the group still gets data); returns them for clean-up.
   */
  expire(cutoffMs: number): S[] {
    const gone: S[] = [];
    const groups = this.rt.groups;
    for (const [g, s] of this.#map) {
      if (s.seen < cutoffMs && groups.seenAt(g.slot) < cutoffMs) {
        this.#release(g);
        gone.push(s);
      }
    }
    return gone;
  }

  values(): IterableIterator<S> {
    return this.#map.values();
  }

  get size(): number {
    return this.#map.size;
  }

  clear(): void {
    for (const g of this.#map.keys()) this.#release(g);
  }
}

/**
 * What `receivePoint` reads and writes on every message. It runs with a receiver of every node
 * kind, so fields of the node itself are megamorphic there (a probe of V8's global property cache
 * each); the fields of this one class are plain loads, which leaves one probe per message for the
 * meter itself.
 */
class NodeMeter {
  collected = 0;
  calls = 0;
  /** Set while a sampled call is timed; forwarding then measures the children's share. */
  timing = false;
  childMs = 0;
}

/**
 * Time one handler call in this many (a power of two, so the test is a mask) for the execution-time
 * average. Kapacitor samples one in ten; one in 64 gives the same moving average at a sixth of the
 * clock reads, which on a small pipeline cost as much as a node's own work.
 */
const TIMING_SAMPLE_MASK = 63;

/**
 * The base of every running node. Parents call `receive*`, which counts, times a sample of calls
 * and turns exceptions into the node's `errors` stat (the message is dropped, as in Kapacitor).
 * Subclasses implement `onPoint` / `onBatch` and call `emit*` to pass data on.
 */
export abstract class RunNode {
  readonly name: string;
  readonly desc: string;
  readonly outs: Edge[] = [];
  /** Number of parents (join and union have several). */
  parentCount = 0;
  /** What every message updates, in an object of one shape for all node kinds (see NodeMeter). */
  readonly #meter = new NodeMeter();
  errors = 0;
  /** Moving average of sampled handler times, in ns. */
  avgExecNs = 0;
  /** Per-group emitted counts, kept only while a stats node observes this node. */
  groupEmitted: Map<string, { group: Group; count: number }> | undefined;

  constructor(
    readonly spec: PipelineNode,
    protected readonly rt: TaskRuntime,
  ) {
    this.name = spec.name;
    this.desc = spec.desc;
  }

  /** Messages received; DOT prints it as `processed`. */
  get collected(): number {
    return this.#meter.collected;
  }

  set collected(n: number) {
    this.#meter.collected = n;
  }

  /** Node-specific counters shown in DOT and the task stats (alphabetical order is applied by the renderer). */
  extraStats(): Record<string, number> {
    return {};
  }

  /** Groups this node currently keeps state for. */
  workingCardinality(): number {
    return 0;
  }

  /** Drops state of groups idle since before `cutoffMs`. */
  expire(_cutoffMs: number): void {}

  /** Frees everything (task stopped). */
  stop(): void {}

  /** Called by the task ticker with the coarse wall time (barriers, stats sources, buffered outputs). */
  tick(_nowMs: number): void {}

  /** Connects a child; `parentIndex` is this node's position among the child's parents. */
  link(child: RunNode, parentIndex: number): Edge {
    child.parentCount = Math.max(child.parentCount, parentIndex + 1);
    const edge: Edge = { child, parentIndex, collected: 0 };
    this.outs.push(edge);
    return edge;
  }

  emitted(): number {
    return this.outs.length > 0 ? this.outs[0].collected : 0;
  }

  receivePoint(p: Point, g: Group, parent: number): void {
    const m = this.#meter;
    m.collected++;
    if ((++m.calls & TIMING_SAMPLE_MASK) === 0 && !m.timing) {
      const start = this.#startTiming();
      this.#guard(() => this.onPoint(p, g, parent));
      this.#time(start);
    } else {
      try {
        this.onPoint(p, g, parent);
      } catch (err) {
        this.fail(err);
      }
    }
  }

  receiveBatch(b: Batch, parent: number): void {
    this.#meter.collected++;
    if (this.#meter.timing) {
      this.#guard(() => this.onBatch(b, parent));
      return;
    }
    const start = this.#startTiming();
    this.#guard(() => this.onBatch(b, parent));
    this.#time(start);
  }

  receiveBarrier(g: Group, timeMs: number, timeNs: number, parent: number): void {
    this.#guard(() => this.onBarrier(g, timeMs, timeNs, parent));
  }

  receiveDelete(g: Group, parent: number): void {
    this.#guard(() => this.onDelete(g, parent));
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(err);
    }
  }

  #startTiming(): number {
    this.#meter.timing = true;
    this.#meter.childMs = 0;
    return performance.now();
  }

  /** Records the node's own time: what its children took while it forwarded is left out. */
  #time(startMs: number): void {
    this.#meter.timing = false;
    const ns = (performance.now() - startMs - this.#meter.childMs) * 1e6;
    this.avgExecNs = this.avgExecNs === 0 ? ns : this.avgExecNs * 0.9 + ns * 0.1;
  }

  /** Counts an error and logs it unless the node is quiet. */
  fail(err: unknown, context: Record<string, unknown> = {}): void {
    this.errors++;
    if (!this.spec.quiet) {
      const message = err instanceof Error ? err.message : String(err);
      this.rt.logger.log('ERROR', message, { task: this.rt.taskId, node: this.name, ...context });
    }
  }

  protected onPoint(_p: Point, _g: Group, _parent: number): void {
    throw new Error(`${this.name} does not accept points`);
  }

  protected onBatch(_b: Batch, _parent: number): void {
    throw new Error(`${this.name} does not accept batches`);
  }

  /** Default: pass the barrier on. Nodes holding buffers flush first. */
  protected onBarrier(g: Group, timeMs: number, timeNs: number, _parent: number): void {
    this.emitBarrier(g, timeMs, timeNs);
  }

  /** Default: pass the delete on. Nodes with per-group state drop it first. */
  protected onDelete(g: Group, _parent: number): void {
    this.emitDelete(g);
  }

  #countGroup(g: Group): void {
    const m = this.groupEmitted!;
    const c = m.get(g.id);
    if (c === undefined) m.set(g.id, { group: g, count: 1 });
    else c.count++;
  }

  protected emitPoint(p: Point, g: Group): void {
    if (this.groupEmitted !== undefined) this.#countGroup(g);
    const m = this.#meter;
    const t0 = m.timing ? performance.now() : 0;
    const outs = this.outs;
    for (let i = 0; i < outs.length; i++) {
      const e = outs[i];
      e.collected++;
      e.child.receivePoint(p, g, e.parentIndex);
    }
    if (m.timing) m.childMs += performance.now() - t0;
  }

  protected emitBatch(b: Batch): void {
    if (this.groupEmitted !== undefined) this.#countGroup(b.group);
    const m = this.#meter;
    const t0 = m.timing ? performance.now() : 0;
    const outs = this.outs;
    for (let i = 0; i < outs.length; i++) {
      const e = outs[i];
      e.collected++;
      e.child.receiveBatch(b, e.parentIndex);
    }
    if (m.timing) m.childMs += performance.now() - t0;
  }

  protected emitBarrier(g: Group, timeMs: number, timeNs: number): void {
    for (const e of this.outs) e.child.receiveBarrier(g, timeMs, timeNs, e.parentIndex);
  }

  protected emitDelete(g: Group): void {
    for (const e of this.outs) e.child.receiveDelete(g, e.parentIndex);
  }
}

/** A node that keeps one state object per group, with cardinality, expiry and delete handled. */
export abstract class StatefulNode<S extends GroupState> extends RunNode {
  protected readonly states: GroupStates<S>;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.states = new GroupStates<S>(rt, (g) => this.newState(g));
  }

  protected abstract newState(g: Group): S;

  override workingCardinality(): number {
    return this.states.size;
  }

  override expire(cutoffMs: number): void {
    for (const s of this.states.expire(cutoffMs)) this.dropped(s);
  }

  override stop(): void {
    this.states.clear();
  }

  /** Hook for nodes that must release something when a group goes (httpOut rows). */
  protected dropped(_s: S): void {}

  protected override onDelete(g: Group, _parent: number): void {
    const s = this.states.delete(g);
    if (s !== undefined) this.dropped(s);
    this.emitDelete(g);
  }
}
