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
 * The join state of one output group: the pending sets in time order in a ring of parallel
 * columns (no object per set), so sets leave from the front without moving the others. A set
 * holds at most one message per parent for one rounded time; sets of the same time stay in
 * arrival order (a second point from a parent at that time opens the next set). Times usually
 * arrive in order, so a new set is appended; one opened between others moves the shorter side.
 * Each parent's head time is kept as two numbers (NaN until the parent has reported).
 *
 * Sets are addressed by position (0 = oldest) and stored at `slot(position)`. A point whose
 * fields are all floats in the order of its parent's layout in this group waits as numbers in
 * that parent's Float64Array (its value is NUMBERS): a self-join against 10 minutes ago keeps
 * hundreds of sets per group, and boxed values kept that long are what the GC pays for.
 */
class JoinGroup extends GroupState {
  /** Slot of the oldest set. */
  head = 0;
  /** Live sets. */
  count = 0;
  /** Slots in the ring (a power of two, or 0 until the first set: an idle group holds no columns). */
  capacity = 0;
  ms = NO_NUMBERS;
  ns = NO_NUMBERS;
  /** Messages filled so far per set. */
  size = NO_INTS;
  /** Per set, the lowest parent index filled so far. */
  first = NO_INTS;
  /** Per set, the name of that parent's message (the joined name). */
  names: string[] = [];
  /** `parents` values per set: a point's fields, NUMBERS or a whole batch. */
  values: (Fields | BatchMessage | typeof NUMBERS | undefined)[] = [];
  readonly headMs: number[];
  readonly headNs: number[];
  /** Per parent, the field names its numeric values hold (fixed while sets are pending). */
  readonly layouts: (FieldLayout | undefined)[];
  /** Per parent, `layout.keys.length` numbers per slot once it has a layout. */
  readonly numbers: Float64Array[];

  constructor(
    group: Group,
    readonly parents: number,
  ) {
    super(group);
    this.headMs = new Array<number>(parents).fill(NOT_REPORTED);
    this.headNs = new Array<number>(parents).fill(0);
    this.layouts = new Array<FieldLayout | undefined>(parents).fill(undefined);
    this.numbers = new Array<Float64Array>(parents).fill(NO_NUMBERS);
  }

  /** The slot of the set at `position` (0 = oldest). */
  slot(position: number): number {
    return (this.head + position) & (this.capacity - 1);
  }

  /** The position of the first set at time (ms, ns) or later. */
  lowerBound(ms: number, ns: number): number {
    const n = this.count;
    // Appending and filling the oldest set (a stream joined with its shifted self) are the common cases.
    if (n === 0 || !this.#before(this.head, ms, ns)) return 0;
    if (this.#before(this.slot(n - 1), ms, ns)) return n;
    // Otherwise the set is usually near the front (a lagging parent): gallop from there, then bisect.
    let lo = 1;
    let hi = n - 1;
    let probe = 1;
    while (probe < hi && this.#before(this.slot(probe), ms, ns)) {
      lo = probe + 1;
      probe *= 2;
    }
    if (probe < hi) hi = probe;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#before(this.slot(mid), ms, ns)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #before(slot: number, ms: number, ns: number): boolean {
    return before(this.ms[slot], this.ns[slot], ms, ns);
  }

  /** Opens an empty set at `position`, moving the shorter side of the ring; returns its slot. */
  open(position: number, ms: number, ns: number): number {
    if (this.count === this.capacity) this.#resize(Math.max(INITIAL_SETS, this.capacity * 2));
    const mask = this.capacity - 1;
    if (position < this.count - position) {
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < position; i++) this.#move(this.slot(i + 1), this.slot(i));
    } else {
      for (let i = this.count; i > position; i--) this.#move(this.slot(i - 1), this.slot(i));
    }
    this.count++;
    const at = this.slot(position);
    this.ms[at] = ms;
    this.ns[at] = ns;
    this.size[at] = 0;
    this.first[at] = this.parents;
    this.names[at] = '';
    const base = at * this.parents;
    for (let j = 0; j < this.parents; j++) this.values[base + j] = undefined;
    return at;
  }

  /** Drops the oldest set. */
  shift(): void {
    const p = this.parents;
    const base = this.head * p;
    for (let i = 0; i < p; i++) this.values[base + i] = undefined;
    this.head = (this.head + 1) & (this.capacity - 1);
    if (--this.count > 0) return;
    this.head = 0;
    // Nothing waits any more: a parent whose fields changed gets a new layout, a burst's room goes.
    this.layouts.fill(undefined);
    this.numbers.fill(NO_NUMBERS);
    if (this.capacity > SHRINK_ABOVE) this.#resize(INITIAL_SETS);
  }

  /** Moves the set in slot `from` to slot `to` (free or moved already). */
  #move(from: number, to: number): void {
    this.ms[to] = this.ms[from];
    this.ns[to] = this.ns[from];
    this.size[to] = this.size[from];
    this.first[to] = this.first[from];
    this.names[to] = this.names[from];
    const p = this.parents;
    for (let j = 0; j < p; j++) this.values[to * p + j] = this.values[from * p + j];
    for (let i = 0; i < p; i++) {
      const a = this.numbers[i];
      if (a.length === 0) continue;
      const w = this.layouts[i]!.keys.length;
      for (let j = 0; j < w; j++) a[to * w + j] = a[from * w + j];
    }
  }

