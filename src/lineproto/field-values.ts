// The field values of a scanned body decoded into flat typed arrays, with each line tied to the first
// line that lists the same field keys and kinds: what the series store appends, computed where the
// body was scanned (on a parse worker, off the event loop, for large writes).

import { bufferView } from '../core/bytes.ts';
import { sameRange } from './byte-ranges.ts';
import {
  type ColumnMemory,
  decodeFloat,
  decodeSmallInteger,
  FIELD_BOOLEAN,
  FIELD_FLOAT,
  FIELD_INTEGER,
  FieldCursor,
  FLAG_FIELDS_ESCAPED,
  freshMemory,
  type LineColumns,
} from './point-batch.ts';

/**
 * Line i's fields are values [valueStart[i], valueStart[i] + fieldCount) in body order. Floats,
 * booleans (0/1) and integers of up to 15 digits are in `numbers`; strings and longer integers are
 * left in the body (0 in `numbers`, and the line is marked in `hasOthers`) for the reader to decode.
 */
export interface DecodedFields {
  readonly valueStart: Int32Array;
  /** The first line of the body with the same field keys (as written) and kinds, in the same order. */
  readonly layoutFirst: Int32Array;
  readonly hasOthers: Uint8Array;
  readonly numbers: Float64Array;
}

/** A distinct layout of this body: its first line's key offsets and kinds. */
interface Layout {
  first: number;
  keyStarts: number[];
  keyEnds: number[];
  kinds: number[];
  /** Another layout with the same hash. */
  next: Layout | undefined;
}

/** Field keys are not needed as strings here; their offsets are compared instead. */
const NO_KEY = (): string => '';

/**
 * Decodes every line's field values with a cursor walk over the scanned body (a body scanned
 * without a decoder, see `scanLineProtocol`). Every value of the result is written here, so
 * `memory` may give a buffer holding anything.
 */
export function decodeFieldValues(buf: Uint8Array, cols: LineColumns, length: number, memory: ColumnMemory = freshMemory): DecodedFields {
  const body = bufferView(buf);
  const decoder = new FieldDecoder();
  decoder.begin(body);
  const cursor = new FieldCursor();
  for (let i = 0; i < length; i++) {
    decoder.beginLine(i);
    cursor.reset(body, cols.fieldsStart[i], cols.fieldsEnd[i], (cols.flags[i] & FLAG_FIELDS_ESCAPED) !== 0, NO_KEY);
    while (cursor.next()) decoder.field(cursor.keyStart, cursor.keyEnd, cursor.kind, cursor.valueStart, cursor.valueEnd);
    decoder.endLine(i);
  }
  return decoder.finish(length, memory);
}

/**
 * Decodes field values line by line as they are handed to it: by the scanner while it scans a body
 * (one pass over the bytes), or by `decodeFieldValues`. Lines are compared with the previous line's
 * layout first (writers repeat one layout), then looked up by a hash of their keys and kinds. Its
 * arrays are kept from one body to the next.
 */
