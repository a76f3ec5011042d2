// Groups: the dimensions a point is grouped by, Kapacitor's group id, and per-task interning into dense slots.

import type { Tags } from '../core/point.ts';
import { resizedArray, resizedTyped } from './slot-columns.ts';

/** How points are grouped: by measurement name and/or a sorted list of tag names. */
export interface Dimensions {
  readonly byName: boolean;
  /** Sorted tag names. */
  readonly tagNames: readonly string[];
}

export const NO_DIMENSIONS: Dimensions = Object.freeze({ byName: false, tagNames: Object.freeze([]) as readonly string[] });

/** The group id of a point with these tags and name under `dims` (models.ToGroupID's rules). */
export function groupId(name: string, tags: Tags, dims: Dimensions): string {
  const names = dims.tagNames;
  if (names.length === 0) return dims.byName ? name : '';
  let id = dims.byName ? `${name}\n` : '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) id += ',';
    id += `${names[i]}=${tags[names[i]] ?? ''}`;
  }
  return id;
}

/**
 * One group of a task, interned per task: nodes compare groups by identity, and nodes that keep
 * per-group state in columns index them by `slot`, a dense number the table reuses after expiry.
 */
export class Group {
  /** Position in the task's GroupTable; -1 once the group has expired (a later point interns a new one). */
  slot: number;
  /** Built on first use for single-tag groups, which are interned by tag value and may never need it. */
  #id: string | undefined;

  constructor(
    /** Only the dimension tags. */
    readonly tags: Tags,
    readonly dims: Dimensions,
    slot: number,
    id: string | undefined,
  ) {
    this.slot = slot;
    this.#id = id;
  }

  /** Kapacitor's group id (§4): `""`, `name`, or `[name\n]k1=v1,k2=v2` over sorted dimensions. */
  get id(): string {
    return (this.#id ??= groupId('', this.tags, this.dims));
  }

  /**
   * The same group carrying other tags (alert augmentation). The copy is not interned: nodes that
   * keep state find the interned group by its id.
   */
  withTags(tags: Tags): Group {
    return new Group(tags, this.dims, -1, this.id);
  }
}

/**
 * Something that keeps per-group columns indexed by slot (a node's state, the table itself). The
 * table tells it when the number of slots changes and when compaction moves a group.
 */
export interface SlotStore {
  /** Columns must now hold `capacity` slots; nothing at or beyond it is in use. */
  resize(capacity: number): void;
  /** The group at slot `from` moves to the free slot `to`. */
  move(from: number, to: number): void;
}

const MIN_CAPACITY = 64;
const FNV_OFFSET = 0x811c9dc5;
/** Seeds ids apart from single-tag keys, which hash the tag name and then the value. */
const ID_SEED = 0x5bd1e995;

function hashString(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Whether groups under `dims` are keyed by one tag's value (the common `groupBy('host')`) rather than by id. */
function singleTag(dims: Dimensions): boolean {
  return dims.tagNames.length === 1 && !dims.byName;
}

/**
 * Interns groups of one task into dense slots with their last activity time and a count of the
 * nodes that keep state for them. A group is dropped once it is idle past the cutoff and no node
 * holds state for it; when most slots are free the live ones are renumbered downwards and every
 * column shrinks, so expiry gives the memory back.
 *
 * Groups are found through an open-addressing index of slots (two 4-byte entries per slot instead
 * of a map entry per group): single-tag groups by tag name and value, without building the id for
 * every point, the others by id. A point whose tags are exactly the one dimension lends the group
 * its (shared, frozen) tag object.
 */
export class GroupTable {
  readonly root: Group = new Group({}, NO_DIMENSIONS, 0, '');
  #groups: (Group | undefined)[] = [];
  /** Wall ms of each slot's last activity. */
  #seen = new Float64Array(0);
  /** How many nodes keep state for each slot. */
  #refs = new Uint16Array(0);
  /** Each slot's key hash. */
  #hashes = new Int32Array(0);
  /** Linear-probing index: slots by key hash, 0 for empty (slot 0 is the root, never indexed); twice the capacity. */
  #index = new Int32Array(0);
  /** Tag names of single-tag groups, for look-ups by id. */
  readonly #singleTags = new Set<string>();
  #lastTag = '';
  #lastTagHash = hashString('', FNV_OFFSET);
  #capacity = 0;
  /** Slots below `#top` are used or in `#free`. */
  #top = 1;
  #free: number[] = [];
  #live = 1;
  #stores: SlotStore[] = [];
  /** Coarse wall time in ms, set by the task's ticker. */
  nowMs = 0;

  constructor() {
    this.#resizeAll(MIN_CAPACITY);
  }

  /** The group of a point with this name and tags under `dims`. */
  of(name: string, tags: Tags, dims: Dimensions): Group {
    if (dims.tagNames.length === 0 && !dims.byName) return this.root;
    if (singleTag(dims)) {
      const tag = dims.tagNames[0];
      const value = tags[tag] ?? '';
      const hash = this.#tagHash(tag, value);
      let g = this.#lookup(tag, value, hash);
      if (g === undefined) {
        const own = tags[tag] !== undefined && onlyKey(tags, tag);
        g = this.#add(own ? tags : { [tag]: value }, dims, undefined, hash);
        this.#singleTags.add(tag);
      } else {
        this.#seen[g.slot] = this.nowMs;
      }
      return g;
    }
    const id = groupId(name, tags, dims);
    // The id spells out the dimensions, so equal ids mean equal groups whichever node asks.
    const hash = hashString(id, ID_SEED);
    let g = this.#lookup(undefined, id, hash);
    if (g === undefined) {
      const groupTags: Tags = {};
      for (const k of dims.tagNames) groupTags[k] = tags[k] ?? '';
      g = this.#add(groupTags, dims, id, hash);
    } else {
      this.#seen[g.slot] = this.nowMs;
    }
    return g;
  }

  #tagHash(tag: string, value: string): number {
    if (tag !== this.#lastTag) {
      this.#lastTag = tag;
      this.#lastTagHash = hashString(tag, FNV_OFFSET);
    }
    return hashString(value, this.#lastTagHash);
  }

  /** The group keyed by `key`: a single-tag group's value of `tag`, or with `tag` undefined any other group's id. */
  #lookup(tag: string | undefined, key: string, hash: number): Group | undefined {
    const index = this.#index;
    const mask = index.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = index[i];
      if (slot === 0) return undefined;
      if (this.#hashes[slot] !== hash) continue;
      const g = this.#groups[slot]!;
      const single = singleTag(g.dims);
      if (tag === undefined ? !single && g.id === key : single && g.dims.tagNames[0] === tag && g.tags[tag] === key) return g;
    }
  }

  #add(tags: Tags, dims: Dimensions, id: string | undefined, hash: number): Group {
    let slot = this.#free.pop();
    if (slot === undefined) {
      if (this.#top === this.#capacity) this.#resizeAll(this.#capacity * 2);
      slot = this.#top++;
    }
    const g = new Group(tags, dims, slot, id);
    this.#groups[slot] = g;
    this.#seen[slot] = this.nowMs;
    this.#hashes[slot] = hash;
    this.#insert(slot);
    this.#live++;
    return g;
  }

  #insert(slot: number): void {
    const index = this.#index;
    const mask = index.length - 1;
    let i = this.#hashes[slot] & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = slot;
  }

