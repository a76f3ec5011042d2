// join(others...): joins points (or batches) of several parents whose times match within a tolerance,
// per group or across groups of different specificity with .on(dims...).

import type { FieldValue, Fields, Point } from '../../core/point.ts';
import { round } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import { dimensions, type Group, groupId } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { propDuration, propString, propStrings } from '../props.ts';

/** A message waiting in the join, with its rounded time. */
interface Item {
  src: number;
  msg: Point | Batch;
  group: Group;
  ms: number;
  ns: number;
}

type Message = Point | Batch;

/**
 * At most one message per parent for one rounded time. Sets of the same time form a list (FIFO:
 * a second point from a parent at that time opens the next set); the list head sits in the heap.
 */
class JoinSet {
  readonly values: (Message | undefined)[];
  size = 0;
  first: number;
  next: JoinSet | undefined;
  constructor(
    readonly key: number | string,
    readonly ms: number,
    readonly ns: number,
    expected: number,
  ) {
    this.values = new Array(expected).fill(undefined);
    this.first = expected;
  }
  set(i: number, msg: Message): void {
    if (i < this.first) this.first = i;
    this.values[i] = msg;
    this.size++;
  }
}

/**
 * The join state of one output group: the set lists by rounded time (a map for look-up plus a
 * min-heap on time, since sets only ever leave from the oldest time), and each parent's head time.
 */
class JoinGroup extends GroupState {
  readonly slots = new Map<number | string, JoinSet>();
  readonly heap: JoinSet[] = [];
  readonly head = new Map<number, [number, number]>();

  oldest(): JoinSet | undefined {
    return this.heap[0];
  }

  insert(set: JoinSet): void {
    const h = this.heap;
    let i = h.length;
    h.push(set);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(set.ms, set.ns, h[up].ms, h[up].ns)) break;
      h[i] = h[up];
      i = up;
    }
    h[i] = set;
    this.slots.set(set.key, set);
  }

  /** Replaces the oldest list head by the next set of the same time, or removes that time. */
  advanceOldest(): void {
    const h = this.heap;
    const next = h[0].next;
    if (next !== undefined) {
      h[0] = next;
      this.slots.set(next.key, next);
      return;
    }
    this.slots.delete(h[0].key);
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r].ms, h[r].ns, h[l].ms, h[l].ns) ? r : l;
      if (!before(h[c].ms, h[c].ns, last.ms, last.ns)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }
}

/** The on-dimension bookkeeping of one join key: cached less-specific and more-specific items. */
class MatchState extends GroupState {
  matches: Item[] = [];
  specifics: Item[] = [];
}

/** Whole-millisecond times (the common case) key by number, others by text. */
const timeKey = (ms: number, ns: number): number | string => (ns === 0 ? ms : `${ms}.${ns}`);
const before = (aMs: number, aNs: number, bMs: number, bNs: number) => aMs < bMs || (aMs === bMs && aNs < bNs);

