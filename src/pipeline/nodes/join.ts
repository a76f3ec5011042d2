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
 * The join state of one output group: the pending sets in time order in a ring, so sets leave
 * from the front without moving the others. A set holds at most one message per parent for one
 * rounded time; sets of the same time stay in arrival order (a second point from a parent at that
 * time opens the next set). Times usually arrive in order, so a new set is appended; one opened
 * between others moves the shorter side. Each parent's head time is kept as two numbers (NaN
 * until the parent has reported).
 *
 * A set is `stride` consecutive numbers of one Float64Array (see the `CELL_*` offsets): its time,
 * then per parent what waits (a `STATE_*` kind and the index of the message's name in `names`),
 * then the parents' float values. A self-join against
 * 10 minutes ago keeps hundreds of sets for each of thousands of groups, so what matters per point
 * is how many cache lines the set at the head and the one at the tail span: one or two. A point
 * whose fields are all floats in the order of its parent's layout in this group waits as those
 * numbers; other points (and batches) wait as objects in `objects`, which exists only once one does.
 */
class JoinGroup extends GroupState {
  /** Slot of the oldest set. */
  head = 0;
  /** Live sets. */
  count = 0;
  /** Slots in the ring (a power of two, or 0 until the first set: an idle group holds no cells). */
  capacity = 0;
  /** Numbers per set: the fixed cells, then the values of the parents that have a layout. */
  stride: number;
  cells = NO_NUMBERS;
  /** Per parent its head time, as [ms, ns] pairs. */
  readonly heads: Float64Array;
  /** Per parent, the field names its numeric values hold (fixed while sets are pending). */
  readonly layouts: (FieldLayout | undefined)[];
  /** Per parent, where its values start within a set, and how many cells it has there (0: none yet). */
  readonly offsets: Int32Array;
  readonly widths: Int32Array;
  /** Messages waiting as objects, by `slot * parents + parent` (undefined until the first one). */
  objects: (Fields | BatchMessage | undefined)[] | undefined;
  /** The names of the waiting messages; a set refers to them by index. Reset when no set waits. */
  names: string[] = [];
  #lastName = -1;
  /** The name table's size that triggers its next compaction (twice what the last one kept). */
  #compactAt = NAMES_COMPACT_AT;

  constructor(
    group: Group,
    readonly parents: number,
  ) {
    super(group);
    this.stride = CELL_STATES + parents;
    this.heads = new Float64Array(parents * 2);
    for (let i = 0; i < parents; i++) this.heads[i * 2] = NOT_REPORTED;
    this.layouts = new Array<FieldLayout | undefined>(parents).fill(undefined);
    this.offsets = new Int32Array(parents);
    this.widths = new Int32Array(parents);
  }

  /** The slot of the set at `position` (0 = oldest). */
  slot(position: number): number {
    return (this.head + position) & (this.capacity - 1);
  }

  /** The first cell of the set in `slot`. */
  base(slot: number): number {
    return slot * this.stride;
  }

  /** The time of the set in `slot`, ms part. */
  ms(slot: number): number {
    return this.cells[slot * this.stride + CELL_MS];
  }

  ns(slot: number): number {
    return this.cells[slot * this.stride + CELL_NS];
  }

  /** What parent `src` left in the set in `slot`: 0 (nothing) or a STATE_* kind plus a name index. */
  state(slot: number, src: number): number {
    return this.cells[slot * this.stride + CELL_STATES + src];
  }

  /** The kind of what parent `src` left in the set in `slot` (0: nothing yet). */
  kind(slot: number, src: number): number {
    return this.state(slot, src) % NAME_UNIT;
  }

  /** The lowest parent the set in `slot` holds a message of. */
  first(slot: number): number {
    const b = slot * this.stride + CELL_STATES;
    let i = 0;
    while (this.cells[b + i] === 0) i++;
    return i;
  }

  /** Whether the set in `slot` holds a message of every parent. */
  complete(slot: number): boolean {
    const b = slot * this.stride + CELL_STATES;
    for (let i = 0; i < this.parents; i++) if (this.cells[b + i] === 0) return false;
    return true;
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
    const b = slot * this.stride;
    return before(this.cells[b + CELL_MS], this.cells[b + CELL_NS], ms, ns);
  }

  /** Opens an empty set at `position`, moving the shorter side of the ring; returns its slot. */
  open(position: number, ms: number, ns: number): number {
    if (this.count === this.capacity) this.#relay(Math.max(INITIAL_SETS, this.capacity * 2), this.stride);
    const mask = this.capacity - 1;
    if (position < this.count - position) {
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < position; i++) this.#move(this.slot(i + 1), this.slot(i));
    } else {
      for (let i = this.count; i > position; i--) this.#move(this.slot(i - 1), this.slot(i));
    }
    this.count++;
    const at = this.slot(position);
    const b = at * this.stride;
    const cells = this.cells;
    cells[b + CELL_MS] = ms;
    cells[b + CELL_NS] = ns;
    for (let j = 0; j < this.parents; j++) cells[b + CELL_STATES + j] = 0;
    return at;
  }

  /** Records what parent `src` leaves in the set in `slot` (the caller stored the message). */
  fill(slot: number, src: number, kind: number, name: string): void {
    const b = slot * this.stride;
    const cells = this.cells;
    cells[b + CELL_STATES + src] = kind + this.#nameIndex(name) * NAME_UNIT;
  }

  /** The name of the message parent `src` left in the set in `slot`. */
  nameOf(slot: number, src: number): string {
    return this.names[Math.floor(this.state(slot, src) / NAME_UNIT)];
  }

  /** Stores a message that waits as an object. */
  setObject(slot: number, src: number, value: Fields | BatchMessage): void {
    this.objects ??= new Array<Fields | BatchMessage | undefined>(this.capacity * this.parents).fill(undefined);
    this.objects[slot * this.parents + src] = value;
  }

  object(slot: number, src: number): Fields | BatchMessage {
    return this.objects![slot * this.parents + src]!;
  }

  #nameIndex(name: string): number {
    const names = this.names;
    if (this.#lastName >= 0 && names[this.#lastName] === name) return this.#lastName;
    let i = names.indexOf(name);
    if (i < 0) {
      // Names nearly never change, but a ring that never empties must not collect them forever.
      if (names.length >= this.#compactAt) this.#compactNames();
      i = this.names.push(name) - 1;
    }
    this.#lastName = i;
    return i;
  }

  /** Keeps only the names live sets refer to, renumbering the sets' states. */
  #compactNames(): void {
    const kept: string[] = [];
    const renumber = new Map<number, number>();
    const cells = this.cells;
    for (let k = 0; k < this.count; k++) {
      const b = this.slot(k) * this.stride + CELL_STATES;
      for (let j = 0; j < this.parents; j++) {
        const st = cells[b + j];
        if (st === 0) continue;
        const old = Math.floor(st / NAME_UNIT);
        let now = renumber.get(old);
        if (now === undefined) {
          now = kept.push(this.names[old]) - 1;
          renumber.set(old, now);
        }
        cells[b + j] = (st % NAME_UNIT) + now * NAME_UNIT;
      }
    }
    this.names = kept;
    this.#lastName = -1;
    this.#compactAt = Math.max(NAMES_COMPACT_AT, kept.length * 2);
  }

  /** Drops the oldest set. */
  shift(): void {
    if (this.objects !== undefined) {
      const base = this.head * this.parents;
      for (let i = 0; i < this.parents; i++) this.objects[base + i] = undefined;
    }
    this.head = (this.head + 1) & (this.capacity - 1);
    if (--this.count > 0) return;
    this.head = 0;
    // Nothing waits any more: a parent whose fields changed gets a new layout, a burst's room goes.
    this.layouts.fill(undefined);
    this.names = [];
    this.#lastName = -1;
    this.#compactAt = NAMES_COMPACT_AT;
    this.objects = undefined;
    // The parents' value cells stay reserved for their next layouts unless layouts kept changing.
    let stride = this.stride;
    if (stride > CELL_STATES + this.parents + WIDE_STRIDE) {
      stride = CELL_STATES + this.parents;
      this.widths.fill(0);
    }
    if (this.capacity > SHRINK_ABOVE || stride !== this.stride) this.#relay(this.capacity > SHRINK_ABOVE ? INITIAL_SETS : this.capacity, stride);
  }

  /** Moves the set in slot `from` to slot `to` (free or moved already). */
  #move(from: number, to: number): void {
    const w = this.stride;
    this.cells.copyWithin(to * w, from * w, from * w + w);
    const objects = this.objects;
    if (objects !== undefined) {
      const p = this.parents;
      for (let j = 0; j < p; j++) objects[to * p + j] = objects[from * p + j];
    }
  }

  /**
   * Re-lays the ring out from slot 0 with room for `capacity` sets of `stride` numbers (a wider
   * stride makes room for a new layout's values at the end of each set).
   */
  #relay(capacity: number, stride: number): void {
    const n = this.count;
    const cells = new Float64Array(capacity * stride);
    if (stride === this.stride) {
      // The sets run from the head to the end of the old ring, then wrap to its start.
      const w = stride;
      const tail = Math.min(n, this.capacity - this.head);
      cells.set(this.cells.subarray(this.head * w, (this.head + tail) * w));
      if (tail < n) cells.set(this.cells.subarray(0, (n - tail) * w), tail * w);
    } else {
      for (let k = 0; k < n; k++) copyCells(this.cells, this.slot(k) * this.stride, cells, k * stride, Math.min(this.stride, stride));
    }
    const objects = this.objects;
    if (objects !== undefined) {
      const p = this.parents;
      const moved = new Array<Fields | BatchMessage | undefined>(capacity * p).fill(undefined);
      for (let k = 0; k < n; k++) {
        const from = this.slot(k) * p;
        for (let j = 0; j < p; j++) moved[k * p + j] = objects[from + j];
      }
      this.objects = moved;
    }
    this.cells = cells;
    this.stride = stride;
    this.head = 0;
    this.capacity = capacity;
  }

  /** Gives every set `stride` numbers, each set staying in its slot. */
  #widen(stride: number): void {
    const w = this.stride;
    const cells = new Float64Array(this.capacity * stride);
    for (let k = 0; k < this.count; k++) {
      const at = this.slot(k);
      copyCells(this.cells, at * w, cells, at * stride, w);
    }
    this.cells = cells;
    this.stride = stride;
  }

  /**
   * Stores `fields` as numbers in parent `src`'s values of the set in `slot` if they are all floats
   * in the order of that parent's layout (which the first such fields of a group fix); false otherwise.
   */
  storeNumbers(slot: number, src: number, fields: Fields, layouts: FieldLayouts): boolean {
    let layout = this.layouts[src];
    if (layout === undefined) {
      layout = layouts.of(src, fields);
      if (layout === undefined) return false;
      this.layouts[src] = layout;
      const width = layout.keys.length;
      if (this.widths[src] !== width) {
        this.offsets[src] = this.stride;
        this.widths[src] = width;
        this.#widen(this.stride + width);
      }
    }
    const keys = layout.keys;
    const w = keys.length;
    const cells = this.cells;
    const base = slot * this.stride + this.offsets[src];
    let j = 0;
    for (const k in fields) {
      const v = fields[k];
      if (j === w || keys[j] !== k || typeof v !== 'number') return false;
      cells[base + j++] = v;
    }
    return j === w;
  }
}

