// The rows of one series in typed arrays: sorted, unique times (ms + ns parts) and one column per
// field. Rows below `length` never change in place, so views handed to scans stay valid snapshots;
// out-of-order and same-time writes wait in `pending` until the next compaction rebuilds arrays.

import { type FieldType, type FieldValue, type Fields, fieldType } from '../core/point.ts';
import type { FieldColumn } from './series-store.ts';

type Values = Float64Array | BigInt64Array | string[] | Uint8Array;

export interface Column {
  type: FieldType;
  values: Values;
  /** Per-row presence; undefined while every row so far has the field. */
  valid: Uint8Array | undefined;
}

interface PendingRow {
  ms: number;
  ns: number;
  fields: Fields;
}

const INITIAL = 16;

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

function growTyped<T extends Float64Array | BigInt64Array | Uint8Array | Int32Array>(a: T, cap: number): T {
  const next = new (a.constructor as { new (n: number): T })(cap);
  next.set(a as never);
  return next;
}

export class SeriesColumns {
  length = 0;
  #cap: number;
  timeMs: Float64Array;
  timeNs: Int32Array;
  readonly columns = new Map<string, Column>();
  pending: PendingRow[] | undefined;

  constructor(cap = INITIAL) {
    this.#cap = cap;
    this.timeMs = new Float64Array(cap);
    this.timeNs = new Int32Array(cap);
  }

  /** Rows stored plus rows waiting to be merged. */
  get rowCount(): number {
    return this.length + (this.pending?.length ?? 0);
  }

  /** Adds a row; in order rows are appended, others wait for `compact`. */
  write(ms: number, ns: number, fields: Fields): void {
    if (this.#inOrder(ms, ns)) {
      this.#append(ms, ns, fields);
      return;
    }
    this.#defer(ms, ns, fields);
  }