export class JoinNode extends StatefulNode<JoinGroup> {
  readonly #prefixes: string[];
  readonly #on: string[];
  readonly #delimiter: string;
  readonly #streamName: string;
  readonly #tolerance: number;
  readonly #fill: 'none' | 'null' | FieldValue;
  readonly #matchStates = new Map<string, MatchState>();
  readonly #lowMarks = new Map<string, [number, number]>();
  readonly #reported = new Set<number>();

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#prefixes = propStrings(spec, 'as');
    this.#on = propStrings(spec, 'on');
    this.#delimiter = propString(spec, 'delimiter', '.');
    this.#streamName = propString(spec, 'streamName');
    this.#tolerance = propDuration(spec, 'tolerance');
    const fill = spec.props['fill'];
    if (fill === undefined || fill === 'none') this.#fill = 'none';
    else if (fill === 'null') this.#fill = 'null';
    else if (typeof fill === 'number' || typeof fill === 'bigint') this.#fill = fill;
    else throw invalidNode(spec.name, `unexpected fill option ${String(fill)}`);
    const parents = spec.parents.length;
    if (this.#prefixes.length !== parents) {
      throw invalidNode(spec.name, `a call to join.as() is required to specify the output stream prefixes.`);
    }
    for (const p of this.#prefixes) {
      if (p.length === 0) throw invalidNode(spec.name, 'must provide a prefix name for the join node, see .as() property method');
      if (this.#delimiter !== '' && p.includes(this.#delimiter)) {
        throw invalidNode(spec.name, `cannot use name ${p} as field prefix, it contains the delimiter "${this.#delimiter}"`);
      }
    }
  }

  protected newState(g: Group): JoinGroup {
    return new JoinGroup(g);
  }

  override workingCardinality(): number {
    return this.states.size;
  }

  override expire(cutoffMs: number): void {
    super.expire(cutoffMs);
    for (const [k, s] of this.#matchStates) if (s.seen < cutoffMs) this.#matchStates.delete(k);
  }

  override stop(): void {
    super.stop();
    this.#matchStates.clear();
    this.#lowMarks.clear();
  }

  #item(src: number, msg: Point | Batch, group: Group, ms: number, ns: number): Item {
    const t = this.#tolerance > 0 ? round({ ms, ns }, this.#tolerance) : { ms, ns };
    return { src, msg, group, ms: t.ms, ns: t.ns };
  }

  protected override onPoint(p: Point, g: Group, parent: number): void {
    if (this.#on.length === 0 && this.#tolerance === 0) this.#add(g, parent, p, p.timeMs, p.timeNs);
    else this.#message(this.#item(parent, p, g, p.timeMs, p.timeNs), p.name);
  }

  protected override onBatch(b: Batch, parent: number): void {
    this.#message(this.#item(parent, b, b.group, b.tmaxMs, b.tmaxNs), b.name);
  }

  #message(item: Item, name: string): void {
    if (this.#on.length === 0) this.#collect(item.group, item);
    else this.#match(item, name);
  }

  /** `.on()`: pairs each more-specific item with the cached less-specific item of the same rounded time. */
  #match(item: Item, name: string): void {
    this.#reported.add(item.src);
    const allReported = this.#reported.size >= this.parentCount;
    const key = groupId(name, item.group.tags, dimensions(this.#on, item.group.dims.byName));
    this.#lowMarks.set(`${item.src}\u0000${key}`, [item.ms, item.ns]);
    let low: [number, number] | undefined;
    if (allReported) {
      for (let s = 0; s < this.parentCount; s++) {
        const lm = this.#lowMarks.get(`${s}\u0000${key}`);
        if (lm !== undefined && (low === undefined || before(lm[0], lm[1], low[0], low[1]))) low = lm;
      }
    }
    let ms = this.#matchStates.get(key);
    if (ms === undefined) {
      ms = new MatchState(item.group);
      this.#matchStates.set(key, ms);
    }
    ms.seen = this.rt.nowMs;
    if (allReported && low) {
      let i = 0;
      for (; i < ms.specifics.length; i++) {
        const sp = ms.specifics[i];
        if (!before(sp.ms, sp.ns, low[0], low[1])) break;
        this.#collect(sp.group, sp);
      }
      if (i > 0) ms.specifics.splice(0, i);
    }
    if (item.group.dims.tagNames.length > this.#on.length) {
      let matched = false;
      let i = 0;
      for (; i < ms.matches.length; i++) {
        const m = ms.matches[i];
        if (m.ms === item.ms && m.ns === item.ns) {
          this.#sendMatch(item, m);
          matched = true;
        }
        if (!low || !before(m.ms, m.ns, low[0], low[1])) break;
      }
      if (allReported && i > 0) ms.matches.splice(0, i);
      if (!matched) {
        if (allReported && low && before(item.ms, item.ns, low[0], low[1])) this.#collect(item.group, item);
        else ms.specifics.push(item);
      }
    } else {
      ms.matches.push(item);
      let i = 0;
      for (; i < ms.specifics.length; i++) {
        const sp = ms.specifics[i];
        if (sp.ms !== item.ms || sp.ns !== item.ns) break;
        this.#sendMatch(sp, item);
      }
      if (i > 0) ms.specifics.splice(0, i);
    }
  }

  /** Gives the less-specific item the specific item's group, then joins both in that group. */
  #sendMatch(specific: Item, matched: Item): void {
    const g = specific.group;
    let msg: Point | Batch;
    if ('points' in matched.msg) msg = { ...matched.msg, group: g };
    else msg = { ...matched.msg, tags: g.tags };
    this.#collect(g, specific);
    this.#collect(g, { ...matched, msg, group: g });
  }

  #collect(g: Group, item: Item): void {
    this.#add(g, item.src, item.msg, item.ms, item.ns);
  }

  #add(g: Group, src: number, msg: Message, ms: number, ns: number): void {
    const s = this.states.get(g);
    const key = timeKey(ms, ns);
    let set = s.slots.get(key);
    if (set === undefined) {
      set = new JoinSet(key, ms, ns, this.#prefixes.length);
      s.insert(set);
    } else {
      while (set.values[src] !== undefined) {
        if (set.next === undefined) set.next = new JoinSet(key, ms, ns, this.#prefixes.length);
        set = set.next;
      }
    }
    set.set(src, msg);
    const head = s.head.get(src);
    if (head === undefined) s.head.set(src, [ms, ns]);
    else {
      head[0] = ms;
      head[1] = ns;
    }
    this.#emit(s, this.#onlyReady(s));
  }

  /** True while some parent's head has not passed the oldest buffered time. */
  #onlyReady(s: JoinGroup): boolean {
    const o = s.oldest();
    if (o === undefined) return true;
    for (const [ms, ns] of s.head.values()) if (!before(o.ms, o.ns, ms, ns)) return true;
    return false;
  }

  protected override onBarrier(g: Group, timeMs: number, timeNs: number, parent: number): void {
    const s = this.states.peek(g.id);
    if (s !== undefined) {
      const t = this.#tolerance > 0 ? round({ ms: timeMs, ns: timeNs }, this.#tolerance) : { ms: timeMs, ns: timeNs };
      s.head.set(parent, [t.ms, t.ns]);
      this.#emit(s, this.#onlyReady(s));
    }
    this.emitBarrier(g, timeMs, timeNs);
  }

  #emit(s: JoinGroup, onlyReady: boolean): void {
    for (;;) {
      let set = s.oldest();
      while (set !== undefined && !(onlyReady && set.size !== set.values.length)) {
        this.#emitSet(s, set);
        s.advanceOldest();
        const next = s.oldest();
        // Stay within one time: the loop below moves on to the next time.
        set = next !== undefined && next.key === set.key ? next : undefined;
      }
      if (onlyReady) return;
      onlyReady = this.#onlyReady(s);
      if (s.oldest() === undefined) return;
    }
  }

  #emitSet(s: JoinGroup, set: JoinSet): void {
    const first = set.values[set.first]!;
    const name = this.#streamName !== '' ? this.#streamName : first.name;
    if ('points' in first) {
      this.#emitBatchSet(set, first, name);
      return;
    }
    const firstFields = first.fields;
    const fields: Fields = {};
    for (let i = 0; i < set.values.length; i++) {
      const v = set.values[i];
      const prefix = this.#prefixes[i] + this.#delimiter;
      if (v === undefined) {
        if (this.#fill === 'none') return;
        // A null fill has no field value to carry; the joined point simply lacks those fields.
        if (this.#fill === 'null') continue;
        for (const k in firstFields) fields[prefix + k] = this.#fill;
      } else {
        const f = (v as Point).fields;
        for (const k in f) fields[prefix + k] = f[k];
      }
    }
    const g = s.group;
    this.emitPoint({ name, database: '', retentionPolicy: '', tags: g.tags, fields, timeMs: set.ms, timeNs: set.ns }, g);
  }

  /** Batches join point by point on rounded point times. */
  #emitBatchSet(set: JoinSet, first: Batch, name: string): void {
    const byTime = new Map<number | string, { ms: number; ns: number; tags: BatchPoint['tags']; fields: Fields; count: number }>();
    for (let i = 0; i < set.values.length; i++) {
      const v = set.values[i];
      if (v === undefined) {
        if (this.#fill === 'none') return;
        continue;
      }
      for (const p of (v as Batch).points) {
        const t = this.#tolerance > 0 ? round({ ms: p.timeMs, ns: p.timeNs }, this.#tolerance) : { ms: p.timeMs, ns: p.timeNs };
        const key = timeKey(t.ms, t.ns);
        let row = byTime.get(key);
        if (row === undefined) byTime.set(key, (row = { ms: t.ms, ns: t.ns, tags: p.tags, fields: {}, count: 0 }));
        row.count++;
        for (const k in p.fields) row.fields[this.#prefixes[i] + this.#delimiter + k] = p.fields[k];
      }
    }
    const points: BatchPoint[] = [];
    for (const row of byTime.values()) {
      if (row.count < set.size && this.#fill === 'none') continue;
      points.push({ tags: row.tags, fields: row.fields, timeMs: row.ms, timeNs: row.ns });
    }
    points.sort((a, b) => (a.timeMs - b.timeMs) || (a.timeNs - b.timeNs));
    this.emitBatch({ name, group: first.group, tmaxMs: set.ms, tmaxNs: set.ns, points });
  }
}
