// The rows of one series in typed arrays: sorted, unique times (ms + ns parts) and one column per
// field. Rows below `length` never change in place, so views handed to scans stay valid snapshots;
// out-of-order and same-time writes go to a second, unsorted chunk of columns until the next
// compaction merges both into fresh arrays.

import { type FieldType, type FieldValue, type Fields, fieldType } from '../core/point.ts';
import { FIELD_FLOAT, FIELD_INTEGER, FIELD_STRING } from '../lineproto/point-batch.ts';
import type { FieldLayout, StagedFields } from './field-layouts.ts';
import type { FieldColumn } from './series-store.ts';

type Values = Float64Array | BigInt64Array | string[] | Uint8Array;

export interface Column {
  type: FieldType;
  values: Values;
  /** Per-row presence; undefined while every row so far has the field. */
  valid: Uint8Array | undefined;
  /** An integer column's values as 32-bit words (set on first use), so small integers need no BigInt. */
  words: Int32Array | undefined;
}

/** A series' rows captured for a snapshot (see `SeriesColumns.freeze`). */
export interface FrozenRows {
  length: number;
  timeMs: Float64Array;
  timeNs: Int32Array;
  columns: Array<{ key: string; type: FieldType; values: Values; valid: Uint8Array | undefined }>;
}

const INITIAL = 16;
/** Late rows are merged once there are this many and they are a fair share of the series (merging costs O(rows)). */
const LATE_LIMIT = 4096;
const TWO_32 = 4294967296;
/**
 * Capacity grows fourfold below this, then twofold: past it, three quarters of a fourfold array would
 * sit empty for long, and the memory allocated (which the collector counts) costs more than a copy.
 */
const GROW_FAST_BELOW = 1024;

function allocValues(type: FieldType, cap: number): Values {
  switch (type) {
    case 'float':
      return new Float64Array(cap);
    case 'integer':
      return new BigInt64Array(cap);
    case 'string':
      return [];
    default:
      return new Uint8Array(cap);
  }
}

type Fixed = Float64Array | BigInt64Array | Uint8Array | Int32Array;

/**
 * Carves the arrays of a grown chunk out of one buffer: one allocation per growth instead of one
 * per array (allocating a typed array costs about as much as copying a few kilobytes). The buffer
 * is not zero-filled: zeroing (and first touching fresh pages) cost more than the appends that
 * fill it, and every row below a chunk's length is written in full before it counts, absent
 * values included (see `markAbsent`), so nothing reads the rest.
 */
class Slab {
  readonly #buffer: ArrayBuffer;
  #at = 0;

  constructor(bytes: number) {
    this.#buffer = Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
  }

  /** Bytes `n` elements of `a`'s type take in a slab (regions start 8-aligned). */
  static size(a: Fixed, n: number): number {
    return Math.ceil((n * a.BYTES_PER_ELEMENT) / 8) * 8;
  }

  /** A copy of `a` with room for `n` elements. */
  take<T extends Fixed>(a: T, n: number): T {
    const next = new (a.constructor as { new (b: ArrayBuffer, at: number, n: number): T })(this.#buffer, this.#at, n);
    next.set(a as never);
    this.#at += Slab.size(a, n);
    return next;
  }
}

function wordsOf(col: Column): Int32Array {
  if (col.words === undefined) {
    const v = col.values as BigInt64Array;
    col.words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  }
  return col.words;
}

/** Stores an integer of at most 53 bits as its two's-complement low and high words. */
function setSmallInteger(col: Column, row: number, n: number): void {
  const words = wordsOf(col);
  const high = Math.floor(n / TWO_32);
  words[2 * row] = (n - high * TWO_32) | 0;
  words[2 * row + 1] = high | 0;
}

/** Marks `row` as lacking the column's field; its value is set to zero, so that a row is never left unwritten. */
function markAbsent(col: Column, row: number, cap: number): void {
  if (col.valid === undefined) {
    col.valid = new Uint8Array(cap);
    col.valid.fill(1, 0, row);
  }
  col.valid[row] = 0;
  if (col.type === 'integer') setSmallInteger(col, row, 0);
  else if (col.type !== 'string') (col.values as Float64Array | Uint8Array)[row] = 0;
}

/** Rows appended at the end of typed arrays; a series' sorted body, or its late rows in arrival order. */
class Chunk {
  length = 0;
  cap: number;
  timeMs: Float64Array;
  timeNs: Int32Array;
  readonly columns = new Map<string, Column>();
  /** The layout last appended, its columns by position and the columns it lacks. */
  #layout: FieldLayout | undefined;
  #bound: Column[] = [];
  #absent: Column[] = [];