function copyCells(from: Float64Array, start: number, to: Float64Array, at: number, n: number): void {
  for (let j = 0; j < n; j++) to[at + j] = from[start + j];
}

/** The cells of a set: its time, then per parent its STATE_* (0 while the parent has not filled it). */
const CELL_MS = 0;
const CELL_NS = 1;
const CELL_STATES = 2;
/** What waits for a parent in a set: nothing (0), its fields as numbers, its fields as an object, a batch. */
const STATE_NUMBERS = 1;
const STATE_FIELDS = 2;
const STATE_BATCH = 3;
/** A state is its kind plus NAME_UNIT times the index of the message's name. */
const NAME_UNIT = 4;
/** Value cells per set beyond which an emptied ring forgets the parents' reserved cells. */
const WIDE_STRIDE = 64;
/** A group's name table is first compacted when it reaches this many names. */
const NAMES_COMPACT_AT = 64;

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

const NO_NUMBERS = new Float64Array(0);
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
    let position = s.lowerBound(ms, ns);
    let at = s.slot(position);
    // The first set of this time that still misses this parent, else a new one after that time's sets.
    while (position < s.count && s.ms(at) === ms && s.ns(at) === ns && s.state(at, src) !== 0) at = s.slot(++position);
    if (position === s.count || s.ms(at) !== ms || s.ns(at) !== ns) at = s.open(position, ms, ns);
    let kind = STATE_NUMBERS;
    if ('points' in msg) {
      kind = STATE_BATCH;
      s.setObject(at, src, new BatchMessage(msg));
    } else if (!s.storeNumbers(at, src, msg.fields, this)) {
      kind = STATE_FIELDS;
      s.setObject(at, src, msg.fields);
    }
    s.fill(at, src, kind, msg.name);
    s.heads[src * 2] = ms;
    s.heads[src * 2 + 1] = ns;
    this.#emit(s, this.#onlyReady(s));
  }

  /** True while some parent's head has not passed the oldest buffered time. */
  #onlyReady(s: JoinGroup): boolean {
    if (s.count === 0) return true;
    const oMs = s.ms(s.head);
    const oNs = s.ns(s.head);
    const heads = s.heads;
    for (let i = 0; i < s.parents; i++) {
      const ms = heads[i * 2];
      if (!Number.isNaN(ms) && !before(oMs, oNs, ms, heads[i * 2 + 1])) return true;
    }
    return false;
  }

  protected override onBarrier(g: Group, timeMs: number, timeNs: number, parent: number): void {
    const s = this.states.peek(g.id);
    if (s !== undefined) {
      const t = this.#tolerance > 0 ? round({ ms: timeMs, ns: timeNs }, this.#tolerance) : { ms: timeMs, ns: timeNs };
      s.heads[parent * 2] = t.ms;
      s.heads[parent * 2 + 1] = t.ns;
      this.#emit(s, this.#onlyReady(s));
    }
    this.emitBarrier(g, timeMs, timeNs);
  }

  #emit(s: JoinGroup, onlyReady: boolean): void {
    for (;;) {
      if (s.count > 0) {
        const ms = s.ms(s.head);
        const ns = s.ns(s.head);
        // Stay within one time: the loop below moves on to the next time.
        while (s.count > 0 && s.ms(s.head) === ms && s.ns(s.head) === ns && !(onlyReady && !s.complete(s.head))) {
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
    const first = s.first(at);
    const name = this.#streamName !== '' ? this.#streamName : s.nameOf(at, first);
    const firstKind = s.kind(at, first);
    if (firstKind === STATE_BATCH) {
      this.#emitBatchSet(s, at, (s.object(at, first) as BatchMessage).batch, name);
      return;
    }
    const fields: Fields = {};
    const cells = s.cells;
    const base = s.base(at);
    for (let i = 0; i < p; i++) {
      const kind = s.kind(at, i);
      if (kind === STATE_NUMBERS) {
        const joined = s.layouts[i]!.joined;
        const from = base + s.offsets[i];
        for (let j = 0; j < joined.length; j++) fields[joined[j]] = cells[from + j];
      } else if (kind !== 0) {
        const f = s.object(at, i) as Fields;
        for (const k in f) fields[this.#prefixed(i, k)] = f[k];
      } else {
        if (this.#fill === 'none') return;
        const fill = this.#fillValue();
        const keys = firstKind === STATE_NUMBERS ? s.layouts[first]!.keys : Object.keys(s.object(at, first));
        for (const k of keys) fields[this.#prefixed(i, k)] = fill;
      }
    }
    const g = s.group;
    // Built in the property order of every other point, so the nodes downstream see one shape.
    this.emitPoint({ database: '', retentionPolicy: '', name, tags: g.tags, fields, timeMs: s.ms(at), timeNs: s.ns(at) }, g);
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
      if (s.kind(at, i) === 0) continue;
      for (const bp of (s.object(at, i) as BatchMessage).batch.points) {
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
    this.emitBatch({ name, group: first.group, tmaxMs: s.ms(at), tmaxNs: s.ns(at), points });
  }
}
