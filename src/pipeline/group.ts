// Groups: the dimensions a point is grouped by, Kapacitor's group id, and per-task interning.

import type { Tags } from '../core/point.ts';

/** How points are grouped: by measurement name and/or a sorted list of tag names. */
export interface Dimensions {
  readonly byName: boolean;
  /** Sorted tag names. */
  readonly tagNames: readonly string[];
}

/**
 * One group of a task. Interned per task, so nodes compare groups by identity and share one
 * object (and one id string) per group instead of allocating per point.
 */
export interface Group {
  /** Kapacitor's group id (§4): `""`, `name`, or `[name\n]k1=v1,k2=v2` over sorted dimensions. */
  readonly id: string;
  /** Only the dimension tags. */
  readonly tags: Tags;
  readonly dims: Dimensions;
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

interface Interned extends Group {
  seen: number;
}

/**
 * Interns groups of one task. Entries idle past the cutoff are dropped with the nodes' state.
 * Single-dimension groups live only in a map by tag value, the others only in a map by id, so a
 * group costs one map entry; a point whose tags are exactly the one dimension lends the group its
 * (shared, frozen) tag object.
 */
export class GroupTable {
  readonly #groups = new Map<string, Interned>();
  /** Single-dimension groups by tag name, then tag value. */
  readonly #byTag = new Map<string, Map<string, Interned>>();
  #singles = 0;
  /** The map of the last single-dimension look-up: most tasks group by one tag only. */
  #lastTag: string | undefined;
  #lastByValue: Map<string, Interned> | undefined;
  readonly root: Group = { id: '', tags: {}, dims: NO_DIMENSIONS };
  /** Coarse wall time in ms, set by the task's ticker. */
  nowMs = 0;

  /** The group of a point with this name and tags under `dims`. */
  of(name: string, tags: Tags, dims: Dimensions): Group {
    if (dims.tagNames.length === 0 && !dims.byName) return this.root;
    if (dims.tagNames.length === 1 && !dims.byName) return this.#single(tags, dims);
    const id = groupId(name, tags, dims);
    // The id spells out the dimensions, so equal ids mean equal groups whichever node asks.
    let g = this.#groups.get(id);
    if (g === undefined) {
      const groupTags: Tags = {};
      for (const k of dims.tagNames) groupTags[k] = tags[k] ?? '';
      g = { id, tags: groupTags, dims, seen: this.nowMs };
      this.#groups.set(id, g);
    } else {
      g.seen = this.nowMs;
    }
    return g;
  }

  /**
   * One dimension (the common `groupBy('host')`): looked up by the tag value itself, whose hash the
   * decoded string already carries, instead of building the id string for every point.
   */
  #single(tags: Tags, dims: Dimensions): Group {
    const tag = dims.tagNames[0];
    const value = tags[tag] ?? '';
    let byValue: Map<string, Interned> | undefined;
    if (tag === this.#lastTag) byValue = this.#lastByValue!;
    else {
      byValue = this.#byTag.get(tag);
      if (byValue === undefined) this.#byTag.set(tag, (byValue = new Map()));
      this.#lastTag = tag;
      this.#lastByValue = byValue;
    }
    let g = byValue.get(value);
    if (g === undefined) {
      const own = tags[tag] !== undefined && onlyKey(tags, tag);
      g = { id: `${tag}=${value}`, tags: own ? tags : { [tag]: value }, dims, seen: this.nowMs };
      byValue.set(value, g);
      this.#singles++;
    } else {
      g.seen = this.nowMs;
    }
    return g;
  }

  /** When any node last produced the group with this id (wall ms), or undefined when it is not interned. */
  lastSeen(id: string): number | undefined {
    const g = this.#groups.get(id);
    if (g !== undefined) return g.seen;
    for (const [tag, byValue] of this.#byTag) {
      if (id.length > tag.length && id.startsWith(tag) && id.charCodeAt(tag.length) === 61 /* = */) {
        const s = byValue.get(id.slice(tag.length + 1));
        if (s !== undefined) return s.seen;
      }
    }
    return undefined;
  }

  /** When the group interned under the same key as `g` was last produced, or undefined. */
  lastSeenOf(g: Group): number | undefined {
    if (g.dims.tagNames.length === 1 && !g.dims.byName) {
      const tag = g.dims.tagNames[0];
      return this.#byTag.get(tag)?.get(g.tags[tag])?.seen;
    }
    return this.#groups.get(g.id)?.seen;
  }

  get size(): number {
    return this.#groups.size + this.#singles;
  }

  /** Forgets groups not used since `cutoffMs`. */
  expire(cutoffMs: number): void {
    for (const g of this.#groups.values()) if (g.seen < cutoffMs) this.#groups.delete(g.id);
    for (const byValue of this.#byTag.values()) {
      for (const [value, g] of byValue) {
        if (g.seen < cutoffMs) {
          byValue.delete(value);
          this.#singles--;
        }
      }
    }
  }

  clear(): void {
    this.#groups.clear();
    this.#byTag.clear();
    this.#lastTag = undefined;
    this.#lastByValue = undefined;
    this.#singles = 0;
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