  constructor(cap: number, timeMs?: Float64Array, timeNs?: Int32Array) {
    this.cap = cap;
    this.timeMs = timeMs ?? new Float64Array(cap);
    this.timeNs = timeNs ?? new Int32Array(cap);
  }

  #addRow(ms: number, ns: number): number {
    const row = this.length;
    if (row === this.cap) this.reserve(1);
    this.timeMs[row] = ms;
    this.timeNs[row] = ns;
    return row;
  }

  #column(key: string, type: FieldType, row: number): Column {
    let col = this.columns.get(key);
    if (col === undefined) {
      col = { type, values: allocValues(type, this.cap), valid: row > 0 ? new Uint8Array(this.cap) : undefined, words: undefined };
      this.columns.set(key, col);
      this.#layout = undefined;
    }
    return col;
  }

  #bind(layout: FieldLayout, row: number): void {
    const bound: Column[] = [];
    for (let k = 0; k < layout.keys.length; k++) bound.push(this.#column(layout.keys[k], layout.types[k], row));
    const absent: Column[] = [];
    for (const [key, col] of this.columns) if (!layout.keys.includes(key)) absent.push(col);
    this.#layout = layout;
    this.#bound = bound;
    this.#absent = absent;
  }

  /** Appends a row whose values are staged at [from, from + layout.keys.length) (see `FieldStager.stage`). */
  push(ms: number, ns: number, layout: FieldLayout, numbers: Float64Array, others: ArrayLike<string | bigint | undefined> | undefined, from: number): void {
    const row = this.#addRow(ms, ns);
    if (this.#layout !== layout) this.#bind(layout, row);
    const bound = this.#bound;
    const kinds = layout.kinds;
    for (let k = 0; k < bound.length; k++) {
      const col = bound[k];
      const j = from + k;
      switch (kinds[k]) {
        case FIELD_FLOAT:
          (col.values as Float64Array)[row] = numbers[j];
          break;
        case FIELD_INTEGER: {
          const big = others?.[j];
          if (big === undefined) setSmallInteger(col, row, numbers[j]);
          else (col.values as BigInt64Array)[row] = big as bigint;
          break;
        }
        case FIELD_STRING:
          (col.values as string[])[row] = (others as ArrayLike<string>)[j];
          break;
        default:
          (col.values as Uint8Array)[row] = numbers[j];
      }
      if (col.valid !== undefined) col.valid[row] = 1;
    }
    const absent = this.#absent;
    for (let a = 0; a < absent.length; a++) markAbsent(absent[a], row, this.cap);
    this.length = row + 1;
  }

  /** Appends staged lines `lines[from..to)`, all of `layout`, column by column. */
  pushRun(lines: Int32Array, from: number, to: number, timeMs: Float64Array, timeNs: Int32Array, layout: FieldLayout, staged: StagedFields): void {
    const m = to - from;
    this.reserve(m);
    const row0 = this.length;
    for (let r = 0; r < m; r++) {
      const i = lines[from + r];
      this.timeMs[row0 + r] = timeMs[i];
      this.timeNs[row0 + r] = timeNs[i];
    }
    if (this.#layout !== layout) this.#bind(layout, row0);
    const bound = this.#bound;
    const { offsets, numbers, others } = staged;
    for (let k = 0; k < bound.length; k++) {
      const col = bound[k];
      switch (layout.kinds[k]) {
        case FIELD_FLOAT: {
          const values = col.values as Float64Array;
          for (let r = 0; r < m; r++) values[row0 + r] = numbers[offsets[lines[from + r]] + k];
          break;
        }
        case FIELD_INTEGER:
          for (let r = 0; r < m; r++) {
            const j = offsets[lines[from + r]] + k;
            const big = others?.[j];
            if (big === undefined) setSmallInteger(col, row0 + r, numbers[j]);
            else (col.values as BigInt64Array)[row0 + r] = big as bigint;
          }
          break;
        case FIELD_STRING: {
          const values = col.values as string[];
          for (let r = 0; r < m; r++) values[row0 + r] = (others as ArrayLike<string>)[offsets[lines[from + r]] + k];
          break;
        }
        default: {
          const values = col.values as Uint8Array;
          for (let r = 0; r < m; r++) values[row0 + r] = numbers[offsets[lines[from + r]] + k];
        }
      }
      col.valid?.fill(1, row0, row0 + m);
    }
    for (const col of this.#absent) for (let r = 0; r < m; r++) markAbsent(col, row0 + r, this.cap);
    this.length = row0 + m;
  }

  /** Appends a row given as an object (points written as objects, rows rebuilt by merges). */
  pushFields(ms: number, ns: number, fields: Fields): void {
    const row = this.#addRow(ms, ns);
    let seen = 0;
    for (const key in fields) {
      const value = fields[key];
      const col = this.#column(key, fieldType(value), row);
      setValue(col, row, value);
      if (col.valid !== undefined) col.valid[row] = 1;
      seen++;
    }
    if (seen < this.columns.size) for (const [key, col] of this.columns) if (!(key in fields)) markAbsent(col, row, this.cap);
    this.length = row + 1;
  }

  /** Makes room for `n` more rows: four times the capacity while small (fewer copies for young series), then twice. */
  reserve(n: number): void {
    if (this.length + n <= this.cap) return;
    let cap = this.cap;
    while (cap < this.length + n) cap *= cap < GROW_FAST_BELOW ? 4 : 2;
    this.#grow(cap);
  }

  #grow(cap: number): void {
    // New arrays rather than in-place growth: views already handed out keep their buffers.
    this.cap = cap;
    let bytes = Slab.size(this.timeMs, cap) + Slab.size(this.timeNs, cap);
    for (const col of this.columns.values()) {
      if (!Array.isArray(col.values)) bytes += Slab.size(col.values as Fixed, cap);
      if (col.valid !== undefined) bytes += cap;
    }
    const slab = new Slab(bytes + 8 * this.columns.size);
    this.timeMs = slab.take(this.timeMs, cap);
    this.timeNs = slab.take(this.timeNs, cap);
    for (const col of this.columns.values()) {
      if (!Array.isArray(col.values)) col.values = slab.take(col.values as Float64Array, cap);
      col.words = undefined;
      if (col.valid !== undefined) col.valid = slab.take(col.valid, cap);
    }
  }

  /** Rows [from, to) as a new chunk. */
  slice(from: number, to: number): Chunk {
    const n = to - from;
    const out = new Chunk(Math.max(INITIAL, n));
    out.timeMs.set(this.timeMs.subarray(from, to));
    out.timeNs.set(this.timeNs.subarray(from, to));
    for (const [key, col] of this.columns) {
      let valid: Uint8Array | undefined;
      if (col.valid !== undefined) {
        if (!col.valid.subarray(from, to).includes(1)) continue;
        valid = new Uint8Array(out.cap);
        valid.set(col.valid.subarray(from, to));
      }
      let values: Values;
      if (Array.isArray(col.values)) values = col.values.slice(from, to);
      else {
        values = allocValues(col.type, out.cap);
        (values as Float64Array).set((col.values as Float64Array).subarray(from, to));
      }
      out.columns.set(key, { type: col.type, values, valid, words: undefined });
    }
    out.length = n;
    return out;
  }
}

export class SeriesColumns {
  #main: Chunk;
  #late: Chunk | undefined;
  #lateMaxMs = 0;
  #lateMaxNs = 0;

  constructor(cap = INITIAL) {
    this.#main = new Chunk(cap);
  }

  /** Rows in the sorted arrays (call `compact` first to include late rows). */
  get length(): number {
    return this.#main.length;
  }

  get timeMs(): Float64Array {
    return this.#main.timeMs;
  }

  get timeNs(): Int32Array {
    return this.#main.timeNs;
  }

  get columns(): ReadonlyMap<string, Column> {
    return this.#main.columns;
  }

  /** Rows stored plus rows waiting to be merged. */
  get rowCount(): number {
    return this.#main.length + (this.#late?.length ?? 0);
  }

  /**
   * Adds the staged lines `lines[from..to)` (see `FieldStager.stage`) in that order; a line whose
   * layout gives a key twice is added as `whole(line)`.
   */
  appendStaged(lines: Int32Array, from: number, to: number, timeMs: Float64Array, timeNs: Int32Array, staged: StagedFields, whole: (line: number) => Fields): void {
    const { layouts, offsets, numbers, others } = staged;
    let p = from;
    while (p < to) {
      const i = lines[p];
      const layout = layouts[i];
      if (!layout.duplicates && this.#inOrder(timeMs[i], timeNs[i])) {
        // The usual case: a run of rising times with one layout goes to the sorted arrays column by column.
        let q = p + 1;
        let lastMs = timeMs[i];
        let lastNs = timeNs[i];
        while (q < to) {
          const l = lines[q];
          if (layouts[l] !== layout || timeMs[l] < lastMs || (timeMs[l] === lastMs && timeNs[l] <= lastNs)) break;
          lastMs = timeMs[l];
          lastNs = timeNs[l];
          q++;
        }
        this.#main.pushRun(lines, p, q, timeMs, timeNs, layout, staged);
        p = q;
        continue;
      }
      const chunk = this.#target(timeMs[i], timeNs[i]);
      if (layout.duplicates) chunk.pushFields(timeMs[i], timeNs[i], whole(i));
      else chunk.push(timeMs[i], timeNs[i], layout, numbers, others, offsets[i]);
      if (chunk === this.#late) this.#bound();
      p++;
    }
  }

  /** Adds a row given as an object. */
  write(ms: number, ns: number, fields: Fields): void {
    const chunk = this.#target(ms, ns);
    chunk.pushFields(ms, ns, fields);
    if (chunk === this.#late) this.#bound();
  }

  /**
   * Whether a row at (ms, ns) goes to the sorted chunk: after its last row and after every late one
   * (so that a later late row at an equal time still wins at compaction).
   */
  #inOrder(ms: number, ns: number): boolean {
    const main = this.#main;
    const n = main.length;
    if (n > 0 && (ms < main.timeMs[n - 1] || (ms === main.timeMs[n - 1] && ns <= main.timeNs[n - 1]))) return false;
    return this.#late === undefined || ms > this.#lateMaxMs || (ms === this.#lateMaxMs && ns > this.#lateMaxNs);
  }

  #target(ms: number, ns: number): Chunk {
    if (this.#inOrder(ms, ns)) return this.#main;
    if (this.#late === undefined || ms > this.#lateMaxMs || (ms === this.#lateMaxMs && ns > this.#lateMaxNs)) {
      this.#lateMaxMs = ms;
      this.#lateMaxNs = ns;
    }
    this.#late ??= new Chunk(INITIAL);
    return this.#late;
  }

  #bound(): void {
    const late = this.#late as Chunk;
    if (late.length >= LATE_LIMIT && late.length * 4 >= this.#main.length) this.compact();
  }

  /** Merges late rows into fresh sorted arrays; at equal times later writes win field by field. */
  compact(): void {
    const late = this.#late;
    if (late === undefined) return;
    this.#late = undefined;
    const main = this.#main;
    const n1 = main.length;
    const n2 = late.length;
    const order = arrivalOrderByTime(late);
    const out = new Chunk(Math.max(INITIAL, n1 + n2));
    // Where each source row lands; rows at one time land together.
    const mainTo = new Int32Array(n1);
    const lateTo = new Int32Array(n2);
    let i = 0;
    let j = 0;
    let o = -1;
    while (i < n1 || j < n2) {
      const r = j < n2 ? order[j] : -1;
      const fromMain = r < 0 || (i < n1 && (main.timeMs[i] < late.timeMs[r] || (main.timeMs[i] === late.timeMs[r] && main.timeNs[i] <= late.timeNs[r])));
      const ms = fromMain ? main.timeMs[i] : late.timeMs[r];
      const ns = fromMain ? main.timeNs[i] : late.timeNs[r];
      if (o < 0 || ms !== out.timeMs[o] || ns !== out.timeNs[o]) {
        o++;
        out.timeMs[o] = ms;
        out.timeNs[o] = ns;
      }
      if (fromMain) mainTo[i++] = o;
      else {
        lateTo[r] = o;
        j++;
      }
    }
    out.length = o + 1;
    const keys = new Set([...main.columns.keys(), ...late.columns.keys()]);
    for (const key of keys) {
      const a = main.columns.get(key);
      const b = late.columns.get(key);
      const col: Column = { type: (a ?? (b as Column)).type, values: allocValues((a ?? (b as Column)).type, out.cap), valid: new Uint8Array(out.cap), words: undefined };
      // Main rows first, then late rows in arrival order: the last write of a time wins.
      if (a !== undefined) scatter(a, n1, mainTo, col);
      if (b !== undefined) scatter(b, n2, lateTo, col);
      if (!(col.valid as Uint8Array).subarray(0, out.length).includes(0)) col.valid = undefined;
      out.columns.set(key, col);
    }
    this.#main = out;
  }

  /** Drops rows before (ms, ns); returns how many were dropped. */
  trimBefore(ms: number, ns: number): number {
    this.compact();
    const cut = this.lowerBound(ms, ns);
    if (cut === 0) return 0;
    this.#main = this.#main.slice(cut, this.#main.length);
    return cut;
  }

  /** First row with time ≥ (ms, ns). Call after `compact`. */
  lowerBound(ms: number, ns: number): number {
    let lo = 0;
    let hi = this.#main.length;
    const tm = this.#main.timeMs;
    const tn = this.#main.timeNs;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tm[mid] < ms || (tm[mid] === ms && tn[mid] < ns)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Columns over rows [lo, hi) as views, only those with a value there (and in `only`, if given). */
  view(lo: number, hi: number, only?: ReadonlySet<string>): Map<string, FieldColumn> {
    const out = new Map<string, FieldColumn>();
    for (const [key, col] of this.#main.columns) {
      if (only !== undefined && !only.has(key)) continue;
      const valid = col.valid?.subarray(lo, hi);
      if (valid !== undefined && !valid.includes(1)) continue;
      const values = Array.isArray(col.values) ? col.values.slice(lo, hi) : col.values.subarray(lo, hi);
      out.set(key, { type: col.type, values, valid } as FieldColumn);
    }
    return out;
  }

  /**
   * The rows as they are now, by reference (late rows merged first): later writes append past
   * `length` or replace arrays, so what this holds does not change while a snapshot encodes it.
   */
  freeze(): FrozenRows {
    this.compact();
    const main = this.#main;
    const columns: FrozenRows['columns'] = [];
    for (const [key, col] of main.columns) columns.push({ key, type: col.type, values: col.values, valid: col.valid });
    return { length: main.length, timeMs: main.timeMs, timeNs: main.timeNs, columns };
  }

  /** Rebuilds from decoded snapshot arrays. */
  static restore(length: number, timeMs: Float64Array, timeNs: Int32Array, columns: Map<string, Column>): SeriesColumns {
    const s = new SeriesColumns(Math.max(INITIAL, length));
    if (length === 0) return s;
    const main = new Chunk(timeMs.length, timeMs, timeNs);
    for (const [key, col] of columns) main.columns.set(key, col);
    main.length = length;
    s.#main = main;
    return s;
  }
}

/** Late rows' indices sorted by time, ties in arrival order (usually they already are). */
function arrivalOrderByTime(late: Chunk): Int32Array {
  const n = late.length;
  const order = new Int32Array(n);
  let sorted = true;
  for (let r = 0; r < n; r++) {
    order[r] = r;
    if (r > 0 && (late.timeMs[r] < late.timeMs[r - 1] || (late.timeMs[r] === late.timeMs[r - 1] && late.timeNs[r] < late.timeNs[r - 1]))) sorted = false;
  }
  if (sorted) return order;
  const ms = late.timeMs;
  const ns = late.timeNs;
  return Int32Array.from(Array.from(order).sort((a, b) => ms[a] - ms[b] || ns[a] - ns[b] || a - b));
}

/** Copies the present values of `src`'s rows [0, n) to rows `to[r]` of `dst`, marking them present. */
function scatter(src: Column, n: number, to: Int32Array, dst: Column): void {
  const valid = dst.valid as Uint8Array;
  const has = src.valid;
  switch (src.type) {
    case 'integer': {
      // Word by word: reading a BigInt64Array element would allocate a BigInt.
      const from = wordsOf(src);
      const into = wordsOf(dst);
      for (let r = 0; r < n; r++) {
        if (has !== undefined && has[r] === 0) continue;
        into[2 * to[r]] = from[2 * r];
        into[2 * to[r] + 1] = from[2 * r + 1];
        valid[to[r]] = 1;
      }
      return;
    }
    default: {
      const from = src.values as Float64Array;
      const into = dst.values as Float64Array;
      for (let r = 0; r < n; r++) {
        if (has !== undefined && has[r] === 0) continue;
        into[to[r]] = from[r];
        valid[to[r]] = 1;
      }
    }
  }
}

function setValue(col: Column, row: number, value: FieldValue): void {
  switch (col.type) {
    case 'float':
      (col.values as Float64Array)[row] = value as number;
      return;
    case 'integer':
      (col.values as BigInt64Array)[row] = value as bigint;
      return;
    case 'string':
      (col.values as string[])[row] = value as string;
      return;
    default:
      (col.values as Uint8Array)[row] = value ? 1 : 0;
  }
}