  /**
   * Whether a row at (ms, ns) can be appended now: after the last stored row and after every
   * pending one (so that a later pending row at an equal time still wins at compaction).
   */
  #inOrder(ms: number, ns: number): boolean {
    const n = this.length;
    if (n > 0 && (ms < this.timeMs[n - 1] || (ms === this.timeMs[n - 1] && ns <= this.timeNs[n - 1]))) return false;
    return this.pending === undefined || ms > this.#pendingMaxMs || (ms === this.#pendingMaxMs && ns > this.#pendingMaxNs);
  }

  #pendingMaxMs = 0;
  #pendingMaxNs = 0;

  #defer(ms: number, ns: number, fields: Fields): void {
    if (this.pending === undefined || ms > this.#pendingMaxMs || (ms === this.#pendingMaxMs && ns > this.#pendingMaxNs)) {
      this.#pendingMaxMs = ms;
      this.#pendingMaxNs = ns;
    }
    const pending = (this.pending ??= []);
    pending.push({ ms, ns, fields });
    // Bound the waiting rows: merging costs O(rows), so do it when pending is a fair share.
    if (pending.length >= 4096 && pending.length * 4 >= this.length) this.compact();
  }

  /**
   * Starts appending a row at (ms, ns) value by value (`setFloat` ... then `endRow`) and returns
   * its index, or -1 when the row is out of order: then hand it whole to `write`.
   */
  beginRow(ms: number, ns: number): number {
    if (!this.#inOrder(ms, ns)) return -1;
    const row = this.length;
    if (row === this.#cap) this.#grow(this.#cap * 2);
    this.timeMs[row] = ms;
    this.timeNs[row] = ns;
    return row;
  }

  /**
   * The column for the `k`-th field of a row. Rows of a series nearly always list the same keys in
   * the same order, so the column found for position `k` last time is checked first.
   */
  #column(k: number, key: string, type: FieldType, row: number): Column {
    let col = this.#shapeCols[k];
    if (col === undefined || this.#shapeKeys[k] !== key) {
      col = this.#lookup(key, type, row);
      this.#shapeKeys[k] = key;
      this.#shapeCols[k] = col;
    }
    if (col.valid !== undefined) col.valid[row] = 1;
    return col;
  }

  #shapeKeys: string[] = [];
  #shapeCols: Column[] = [];

  /** Forgets the cached positions (the column objects were replaced). */
  #reshape(): void {
    this.#shapeKeys = [];
    this.#shapeCols = [];
  }

  #lookup(key: string, type: FieldType, row: number): Column {
    let col = this.columns.get(key);
    if (col === undefined) {
      col = { type, values: allocValues(type, this.#cap), valid: undefined };
      if (row > 0) col.valid = new Uint8Array(this.#cap);
      this.columns.set(key, col);
    }
    return col;
  }

  setFloat(row: number, k: number, key: string, value: number): void {
    (this.#column(k, key, 'float', row).values as Float64Array)[row] = value;
  }

  setInteger(row: number, k: number, key: string, value: bigint): void {
    (this.#column(k, key, 'integer', row).values as BigInt64Array)[row] = value;
  }

  setString(row: number, k: number, key: string, value: string): void {
    (this.#column(k, key, 'string', row).values as string[])[row] = value;
  }

  setBoolean(row: number, k: number, key: string, value: boolean): void {
    (this.#column(k, key, 'boolean', row).values as Uint8Array)[row] = value ? 1 : 0;
  }

  /**
   * Completes the row `beginRow` started, after `set` values for `seen` distinct keys; when the row
   * lacks some column, `has` says which keys it carries.
   */
  endRow(row: number, seen: number, has: (key: string) => boolean): void {
    if (seen < this.columns.size) this.#markAbsent(row, has);
    this.length = row + 1;
  }

  #markAbsent(row: number, has: (key: string) => boolean): void {
    for (const [key, col] of this.columns) {
      if (has(key)) continue;
      if (col.valid === undefined) {
        col.valid = new Uint8Array(this.#cap);
        col.valid.fill(1, 0, row);
      }
      col.valid[row] = 0;
    }
  }

  #append(ms: number, ns: number, fields: Fields): void {
    const row = this.beginRow(ms, ns);
    let seen = 0;
    for (const key in fields) {
      const value = fields[key];
      setValue(this.#column(seen, key, fieldType(value), row), row, value);
      seen++;
    }
    this.endRow(row, seen, (key) => key in fields);
  }

  #grow(cap: number): void {
    // New arrays rather than in-place growth: views already handed out keep their buffers.
    this.#cap = cap;
    this.timeMs = growTyped(this.timeMs, cap);
    this.timeNs = growTyped(this.timeNs, cap);
    for (const col of this.columns.values()) {
      if (!Array.isArray(col.values)) col.values = growTyped(col.values as Float64Array, cap);
      if (col.valid !== undefined) col.valid = growTyped(col.valid, cap);
    }
  }

  /** Merges pending rows into fresh sorted arrays; at equal times later writes win field by field. */
  compact(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const order = pending.map((_, i) => i);
    order.sort((a, b) => pending[a].ms - pending[b].ms || pending[a].ns - pending[b].ns || a - b);
    const old = this.snapshotColumns();
    const oldLen = this.length;
    const oldMs = this.timeMs;
    const oldNs = this.timeNs;
    this.length = 0;
    this.#cap = Math.max(INITIAL, oldLen + pending.length);
    this.timeMs = new Float64Array(this.#cap);
    this.timeNs = new Int32Array(this.#cap);
    this.columns.clear();
    this.#reshape();
    let i = 0;
    let j = 0;
    while (i < oldLen || j < order.length) {
      let ms: number;
      let ns: number;
      let fields: Fields;
      const p = j < order.length ? pending[order[j]] : undefined;
      if (p === undefined || (i < oldLen && (oldMs[i] < p.ms || (oldMs[i] === p.ms && oldNs[i] < p.ns)))) {
        ms = oldMs[i];
        ns = oldNs[i];
        fields = rowFields(old, i);
        i++;
      } else {
        ms = p.ms;
        ns = p.ns;
        fields = {};
        if (i < oldLen && oldMs[i] === ms && oldNs[i] === ns) {
          fields = rowFields(old, i);
          i++;
        }
        while (j < order.length && pending[order[j]].ms === ms && pending[order[j]].ns === ns) {
          Object.assign(fields, pending[order[j]].fields);
          j++;
        }
      }
      this.#append(ms, ns, fields);
    }
  }

  /** Drops rows before (ms, ns); returns how many were dropped. */
  trimBefore(ms: number, ns: number): number {
    this.compact();
    const cut = this.lowerBound(ms, ns);
    if (cut === 0) return 0;
    const keep = this.length - cut;
    const cap = Math.max(INITIAL, keep);
    const timeMs = new Float64Array(cap);
    const timeNs = new Int32Array(cap);
    timeMs.set(this.timeMs.subarray(cut, this.length));
    timeNs.set(this.timeNs.subarray(cut, this.length));
    for (const [key, col] of this.columns) {
      const values = Array.isArray(col.values)
        ? col.values.slice(cut, this.length)
        : (() => {
            const a = allocValues(col.type, cap) as Float64Array;
            a.set((col.values as Float64Array).subarray(cut, this.length));
            return a;
          })();
      let valid: Uint8Array | undefined;
      if (col.valid !== undefined) {
        valid = new Uint8Array(cap);
        valid.set(col.valid.subarray(cut, this.length));
        if (!valid.subarray(0, keep).includes(1)) {
          this.columns.delete(key);
          continue;
        }
      }
      this.columns.set(key, { type: col.type, values, valid });
    }
    this.#reshape();
    this.timeMs = timeMs;
    this.timeNs = timeNs;
    this.#cap = cap;
    this.length = keep;
    return cut;
  }

  /** First row with time ≥ (ms, ns). Call after `compact`. */
  lowerBound(ms: number, ns: number): number {
    let lo = 0;
    let hi = this.length;
    const tm = this.timeMs;
    const tn = this.timeNs;
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
    for (const [key, col] of this.columns) {
      if (only !== undefined && !only.has(key)) continue;
      const valid = col.valid?.subarray(lo, hi);
      if (valid !== undefined && !valid.includes(1)) continue;
      const values = Array.isArray(col.values) ? col.values.slice(lo, hi) : col.values.subarray(lo, hi);
      out.set(key, { type: col.type, values, valid } as FieldColumn);
    }
    return out;
  }

  /** The current columns as they are (for compaction and snapshots). */
  snapshotColumns(): Map<string, Column> {
    return new Map(this.columns);
  }

  /** Rebuilds from decoded snapshot arrays. */
  static restore(length: number, timeMs: Float64Array, timeNs: Int32Array, columns: Map<string, Column>): SeriesColumns {
    const s = new SeriesColumns(Math.max(INITIAL, length));
    if (length === 0) return s;
    s.timeMs = timeMs;
    s.timeNs = timeNs;
    s.#cap = timeMs.length;
    s.length = length;
    for (const [key, col] of columns) s.columns.set(key, col);
    return s;
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

function rowFields(columns: Map<string, Column>, row: number): Fields {
  const fields: Fields = {};
  for (const [key, col] of columns) {
    if (col.valid !== undefined && col.valid[row] === 0) continue;
    const v = col.values[row];
    fields[key] = col.type === 'boolean' ? v === 1 : (v as FieldValue);
  }
  return fields;
}
