// window(): buffers points per group and emits them as batches by time (period/every/align/fillPeriod) or by count.

import type { Fields, Point, Tags } from '../../core/point.ts';
import { NS_PER_MS, truncate } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { propDuration, propFlag, propInt } from '../props.ts';

const EMPTY: BatchPoint[] = [];

/**
 * Time-ordered buffer with a moving start, compacted when the dead prefix grows. Between messages
 * a buffer of one point is kept inline as that point's parts (tags, fields, time), with no array
 * and no point object: the common state of an idle group.
 */
class WindowState extends GroupState {
  buf: BatchPoint[] = EMPTY;
  start = 0;
  nextMs = 0;
  nextNs = 0;
  name = '';
  /** The lone buffered point, when `oneFields` is set. */
  oneFields: Fields | undefined = undefined;
  oneTags: Tags = NO_TAGS;
  oneMs = 0;
  oneNs = 0;
}

/** Count mode: points seen and the count at which the next batch goes out. */
class CountWindowState extends WindowState {
  count = 0;
  nextCount = 0;
}

const NO_TAGS: Tags = Object.freeze({});

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

export class WindowNode extends StatefulNode<WindowState> {
  readonly #period: number;
  readonly #every: number;
  readonly #align: boolean;
  readonly #fill: boolean;
  readonly #periodCount: number;
  readonly #everyCount: number;
  readonly #tmp: [number, number] = [0, 0];

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

  protected newState(g: Group): WindowState {
    return this.#periodCount > 0 ? new CountWindowState(g) : new WindowState(g);
  }

  protected override onPoint(p: Point, g: Group): void {
    let s = this.states.peek(g.id);
    if (s === undefined) {
      s = this.states.get(g);
      s.name = p.name;
      this.#open(s, p);
    } else {
      s.seen = this.rt.nowMs;
    }
    this.#unsettle(s);
    if (this.#periodCount > 0) this.#byCount(s as CountWindowState, p);
    else this.#byTime(s, p);
    this.#settle(s);
  }

  /** An idle group keeps a single buffered point without an array. */
  #settle(s: WindowState): void {
    if (s.buf.length - s.start === 1) {
      const q = s.buf[s.start];
      s.oneTags = q.tags;
      s.oneFields = q.fields;
      s.oneMs = q.timeMs;
      s.oneNs = q.timeNs;
      s.buf = EMPTY;
      s.start = 0;
    }
  }

  /** The buffer as one array again (before a barrier works on it). */
  #unsettle(s: WindowState): void {
    if (s.oneFields !== undefined) {
      s.buf = [{ tags: s.oneTags, fields: s.oneFields, timeMs: s.oneMs, timeNs: s.oneNs }];
      s.oneFields = undefined;
      s.oneTags = NO_TAGS;
    }
  }

  #open(s: WindowState, p: Point): void {
    if (s instanceof CountWindowState) {
      s.nextCount = this.#fill ? this.#periodCount : this.#everyCount;
      return;
    }
    const t = this.#tmp;
    if (this.#fill) {
      plus(p.timeMs, p.timeNs, this.#period, t);
      if (this.#align) {
        const firstMs = t[0];
        const firstNs = t[1];
        const aligned = truncate({ ms: firstMs, ns: firstNs }, this.#every);
        t[0] = aligned.ms;
        t[1] = aligned.ns;
        if (!before(firstMs, firstNs, t[0], t[1])) plus(t[0], t[1], this.#every, t);
      }
    } else {
      plus(p.timeMs, p.timeNs, this.#every, t);
      if (this.#align) {
        const aligned = truncate({ ms: t[0], ns: t[1] }, this.#every);
        t[0] = aligned.ms;
        t[1] = aligned.ns;
      }
    }
    s.nextMs = t[0];
    s.nextNs = t[1];
  }

  #byTime(s: WindowState, p: BatchPoint): void {
    const t = this.#tmp;
    if (this.#every === 0) {
      // Emitting on every point: a right-closed window (t − period, t].
      this.#push(s, p);
      if (!before(p.timeMs, p.timeNs, s.nextMs, s.nextNs)) {
        plus(p.timeMs, p.timeNs, -this.#period, t);
        this.#purge(s, t[0], t[1], false);
        this.#emit(s, p.timeMs, p.timeNs);
        s.nextMs = p.timeMs;
        s.nextNs = p.timeNs;
      }
      return;
    }
    // Points may share a timestamp, so windows are left-closed: [next − period, next).
    if (!before(p.timeMs, p.timeNs, s.nextMs, s.nextNs)) {
      plus(s.nextMs, s.nextNs, -this.#period, t);
      this.#purge(s, t[0], t[1], true);
      this.#emit(s, s.nextMs, s.nextNs);
      plus(p.timeMs, p.timeNs, this.#every, t);
      if (this.#align) {
        const aligned = truncate({ ms: t[0], ns: t[1] }, this.#every);
        t[0] = aligned.ms;
        t[1] = aligned.ns;
      }
      s.nextMs = t[0];
      s.nextNs = t[1];
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

  #byCount(s: CountWindowState, p: BatchPoint): void {
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
  #purge(s: WindowState, ms: number, ns: number, inclusive: boolean): void {
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
  #push(s: WindowState, p: BatchPoint): void {
    if (s.buf.length === 0) s.buf = [p];
    else s.buf.push(p);
  }

  /** Releases purged points: small buffers shift at once, large ones once half is dead. */
  #compact(s: WindowState): void {
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

  #emit(s: WindowState, tmaxMs: number, tmaxNs: number): void {
    const points: BatchPoint[] = s.buf.slice(s.start);
    this.emitBatch({ name: s.name, group: s.group, tmaxMs, tmaxNs, points });
  }

  /** A barrier closes the current window when its time has reached the window's end. */
  protected override onBarrier(g: Group, timeMs: number, timeNs: number): void {
    const s = this.states.peek(g.id);
    if (s !== undefined && this.#periodCount === 0 && !before(timeMs, timeNs, s.nextMs, s.nextNs)) {
      this.#unsettle(s);
      const t = this.#tmp;
      if (this.#every === 0) {
        plus(timeMs, timeNs, -this.#period, t);
        this.#purge(s, t[0], t[1], false);
        this.#emit(s, timeMs, timeNs);
        s.nextMs = timeMs;
        s.nextNs = timeNs;
      } else {
        plus(s.nextMs, s.nextNs, -this.#period, t);
        this.#purge(s, t[0], t[1], true);
        this.#emit(s, s.nextMs, s.nextNs);
        plus(timeMs, timeNs, this.#every, t);
        if (this.#align) {
          const aligned = truncate({ ms: t[0], ns: t[1] }, this.#every);
          t[0] = aligned.ms;
          t[1] = aligned.ns;
        }
        s.nextMs = t[0];
        s.nextNs = t[1];
      }
      this.#settle(s);
    }
    this.emitBarrier(g, timeMs, timeNs);
  }
}