  /** Takes a slot out of the index, shifting later entries of its probe run back (no tombstones). */
  #unindex(slot: number): void {
    const index = this.#index;
    const mask = index.length - 1;
    let i = this.#hashes[slot] & mask;
    while (index[i] !== slot) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hashes[index[j]] & mask;
      // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        index[i] = index[j];
        i = j;
      }
    }
    index[i] = 0;
  }

  /**
   * `g` itself while it is interned; for a group that has expired (a node kept the object past its
   * expiry), the group now interned under the same key, interning it again if need be.
   */
  live(g: Group): Group {
    const found = this.find(g);
    if (found !== undefined) return found;
    const dims = g.dims;
    const tags: Tags = {};
    for (const k of dims.tagNames) tags[k] = g.tags[k] ?? '';
    if (singleTag(dims)) {
      const tag = dims.tagNames[0];
      return this.#add(tags, dims, undefined, this.#tagHash(tag, tags[tag]));
    }
    return this.#add(tags, dims, g.id, hashString(g.id, ID_SEED));
  }

  /**
   * The interned group with the same key as `g` (`g` itself while it is interned), or undefined.
   * Found by id, which a copy from `withTags` keeps even where its tags differ.
   */
  find(g: Group): Group | undefined {
    return g.slot >= 0 ? g : this.byId(g.id);
  }

  /** The interned group with this id, or undefined. */
  byId(id: string): Group | undefined {
    if (id === '') return this.root;
    const g = this.#lookup(undefined, id, hashString(id, ID_SEED));
    if (g !== undefined) return g;
    for (const tag of this.#singleTags) {
      if (id.length > tag.length && id.startsWith(tag) && id.charCodeAt(tag.length) === 61 /* = */) {
        const value = id.slice(tag.length + 1);
        const s = this.#lookup(tag, value, this.#tagHash(tag, value));
        if (s !== undefined) return s;
      }
    }
    return undefined;
  }

  /** The group in a used slot. */
  at(slot: number): Group {
    return this.#groups[slot]!;
  }

  /** When any node last produced or touched the group with this id (wall ms), or undefined when it is not interned. */
  lastSeen(id: string): number | undefined {
    const g = this.byId(id);
    return g === undefined ? undefined : this.#seen[g.slot];
  }

  /** Wall ms of the last activity of the group in `slot`. */
  seenAt(slot: number): number {
    return this.#seen[slot];
  }

  /** Records activity of the group in `slot` now (a node received data for it). */
  touch(slot: number): void {
    this.#seen[slot] = this.nowMs;
  }

  /** A node starts keeping state for the group in `slot`: the group stays interned until `unref`. */
  ref(slot: number): void {
    this.#refs[slot]++;
  }

  unref(slot: number): void {
    this.#refs[slot]--;
  }

  /** Registers columns that follow the slots; they are sized at once. */
  attach(store: SlotStore): void {
    this.#stores.push(store);
    store.resize(this.#capacity);
  }

  get size(): number {
    return this.#live - 1;
  }

  /** Slots the columns hold (used or free). */
  get capacity(): number {
    return this.#capacity;
  }

  /** Forgets groups not used since `cutoffMs` that no node keeps state for; shrinks when most slots are free. */
  expire(cutoffMs: number): void {
    for (let slot = 1; slot < this.#top; slot++) {
      const g = this.#groups[slot];
      if (g !== undefined && this.#seen[slot] < cutoffMs && this.#refs[slot] === 0) {
        this.#unindex(slot);
        g.slot = -1;
        this.#groups[slot] = undefined;
        this.#free.push(slot);
        this.#live--;
      }
    }
    if (this.#capacity > MIN_CAPACITY && this.#live * 4 <= this.#capacity) this.#compact();
  }

  /** Renumbers the live groups into the lowest slots and shrinks every column. */
  #compact(): void {
    let to = 1;
    for (let from = this.#top - 1; from >= this.#live; from--) {
      const g = this.#groups[from];
      if (g === undefined) continue;
      while (this.#groups[to] !== undefined) to++;
      g.slot = to;
      this.#groups[to] = g;
      this.#groups[from] = undefined;
      this.#seen[to] = this.#seen[from];
      this.#refs[to] = this.#refs[from];
      this.#refs[from] = 0;
      this.#hashes[to] = this.#hashes[from];
      for (const s of this.#stores) s.move(from, to);
    }
    this.#top = this.#live;
    this.#free = [];
    let capacity = MIN_CAPACITY;
    while (capacity < this.#live * 2) capacity *= 2;
    this.#resizeAll(capacity);
  }

  /** Resizes every column and rebuilds the index at twice the capacity. */
  #resizeAll(capacity: number): void {
    this.#capacity = capacity;
    this.#groups = resizedArray(this.#groups, capacity);
    this.#groups[0] = this.root;
    this.#seen = resizedTyped(this.#seen, capacity);
    this.#refs = resizedTyped(this.#refs, capacity);
    this.#hashes = resizedTyped(this.#hashes, capacity);
    this.#index = new Int32Array(capacity * 2);
    for (let slot = 1; slot < this.#top; slot++) if (this.#groups[slot] !== undefined) this.#insert(slot);
    for (const s of this.#stores) s.resize(capacity);
  }

  /** Forgets every group (task stopped). */
  clear(): void {
    for (let slot = 1; slot < this.#top; slot++) {
      const g = this.#groups[slot];
      if (g !== undefined) g.slot = -1;
    }
    this.#singleTags.clear();
    this.#stores = [];
    this.#top = 1;
    this.#live = 1;
    this.#free = [];
    this.#groups = [];
    this.#seen = new Float64Array(0);
    this.#refs = new Uint16Array(0);
    this.#hashes = new Int32Array(0);
    this.#resizeAll(MIN_CAPACITY);
  }
}

/** True when `tags` has no key but `key`. */
function onlyKey(tags: Tags, key: string): boolean {
  for (const k in tags) if (k !== key) return false;
  return true;
}

/** Sorted, de-duplicated dimension names; the same list yields the same frozen object per caller. */
export function dimensions(tagNames: readonly string[], byName: boolean, exclude: readonly string[] = []): Dimensions {
  const set = new Set(tagNames);
  for (const e of exclude) set.delete(e);
  return Object.freeze({ byName, tagNames: Object.freeze([...set].sort()) });
}

/** Dimensions for `groupBy(*)`: every tag of the point except the excluded ones. */
export class StarDimensions {
  readonly #cache = new Map<string, Dimensions>();
  constructor(
    private readonly byName: boolean,
    private readonly exclude: readonly string[],
  ) {}

  of(tags: Tags): Dimensions {
    let key = '';
    for (const k in tags) key += `${k}\u0000`;
    let d = this.#cache.get(key);
    if (d === undefined) {
      d = dimensions(Object.keys(tags), this.byName, this.exclude);
      this.#cache.set(key, d);
    }
    return d;
  }
}