  /** Re-lays the ring out from slot 0 with room for `capacity` sets. */
  #resize(capacity: number): void {
    const n = this.count;
    const p = this.parents;
    const ms = new Float64Array(capacity);
    const ns = new Float64Array(capacity);
    const size = new Int32Array(capacity);
    const first = new Int32Array(capacity);
    const names = new Array<string>(capacity).fill('');
    const values: typeof this.values = new Array(capacity * p).fill(undefined);
    for (let k = 0; k < n; k++) {
      const from = this.slot(k);
      ms[k] = this.ms[from];
      ns[k] = this.ns[from];
      size[k] = this.size[from];
      first[k] = this.first[from];
      names[k] = this.names[from];
      for (let j = 0; j < p; j++) values[k * p + j] = this.values[from * p + j];
    }
    for (let i = 0; i < p; i++) {
      const a = this.numbers[i];
      if (a.length === 0) continue;
      const w = this.layouts[i]!.keys.length;
      const b = new Float64Array(capacity * w);
      for (let k = 0; k < n; k++) {
        const from = this.slot(k) * w;
        for (let j = 0; j < w; j++) b[k * w + j] = a[from + j];
      }
      this.numbers[i] = b;
    }
    this.ms = ms;
    this.ns = ns;
    this.size = size;
    this.first = first;
    this.names = names;
    this.values = values;
    this.head = 0;
    this.capacity = capacity;
  }

  /**
   * Stores `fields` as numbers in parent `src`'s value of the set in `slot` if they are all floats
   * in the order of that parent's layout (which the first such fields of a group fix); false otherwise.
   */
  storeNumbers(slot: number, src: number, fields: Fields, layouts: FieldLayouts): boolean {
    let layout = this.layouts[src];
    if (layout === undefined) {
      layout = layouts.of(src, fields);
      if (layout === undefined) return false;
      this.layouts[src] = layout;
      this.numbers[src] = new Float64Array(this.capacity * layout.keys.length);
    }
    const keys = layout.keys;
    const w = keys.length;
    const a = this.numbers[src];
    const base = slot * w;
    let j = 0;
    for (const k in fields) {
      const v = fields[k];
      if (j === w || keys[j] !== k || typeof v !== 'number') return false;
      a[base + j++] = v;
    }
    return j === w;
  }
}

/** The float fields one parent's points carry, in their order, with their joined names. */
interface FieldLayout {
  readonly keys: readonly string[];
  /** `<as><delimiter><key>` per key. */
  readonly joined: readonly string[];
}

/** Where a group finds the layout of a parent's fields: the node shares one per parent while they match. */
interface FieldLayouts {
  of(src: number, fields: Fields): FieldLayout | undefined;
}

/** The mark of a slot whose fields wait as numbers. */
const NUMBERS: unique symbol = Symbol('numbers');
const NO_NUMBERS = new Float64Array(0);
const NO_INTS = new Int32Array(0);
/** Sets a group's ring starts with, and the size above which an emptied ring gives its room back. */
const INITIAL_SETS = 4;
const SHRINK_ABOVE = 64;

/** A batch waiting in a join set (points wait as their bare fields). */
class BatchMessage {
  constructor(readonly batch: Batch) {}
}

/** The on-dimension bookkeeping of one join key: cached less-specific and more-specific items. */
class MatchState extends GroupState {
  matches: Item[] = [];
  specifics: Item[] = [];
}

/** Whole-millisecond times (the common case) key by number, others by text. */
const timeKey = (ms: number, ns: number): number | string => (ns === 0 ? ms : `${ms}.${ns}`);
const NOT_REPORTED = Number.NaN;
/**
 * Kapacitor's nil field value, written by `.fill('null')`: httpOut and httpPost render it as JSON
 * null, default() replaces it, and the writers leave it out. `Fields` has no null member because
 * this is the only node that makes one.
 */
const NULL_FIELD = null as unknown as FieldValue;
/** Field names are few; a stream of ever new ones must not grow the cache without bound. */
const PREFIXED_NAMES_LIMIT = 10_000;
/** True if `fields` holds exactly `keys`, in that order, all floats. */
function sameFloatKeys(fields: Fields, keys: readonly string[]): boolean {
  let j = 0;
  for (const k in fields) {
    if (j === keys.length || keys[j] !== k || typeof fields[k] !== 'number') return false;
    j++;
  }
  return j === keys.length;
}
const before = (aMs: number, aNs: number, bMs: number, bNs: number) => aMs < bMs || (aMs === bMs && aNs < bNs);