export class FieldDecoder {
  #numbers = new Float64Array(1024);
  #valueStart = new Int32Array(256);
  #layoutFirst = new Int32Array(256);
  #hasOthers = new Uint8Array(256);
  #body: Buffer = Buffer.alloc(0);
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  readonly #byHash = new Map<number, Layout>();
  #current: Layout | undefined;
  /** The next value's index, the line's field count so far and whether it left a value to the reader. */
  #j = 0;
  #k = 0;
  #others = 0;
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];
  readonly #kinds: number[] = [];

  /** Starts a body. */
  begin(body: Buffer): void {
    this.#body = body;
    this.#view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    this.#byHash.clear();
    this.#current = undefined;
    this.#j = 0;
  }

  /** Starts line `i`; a line started again (after a bad one) replaces what was recorded for it. */
  beginLine(i: number): void {
    if (i === this.#valueStart.length) this.#growLines();
    this.#valueStart[i] = this.#j;
    this.#k = 0;
    this.#others = 0;
  }

  /** The line's next field: its key and value as written in the body (a string's inside its quotes). */
  field(keyStart: number, keyEnd: number, kind: number, valueStart: number, valueEnd: number): void {
    const j = this.#j;
    if (j === this.#numbers.length) this.#numbers = grown(this.#numbers, new Float64Array(j * 2));
    const k = this.#k;
    this.#starts[k] = keyStart;
    this.#ends[k] = keyEnd;
    this.#kinds[k] = kind;
    const body = this.#body;
    if (kind === FIELD_FLOAT) this.#numbers[j] = decodeFloat(body, valueStart, valueEnd);
    else if (kind === FIELD_INTEGER) {
      const small = decodeSmallInteger(body, valueStart, valueEnd);
      if (small === undefined) this.#others = 1;
      this.#numbers[j] = small ?? 0;
    } else if (kind === FIELD_BOOLEAN) {
      const first = body[valueStart];
      this.#numbers[j] = first === 116 || first === 84 ? 1 : 0;
    } else {
      this.#others = 1;
      this.#numbers[j] = 0;
    }
    this.#j = j + 1;
    this.#k = k + 1;
  }

  /** Ends line `i`, tying it to the first line with its layout. */
  endLine(i: number): void {
    this.#hasOthers[i] = this.#others;
    const count = this.#k;
    const current = this.#current;
    if (current === undefined || !sameLayout(this.#view, this.#body, current, this.#starts, this.#ends, this.#kinds, count)) {
      this.#current = findLayout(this.#view, this.#body, this.#byHash, this.#starts, this.#ends, this.#kinds, count, i);
    }
    this.#layoutFirst[i] = (this.#current as Layout).first;
  }

  /** The body's `length` lines' values, in one buffer from `memory` (one transfer moves them all). */
  finish(length: number, memory: ColumnMemory): DecodedFields {
    const total = this.#j;
    const buffer = memory(total * 8 + length * 9);
    const numbers = new Float64Array(buffer, 0, total);
    const valueStart = new Int32Array(buffer, total * 8, length);
    const layoutFirst = new Int32Array(buffer, total * 8 + length * 4, length);
    const hasOthers = new Uint8Array(buffer, total * 8 + length * 8, length);
    numbers.set(this.#numbers.subarray(0, total));
    valueStart.set(this.#valueStart.subarray(0, length));
    layoutFirst.set(this.#layoutFirst.subarray(0, length));
    hasOthers.set(this.#hasOthers.subarray(0, length));
    // The layouts refer to this body's offsets.
    this.#byHash.clear();
    this.#current = undefined;
    return { valueStart, layoutFirst, hasOthers, numbers };
  }

  #growLines(): void {
    const n = this.#valueStart.length * 2;
    this.#valueStart = grown(this.#valueStart, new Int32Array(n));
    this.#layoutFirst = grown(this.#layoutFirst, new Int32Array(n));
    this.#hasOthers = grown(this.#hasOthers, new Uint8Array(n));
  }
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

function sameLayout(view: DataView, buf: Buffer, layout: Layout, starts: number[], ends: number[], kinds: number[], count: number): boolean {
  if (layout.kinds.length !== count) return false;
  for (let k = 0; k < count; k++) {
    if (layout.kinds[k] !== kinds[k] || !sameRange(view, buf, layout.keyStarts[k], layout.keyEnds[k], starts[k], ends[k])) return false;
  }
  return true;
}

/** The body's layout with these keys and kinds, added with line `i` as its first line if new. */
function findLayout(view: DataView, buf: Buffer, byHash: Map<number, Layout>, starts: number[], ends: number[], kinds: number[], count: number, i: number): Layout {
  let h = 0x811c9dc5;
  for (let k = 0; k < count; k++) {
    h = Math.imul(h ^ kinds[k], 0x01000193);
    for (let q = starts[k]; q < ends[k]; q++) h = Math.imul(h ^ buf[q], 0x01000193);
  }
  const head = byHash.get(h);
  for (let l = head; l !== undefined; l = l.next) if (sameLayout(view, buf, l, starts, ends, kinds, count)) return l;
  const layout: Layout = { first: i, keyStarts: starts.slice(0, count), keyEnds: ends.slice(0, count), kinds: kinds.slice(0, count), next: head };
  byHash.set(h, layout);
  return layout;
}
