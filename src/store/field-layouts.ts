// The fields of a line-protocol write decoded once into flat arrays, each line tagged with its
// layout (field keys and kinds in order): lines of a series nearly always share one, so type checks
// and column look-ups are done per layout instead of per field.

import type { FieldType } from '../core/point.ts';
import { FIELD_INTEGER, FIELD_STRING, FieldCursor, type PointBatch } from '../lineproto/point-batch.ts';

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
 * Stages the fields of writes from their decoded values (`PointBatch.decodedFields`, usually done by
 * a parse worker): only the first line of each layout in a write has its keys read here, and only
 * lines holding strings or long integers have those decoded. The layout array is kept from one
 * write to the next (a write is staged and applied synchronously).
 */
export class FieldStager {
  readonly #catalogue = new LayoutCatalogue();
  readonly #cursor = new FieldCursor();
  #layouts: FieldLayout[] = [];
  readonly #keys: string[] = [];
  readonly #kinds: number[] = [];

  /** The result is valid until the next call. */
  stage(batch: PointBatch): StagedFields {
    const n = batch.length;
    const { valueStart, layoutFirst, hasOthers, numbers } = batch.decodedFields();
    let others: Array<string | bigint | undefined> | undefined;
    const layouts = this.#layouts;
    // Entries past n from a larger write are dropped so they do not keep old layouts alive.
    layouts.length = n;
    for (let i = 0; i < n; i++) {
      const first = layoutFirst[i];
      layouts[i] = first === i ? this.#layoutOf(batch, i) : layouts[first];
      if (hasOthers[i] === 1) this.#decodeOthers(batch, i, valueStart[i], (others ??= []));
    }
    return { layouts, offsets: valueStart, numbers, others };
  }

  #layoutOf(batch: PointBatch, i: number): FieldLayout {
    const cursor = batch.fieldCursor(i, this.#cursor);
    let k = 0;
    while (cursor.next()) {
      this.#keys[k] = cursor.key;
      this.#kinds[k] = cursor.kind;
      k++;
    }
    return this.#catalogue.intern(this.#keys, this.#kinds, k);
  }

  /** Strings and integers beyond 15 digits of line `i`, whose values start at `j`. */
  #decodeOthers(batch: PointBatch, i: number, j: number, others: Array<string | bigint | undefined>): void {
    const cursor = batch.fieldCursor(i, this.#cursor);
    for (; cursor.next(); j++) {
      if (cursor.kind === FIELD_STRING) others[j] = cursor.string();
      else if (cursor.kind === FIELD_INTEGER && cursor.smallInteger() === undefined) others[j] = cursor.integer();
    }
  }
}