export class JoinNode extends StatefulNode<JoinGroup> implements FieldLayouts {
  readonly #prefixes: string[];
  readonly #on: string[];
  readonly #delimiter: string;
  readonly #streamName: string;
  readonly #tolerance: number;
  readonly #fill: 'none' | 'null' | FieldValue;
  readonly #deleteAll: boolean;
  readonly #matchStates = new Map<string, MatchState>();
  readonly #lowMarks = new Map<string, [number, number]>();
  readonly #reported = new Set<number>();
  readonly #prefixedNames: Map<string, string>[];
  /** Per parent, the layout of the last float-only fields a group adopted (shared by groups alike). */
  readonly #layouts: (FieldLayout | undefined)[];

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#prefixes = propStrings(spec, 'as');
    this.#on = propStrings(spec, 'on');
    this.#delimiter = propString(spec, 'delimiter', '.');
    this.#streamName = propString(spec, 'streamName');
    this.#tolerance = propDuration(spec, 'tolerance');
    this.#deleteAll = spec.props['deleteAll'] === true;
    const fill = spec.props['fill'];
    if (fill === undefined || fill === 'none') this.#fill = 'none';
    else if (fill === 'null') this.#fill = 'null';
    else if (typeof fill === 'number' || typeof fill === 'bigint') this.#fill = fill;
    else throw invalidNode(spec.name, `unexpected fill option ${String(fill)}`);
    const parents = spec.parents.length;
    this.#prefixedNames = Array.from({ length: parents }, () => new Map<string, string>());
    this.#layouts = new Array<FieldLayout | undefined>(parents).fill(undefined);
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

