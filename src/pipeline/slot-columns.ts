// Per-group columns indexed by group slot (see GroupTable): resizing, references allocated only when
// used, values most slots share, and a compact store of one point per slot.

import type { Fields, Tags } from '../core/point.ts';
import type { BatchPoint } from './messages.ts';

type TypedColumn = Float64Array | Int32Array | Uint16Array | Uint8Array;

/** `a` with room for `capacity` slots, keeping the slots both sizes have. */
export function resizedTyped<T extends TypedColumn>(a: T, capacity: number): T {
  if (a.length === capacity) return a;
  const next = new (a.constructor as new (length: number) => T)(capacity);
  next.set(a.length <= capacity ? a : (a.subarray(0, capacity) as T));
  return next;
}

/** `a` with room for `capacity` slots; free slots hold undefined. */
export function resizedArray<T>(a: (T | undefined)[], capacity: number): (T | undefined)[] {
  if (a.length === capacity) return a;
  const next = new Array<T | undefined>(capacity);
  const n = Math.min(a.length, capacity);
  for (let i = 0; i < n; i++) next[i] = a[i];
  for (let i = n; i < capacity; i++) next[i] = undefined;
  return next;
}

/** References by slot; the array exists only once some slot holds one (most nodes never need it). */
export class RefColumn<T> {
  #values: (T | undefined)[] | undefined;
  #capacity = 0;

  get(slot: number): T | undefined {
    return this.#values === undefined ? undefined : this.#values[slot];
  }

  set(slot: number, v: T | undefined): void {
    if (this.#values === undefined) {
      if (v === undefined) return;
      this.#values = resizedArray([], this.#capacity);
    }
    this.#values[slot] = v;
  }

  resize(capacity: number): void {
    this.#capacity = capacity;
    if (this.#values !== undefined) this.#values = resizedArray(this.#values, capacity);
  }

  move(from: number, to: number): void {
    if (this.#values === undefined) return;
    this.#values[to] = this.#values[from];
    this.#values[from] = undefined;
  }
}

/**
 * A value per slot where nearly every slot holds the same one (a measurement name, a field key):
 * the first value stored is kept once, and only slots holding another cost a reference.
 */
export class SharedColumn<T> {
  #common: T | undefined;
  readonly #others = new RefColumn<T>();

  /** The value of a slot that was set. */
  get(slot: number): T {
    return this.#others.get(slot) ?? this.#common!;
  }

  set(slot: number, v: T): void {
    if (this.#common === undefined) this.#common = v;
    this.#others.set(slot, v === this.#common ? undefined : v);
  }

  clear(slot: number): void {
    this.#others.set(slot, undefined);
  }

  resize(capacity: number): void {
    this.#others.resize(capacity);
  }

  move(from: number, to: number): void {
    this.#others.move(from, to);
  }
}

const EMPTY = 0;
/** Equal tag sets: a point's tags decoded again (its series left the parser's cache) equal its group's. */
function sameTags(a: Tags, b: Tags): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** The fields are one float: its key is in `#keys`, its value in `#value`. */
const ONE_FLOAT = 1;
/** The fields object is kept as it is. */
const OBJECT = 2;
/** No fields (a `from()` whose task reads none decodes none). */
const NO_FIELDS = 3;

/**
 * One point per slot, without a point object: the time in typed columns, the tags only when they
 * differ from the group's, and a point whose only field is a float (what aggregates and selectors
 * emit, and most measurements carry) as that key and number instead of a fields object (no fields
 * at all as nothing). Reading a point back builds it.
 */
export class PointSlots {
  #kind = new Uint8Array(0);
  #timeMs = new Float64Array(0);
  #timeNs = new Int32Array(0);
  #value = new Float64Array(0);
  readonly #keys = new SharedColumn<string>();
  readonly #objects = new RefColumn<Fields>();
  /** Tags of points whose tags are not their group's tags object. */
  readonly #tags = new RefColumn<Tags>();

  has(slot: number): boolean {
    return this.#kind[slot] !== EMPTY;
  }

  set(slot: number, p: BatchPoint, groupTags: Tags): void {
    const fields = p.fields;
    let key = '';
    let n = 0;
    for (const k in fields) {
      if (++n > 1) break;
      key = k;
    }
    const value = n === 1 ? fields[key] : undefined;
    if (typeof value === 'number') {
      this.#kind[slot] = ONE_FLOAT;
      this.#keys.set(slot, key);
      this.#value[slot] = value;
      this.#objects.set(slot, undefined);
    } else {
      this.#kind[slot] = n === 0 ? NO_FIELDS : OBJECT;
      this.#keys.clear(slot);
      this.#objects.set(slot, n === 0 ? undefined : fields);
    }
    this.#tags.set(slot, p.tags === groupTags || sameTags(p.tags, groupTags) ? undefined : p.tags);
    this.#timeMs[slot] = p.timeMs;
    this.#timeNs[slot] = p.timeNs;
  }

  /** The point in a slot that holds one; `groupTags` are the tags of the slot's group. */
  get(slot: number, groupTags: Tags): BatchPoint {
    const kind = this.#kind[slot];
    const fields = kind === ONE_FLOAT ? { [this.#keys.get(slot)]: this.#value[slot] } : kind === NO_FIELDS ? {} : this.#objects.get(slot)!;
    return { tags: this.#tags.get(slot) ?? groupTags, fields, timeMs: this.#timeMs[slot], timeNs: this.#timeNs[slot] };
  }

  clear(slot: number): void {
    this.#kind[slot] = EMPTY;
    this.#keys.clear(slot);
    this.#objects.set(slot, undefined);
    this.#tags.set(slot, undefined);
  }

  resize(capacity: number): void {
    this.#kind = resizedTyped(this.#kind, capacity);
    this.#timeMs = resizedTyped(this.#timeMs, capacity);
    this.#timeNs = resizedTyped(this.#timeNs, capacity);
    this.#value = resizedTyped(this.#value, capacity);
    this.#keys.resize(capacity);
    this.#objects.resize(capacity);
    this.#tags.resize(capacity);
  }

  move(from: number, to: number): void {
    this.#kind[to] = this.#kind[from];
    this.#kind[from] = EMPTY;
    this.#timeMs[to] = this.#timeMs[from];
    this.#timeNs[to] = this.#timeNs[from];
    this.#value[to] = this.#value[from];
    this.#keys.move(from, to);
    this.#objects.move(from, to);
    this.#tags.move(from, to);
  }
}
