// The fields of a line-protocol write decoded once into flat arrays, each line tagged with its
// layout (field keys and kinds in order): lines of a series nearly always share one, so type checks
// and column look-ups are done per layout instead of per field.

import type { FieldType } from '../core/point.ts';
import { FIELD_FLOAT, FIELD_INTEGER, FIELD_STRING, FieldCursor, type PointBatch } from '../lineproto/point-batch.ts';

export interface FieldLayout {
  readonly keys: readonly string[];
  /** FIELD_* per position. */
  readonly kinds: Uint8Array;
  readonly types: readonly FieldType[];
  /** Some key is given twice: only its last value counts, so such lines are decoded whole. */
  readonly duplicates: boolean;
}

/** Indexed by FIELD_* kind. */
const KIND_TYPES: FieldType[] = ['float', 'float', 'integer', 'string', 'boolean'];

/** Writers with ever-changing field sets must not grow the catalogue without bound. */
const CATALOGUE_LIMIT = 10_000;

/**
 * One shared layout object per distinct key/kind sequence, so that columns can cache the columns
 * they bound for a layout across writes by identity.
 */
class LayoutCatalogue {
  readonly #bySignature = new Map<string, FieldLayout>();

  intern(keys: readonly string[], kinds: ArrayLike<number>, n: number): FieldLayout {
    let signature = '';
    for (let k = 0; k < n; k++) signature += `${kinds[k]}${keys[k].length}:${keys[k]}`;
    const known = this.#bySignature.get(signature);
    if (known !== undefined) return known;
    const own = keys.slice(0, n);
    const layout: FieldLayout = {
      keys: own,
      kinds: Uint8Array.from({ length: n }, (_, k) => kinds[k]),
      types: own.map((_, k) => KIND_TYPES[kinds[k]]),
      duplicates: new Set(own).size < n,
    };
    if (this.#bySignature.size >= CATALOGUE_LIMIT) this.#bySignature.clear();
    this.#bySignature.set(signature, layout);
    return layout;
  }
}

/**
 * Line i's layout is `layouts[i]`; its values are at [offsets[i], offsets[i] + its key count):
 * floats, booleans (0/1) and integers of up to 15 digits in `numbers`, strings and longer integers
 * in `others`.
 */
export interface StagedFields {
  layouts: FieldLayout[];
  offsets: Int32Array;
  numbers: Float64Array;
  others: Array<string | bigint | undefined> | undefined;
}

/**
 * Stages the fields of writes into arrays it keeps from one write to the next (a write is staged
 * and applied synchronously), so that a stream of large writes does not churn the heap.
 */
export class FieldStager {
  readonly #catalogue = new LayoutCatalogue();
  readonly #cursor = new FieldCursor();
  #numbers = new Float64Array(1024);
  #offsets = new Int32Array(256);
  #layouts: FieldLayout[] = [];
  readonly #keys: string[] = [];
  readonly #kinds: number[] = [];

  /**
   * Walks every line's fields once; a line is compared with the previous line's layout before any
   * look-up. The result is valid until the next call.
   */
  stage(batch: PointBatch): StagedFields {
    const n = batch.length;
    if (this.#offsets.length < n) this.#offsets = new Int32Array(n);
    const offsets = this.#offsets;
    let numbers = this.#numbers;
    let others: Array<string | bigint | undefined> | undefined;
    const layouts = this.#layouts;
    // Entries past n from a larger write are dropped so they do not keep old layouts alive.
    layouts.length = n;
    const keys = this.#keys;
    const kinds = this.#kinds;
    const cursor = this.#cursor;
    let current: FieldLayout | undefined;
    let j = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = j;
      batch.fieldCursor(i, cursor);
      let same = current !== undefined;
      let k = 0;
      while (cursor.next()) {
        if (j === numbers.length) {
          const grown = new Float64Array(numbers.length * 2);
          grown.set(numbers);
          numbers = grown;
        }
        const key = cursor.key;
        const kind = cursor.kind;
        if (same && (current as FieldLayout).keys[k] !== key) same = false;
        if (same && (current as FieldLayout).kinds[k] !== kind) same = false;
        keys[k] = key;
        kinds[k] = kind;
        if (kind === FIELD_FLOAT) numbers[j] = cursor.float();
        else if (kind === FIELD_INTEGER) {
          const small = cursor.smallInteger();
          if (small === undefined) (others ??= [])[j] = cursor.integer();
          else numbers[j] = small;
        } else if (kind === FIELD_STRING) (others ??= [])[j] = cursor.string();
        else numbers[j] = cursor.boolean() ? 1 : 0;
        j++;
        k++;
      }
      if (!same || k !== (current as FieldLayout).keys.length) current = this.#catalogue.intern(keys, kinds, k);
      layouts[i] = current as FieldLayout;
    }
    this.#numbers = numbers;
    return { layouts, offsets, numbers, others };
  }
}