  of(src: number, fields: Fields): FieldLayout | undefined {
    const last = this.#layouts[src];
    if (last !== undefined && sameFloatKeys(fields, last.keys)) return last;
    const keys: string[] = [];
    for (const k in fields) {
      if (typeof fields[k] !== 'number') return undefined;
      keys.push(k);
    }
    if (keys.length === 0) return undefined;
    const layout = { keys, joined: keys.map((k) => this.#prefixed(src, k)) };
    this.#layouts[src] = layout;
    return layout;
  }

  protected newState(g: Group): JoinGroup {
    return new JoinGroup(g, this.#prefixes.length);
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

  /**
   * Kapacitor's delete: the group's join state and its `.on()` buffers go; so does that parent's
   * low mark for the group, or every low mark with `.deleteAll(TRUE)`.
   */
  protected override onDelete(g: Group, parent: number): void {
    this.#matchStates.delete(g.id);
    if (this.#deleteAll) this.#lowMarks.clear();
    else this.#lowMarks.delete(`${parent}\u0000${g.id}`);
    super.onDelete(g, parent);
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
    const p = s.parents;
    let position = s.lowerBound(ms, ns);
    let at = s.slot(position);
    // The first set of this time that still misses this parent, else a new one after that time's sets.
    while (position < s.count && s.ms[at] === ms && s.ns[at] === ns && s.values[at * p + src] !== undefined) {
      at = s.slot(++position);
    }
    if (position === s.count || s.ms[at] !== ms || s.ns[at] !== ns) at = s.open(position, ms, ns);
    if ('points' in msg) s.values[at * p + src] = new BatchMessage(msg);
    else s.values[at * p + src] = s.storeNumbers(at, src, msg.fields, this) ? NUMBERS : msg.fields;
    s.size[at]++;
    if (src < s.first[at]) {
      s.first[at] = src;
      s.names[at] = msg.name;
    }
    s.headMs[src] = ms;
    s.headNs[src] = ns;
    this.#emit(s, this.#onlyReady(s));
  }

  /** True while some parent's head has not passed the oldest buffered time. */
  #onlyReady(s: JoinGroup): boolean {
    if (s.count === 0) return true;
    const oMs = s.ms[s.head];
    const oNs = s.ns[s.head];
    for (let i = 0; i < s.parents; i++) {
      const ms = s.headMs[i];
      if (!Number.isNaN(ms) && !before(oMs, oNs, ms, s.headNs[i])) return true;
    }
    return false;
  }

  protected override onBarrier(g: Group, timeMs: number, timeNs: number, parent: number): void {
    const s = this.states.peek(g.id);
    if (s !== undefined) {
      const t = this.#tolerance > 0 ? round({ ms: timeMs, ns: timeNs }, this.#tolerance) : { ms: timeMs, ns: timeNs };
      s.headMs[parent] = t.ms;
      s.headNs[parent] = t.ns;
      this.#emit(s, this.#onlyReady(s));
    }
    this.emitBarrier(g, timeMs, timeNs);
  }

  #emit(s: JoinGroup, onlyReady: boolean): void {
    for (;;) {
      if (s.count > 0) {
        const ms = s.ms[s.head];
        const ns = s.ns[s.head];
        // Stay within one time: the loop below moves on to the next time.
        while (s.count > 0 && s.ms[s.head] === ms && s.ns[s.head] === ns && !(onlyReady && s.size[s.head] !== s.parents)) {
          this.#emitSet(s, s.head);
          s.shift();
        }
      }
      if (onlyReady) return;
      onlyReady = this.#onlyReady(s);
      if (s.count === 0) return;
    }
  }

  #emitSet(s: JoinGroup, at: number): void {
    const p = s.parents;
    const base = at * p;
    const firstValue = s.values[base + s.first[at]]!;
    const name = this.#streamName !== '' ? this.#streamName : s.names[at];
    if (firstValue instanceof BatchMessage) {
      this.#emitBatchSet(s, at, firstValue.batch, name);
      return;
    }
    const fields: Fields = {};
    for (let i = 0; i < p; i++) {
      const f = s.values[base + i] as Fields | typeof NUMBERS | undefined;
      if (f === NUMBERS) {
        const joined = s.layouts[i]!.joined;
        const a = s.numbers[i];
        const w = joined.length;
        for (let j = 0; j < w; j++) fields[joined[j]] = a[at * w + j];
      } else if (f !== undefined) {
        for (const k in f) fields[this.#prefixed(i, k)] = f[k];
      } else {
        if (this.#fill === 'none') return;
        const fill = this.#fillValue();
        const keys = firstValue === NUMBERS ? s.layouts[s.first[at]]!.keys : Object.keys(firstValue);
        for (const k of keys) fields[this.#prefixed(i, k)] = fill;
      }
    }
    const g = s.group;
    this.emitPoint({ name, database: '', retentionPolicy: '', tags: g.tags, fields, timeMs: s.ms[at], timeNs: s.ns[at] }, g);
  }

  /**
   * `<as><delimiter><field>` for parent `i`, built once per field name: a joined point then reuses
   * the same key strings instead of concatenating (and interning) new ones per point.
   */
  #prefixed(i: number, field: string): string {
    const names = this.#prefixedNames[i];
    let name = names.get(field);
    if (name === undefined) {
      if (names.size >= PREFIXED_NAMES_LIMIT) names.clear();
      name = this.#prefixes[i] + this.#delimiter + field;
      names.set(field, name);
    }
    return name;
  }

  /** What a missing parent's fields get: the fill number, or Kapacitor's nil (rendered as JSON null). */
  #fillValue(): FieldValue {
    return this.#fill === 'null' ? NULL_FIELD : (this.#fill as FieldValue);
  }

  /**
   * Batches join point by point on rounded point times. A parent missing at a time gets the fill
   * for the field names of the first point joined (Kapacitor's choice); points carry the group tags.
   */
  #emitBatchSet(s: JoinGroup, at: number, first: Batch, name: string): void {
    const p = s.parents;
    const byTime = new Map<number | string, { ms: number; ns: number; fields: Fields; from: boolean[] }>();
    let fieldNames: string[] | undefined;
    for (let i = 0; i < p; i++) {
      const v = s.values[at * p + i];
      if (v === undefined) continue;
      for (const bp of (v as BatchMessage).batch.points) {
        const t = this.#tolerance > 0 ? round({ ms: bp.timeMs, ns: bp.timeNs }, this.#tolerance) : { ms: bp.timeMs, ns: bp.timeNs };
        const key = timeKey(t.ms, t.ns);
        let row = byTime.get(key);
        if (row === undefined) byTime.set(key, (row = { ms: t.ms, ns: t.ns, fields: {}, from: new Array<boolean>(p).fill(false) }));
        row.from[i] = true;
        fieldNames ??= Object.keys(bp.fields);
        for (const k in bp.fields) row.fields[this.#prefixed(i, k)] = bp.fields[k];
      }
    }
    const points: BatchPoint[] = [];
    const tags = first.group.tags;
    for (const row of byTime.values()) {
      if (row.from.includes(false)) {
        if (this.#fill === 'none') continue;
        const fill = this.#fillValue();
        for (let i = 0; i < p; i++) {
          if (!row.from[i]) for (const k of fieldNames!) row.fields[this.#prefixed(i, k)] = fill;
        }
      }
      points.push({ tags, fields: row.fields, timeMs: row.ms, timeNs: row.ns });
    }
    points.sort((a, b) => a.timeMs - b.timeMs || a.timeNs - b.timeNs);
    this.emitBatch({ name, group: first.group, tmaxMs: s.ms[at], tmaxNs: s.ns[at], points });
  }
}
