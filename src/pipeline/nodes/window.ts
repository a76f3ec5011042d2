// window(): buffers points per group and emits them as batches by time (period/every/align/fillPeriod) or by count.

import type { Point } from '../../core/point.ts';
import { NS_PER_MS, truncate } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { BatchPoint } from '../messages.ts';
import type { TaskRuntime } from '../node.ts';
import { propDuration, propFlag, propInt } from '../props.ts';
import { PointSlots, RefColumn, resizedTyped, SharedColumn } from '../slot-columns.ts';
import { SlotNode } from '../slot-node.ts';

const EMPTY: BatchPoint[] = [];

/**
 * One group's window while a message is handled: loaded from the node's columns and stored back.
 * The buffer is time-ordered with a moving start, compacted when the dead prefix grows.
 */
class WindowCursor {
  slot = 0;
  group!: Group;
  name = '';
  buf: BatchPoint[] = EMPTY;
  start = 0;
  nextMs = 0;
  nextNs = 0;
  /** Count mode: points seen and the count at which the next batch goes out. */
  count = 0;
  nextCount = 0;
}

function before(aMs: number, aNs: number, bMs: number, bNs: number): boolean {
  return aMs < bMs || (aMs === bMs && aNs < bNs);
}

/** `t + d` for a duration in ns, written into a two-slot result. */
function plus(ms: number, ns: number, d: number, out: [number, number]): [number, number] {
  const whole = Math.floor(d / NS_PER_MS);
  let n = ns + (d - whole * NS_PER_MS);
  let m = ms + whole;
  if (n >= NS_PER_MS) {
    n -= NS_PER_MS;
    m += 1;
  } else if (n < 0) {
    n += NS_PER_MS;
    m -= 1;
  }
  out[0] = m;
  out[1] = n;
  return out;
}

/**
 * Per group, in columns by slot: the next window's end, the batch name, and the buffer; an idle
 * group's buffer is usually one point, kept without a point object (PointSlots), longer ones as
 * arrays.
 */
export class WindowNode extends SlotNode {
  readonly #period: number;
  readonly #every: number;
  readonly #align: boolean;
  readonly #fill: boolean;
  readonly #periodCount: number;
  readonly #everyCount: number;
  readonly #tmp: [number, number] = [0, 0];
  readonly #cur = new WindowCursor();
  /** Set when `hold` took a slot: the group's window opens with this point. */
  #opened = false;
  #nextMs = new Float64Array(0);
  #nextNs = new Int32Array(0);
  readonly #names = new SharedColumn<string>();
  /** A buffer of exactly one point. */
  readonly #one = new PointSlots();
  /** A buffer of several points, with the start of its live part. */
  readonly #bufs = new RefColumn<BatchPoint[]>();
  #starts = new Int32Array(0);
  #counts = new Float64Array(0);
  #nextCounts = new Float64Array(0);

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#period = propDuration(spec, 'period');
    this.#every = propDuration(spec, 'every');
    this.#align = propFlag(spec, 'align');
    this.#fill = propFlag(spec, 'fillPeriod');
    this.#periodCount = propInt(spec, 'periodCount', 0);
    this.#everyCount = propInt(spec, 'everyCount', 0);
    if (this.#period === 0 && this.#periodCount === 0) {
      throw invalidNode(spec.name, 'window node must have either a non zero period or non zero period count');
    }
    if (this.#period !== 0 && this.#periodCount !== 0) throw invalidNode(spec.name, 'cannot specify both period and periodCount');
    if (this.#periodCount !== 0 && this.#everyCount <= 0) throw invalidNode(spec.name, 'everyCount must be greater than zero');
  }

  protected override opened(): void {
    this.#opened = true;
  }

  protected override onPoint(p: Point, g: Group): void {
    this.#opened = false;
    const s = this.#load(this.hold(g));
    if (this.#opened) {
      s.name = p.name;
      this.#open(s, p);
    }
    if (this.#periodCount > 0) this.#byCount(s, p);
    else this.#byTime(s, p);
    this.#store(s);
  }

  #load(slot: number): WindowCursor {
    const s = this.#cur;
    const group = this.rt.groups.at(slot);
    s.slot = slot;
    s.group = group;
    s.name = this.#names.get(slot);
    s.nextMs = this.#nextMs[slot];
    s.nextNs = this.#nextNs[slot];
    const buf = this.#bufs.get(slot);
    s.buf = buf !== undefined ? buf : this.#one.has(slot) ? [this.#one.get(slot, group.tags)] : EMPTY;
    s.start = buf !== undefined ? this.#starts[slot] : 0;
    if (this.#periodCount > 0) {
      s.count = this.#counts[slot];
      s.nextCount = this.#nextCounts[slot];
    }
    return s;
  }

  /** Writes the cursor back; a buffer of one point goes to the compact store. */
  #store(s: WindowCursor): void {
    const slot = s.slot;
    this.#names.set(slot, s.name);
    this.#nextMs[slot] = s.nextMs;
    this.#nextNs[slot] = s.nextNs;
    const live = s.buf.length - s.start;
    if (live === 1) this.#one.set(slot, s.buf[s.start], s.group.tags);
    else this.#one.clear(slot);
    this.#bufs.set(slot, live > 1 ? s.buf : undefined);
    this.#starts[slot] = live > 1 ? s.start : 0;
    if (this.#periodCount > 0) {
      this.#counts[slot] = s.count;
      this.#nextCounts[slot] = s.nextCount;
    }
    s.buf = EMPTY;
  }

  protected clearSlot(slot: number): void {
    this.#names.clear(slot);
    this.#one.clear(slot);
    this.#bufs.set(slot, undefined);
  }

  protected resizeColumns(capacity: number): void {
    this.#nextMs = resizedTyped(this.#nextMs, capacity);
    this.#nextNs = resizedTyped(this.#nextNs, capacity);
    this.#names.resize(capacity);
    this.#one.resize(capacity);
    this.#bufs.resize(capacity);
    this.#starts = resizedTyped(this.#starts, capacity);
    if (this.#periodCount > 0) {
      this.#counts = resizedTyped(this.#counts, capacity);
      this.#nextCounts = resizedTyped(this.#nextCounts, capacity);
    }
  }

  protected moveColumns(from: number, to: number): void {
    this.#nextMs[to] = this.#nextMs[from];
    this.#nextNs[to] = this.#nextNs[from];
    this.#names.move(from, to);
    this.#one.move(from, to);
    this.#bufs.move(from, to);
    this.#starts[to] = this.#starts[from];
    if (this.#periodCount > 0) {
      this.#counts[to] = this.#counts[from];
      this.#nextCounts[to] = this.#nextCounts[from];
    }
  }

  #open(s: WindowCursor, p: Point): void {
    if (this.#periodCount > 0) {
      s.count = 0;
      s.nextCount = this.#fill ? this.#periodCount : this.#everyCount;
      return;
    }
    if (this.#fill) {
      const t = this.#tmp;
      plus(p.timeMs, p.timeNs, this.#period, t);
      if (this.#align) {
        const firstMs = t[0];
        const firstNs = t[1];
        const aligned = truncate({ ms: firstMs, ns: firstNs }, this.#every);
        t[0] = aligned.ms;
        t[1] = aligned.ns;
        if (!before(firstMs, firstNs, t[0], t[1])) plus(t[0], t[1], this.#every, t);
      }
      s.nextMs = t[0];
      s.nextNs = t[1];
    } else {
      this.#endAfter(s, p.timeMs, p.timeNs);
    }
  }

  #byTime(s: WindowCursor, p: BatchPoint): void {
    const t = this.#tmp;
    if (this.#every === 0) {
      // Emitting on every point: a right-closed window (t − period, t].
      this.#push(s, p);
      if (!before(p.timeMs, p.timeNs, s.nextMs, s.nextNs)) this.#close(s, p.timeMs, p.timeNs);
      return;
    }
    if (!before(p.timeMs, p.timeNs, s.nextMs, s.nextNs)) {
      this.#close(s, p.timeMs, p.timeNs);
      // Points older than the next window's start can never be emitted again: drop them now, and
      // rebuild the buffer at its exact size, so a group that goes idle holds only what it needs.
      plus(s.nextMs, s.nextNs, -this.#period, t);
      let from = s.start;
      while (from < s.buf.length && before(s.buf[from].timeMs, s.buf[from].timeNs, t[0], t[1])) from++;
      const kept = s.buf.length - from;
      const next = new Array<BatchPoint>(kept + 1);
      for (let i = 0; i < kept; i++) next[i] = s.buf[from + i];
      next[kept] = p;
      s.buf = next;
      s.start = 0;
      return;
    }
    this.#push(s, p);
  }

  /**
   * Emits the window that time (ms, ns) has reached and sets the next window's end. Emitting on
   * every point, the window is right-closed (t − period, t]; otherwise points may share a
   * timestamp, so windows are left-closed: [next − period, next).
   */
  #close(s: WindowCursor, ms: number, ns: number): void {
    const t = this.#tmp;
    if (this.#every === 0) {
      plus(ms, ns, -this.#period, t);
      this.#purge(s, t[0], t[1], false);
      this.#emit(s, ms, ns);
      s.nextMs = ms;
      s.nextNs = ns;
    } else {
      plus(s.nextMs, s.nextNs, -this.#period, t);
      this.#purge(s, t[0], t[1], true);
      this.#emit(s, s.nextMs, s.nextNs);
      this.#endAfter(s, ms, ns);
    }
  }

  /** The next window ends `every` after (ms, ns), on a multiple of `every` when aligned. */
  #endAfter(s: WindowCursor, ms: number, ns: number): void {
    const t = this.#tmp;
    plus(ms, ns, this.#every, t);
    if (this.#align) {
      const aligned = truncate({ ms: t[0], ns: t[1] }, this.#every);
      t[0] = aligned.ms;
      t[1] = aligned.ns;
    }
    s.nextMs = t[0];
    s.nextNs = t[1];
  }

  #byCount(s: WindowCursor, p: BatchPoint): void {
    this.#push(s, p);
    if (s.buf.length - s.start > this.#periodCount) s.start++;
    s.count++;
    if (s.count === s.nextCount) {
      s.nextCount += this.#everyCount;
      this.#emit(s, p.timeMs, p.timeNs);
    }
    this.#compact(s);
  }

  /** Drops buffered points older than the bound (prefix only: the buffer is in arrival order). */
  #purge(s: WindowCursor, ms: number, ns: number, inclusive: boolean): void {
    const buf = s.buf;
    while (s.start < buf.length) {
      const q = buf[s.start];
      const keep = inclusive ? !before(q.timeMs, q.timeNs, ms, ns) : before(ms, ns, q.timeMs, q.timeNs);
      if (keep) break;
      s.start++;
    }
    this.#compact(s);
  }

  /** An empty buffer restarts as a one-element literal: V8 gives `[].push` room for 17. */
  #push(s: WindowCursor, p: BatchPoint): void {
    if (s.buf.length === 0) s.buf = [p];
    else s.buf.push(p);
  }

  /** Releases purged points: small buffers shift at once, large ones once half is dead. */
  #compact(s: WindowCursor): void {
    if (s.start === 0) return;
    if (s.start === s.buf.length) {
      s.buf = EMPTY;
      s.start = 0;
    } else if (s.buf.length <= 64) {
      s.buf.splice(0, s.start);
      s.start = 0;
    } else if (s.start * 2 > s.buf.length) {
      s.buf = s.buf.slice(s.start);
      s.start = 0;
    }
  }

  #emit(s: WindowCursor, tmaxMs: number, tmaxNs: number): void {
    const points: BatchPoint[] = s.buf.slice(s.start);
    this.emitBatch({ name: s.name, group: s.group, tmaxMs, tmaxNs, points });
  }

  /** A barrier closes the current window when its time has reached the window's end. */
  protected override onBarrier(g: Group, timeMs: number, timeNs: number): void {
    const slot = this.#periodCount === 0 ? this.slotOf(g) : -1;
    if (slot >= 0 && !before(timeMs, timeNs, this.#nextMs[slot], this.#nextNs[slot])) {
      const s = this.#load(slot);
      this.#close(s, timeMs, timeNs);
      this.#store(s);
    }
    this.emitBarrier(g, timeMs, timeNs);
  }
}
