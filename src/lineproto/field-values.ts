// The field values of a scanned body decoded into flat typed arrays, with each line tied to the first
// line that lists the same field keys and kinds: what the series store appends, computed where the
// body was scanned (on a parse worker, off the event loop, for large writes).

import { bufferView } from '../core/bytes.ts';
import { sameRange } from './byte-ranges.ts';
import {
  type ColumnMemory,
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
 * Decodes every line's field values. Lines are compared with the previous line's layout first
 * (writers repeat one layout), then looked up by a hash of their keys and kinds. Every value of the
 * result is written here, so `memory` may give a buffer holding anything.
 */
export function decodeFieldValues(buf: Uint8Array, cols: LineColumns, length: number, memory: ColumnMemory = freshMemory): DecodedFields {
  let total = 0;
  for (let i = 0; i < length; i++) total += cols.fieldCount[i];
  // One buffer for all four arrays, so that a worker hands them back in one transfer.
  const buffer = memory(total * 8 + length * 9);
  const numbers = new Float64Array(buffer, 0, total);
  const valueStart = new Int32Array(buffer, total * 8, length);
  const layoutFirst = new Int32Array(buffer, total * 8 + length * 4, length);
  const hasOthers = new Uint8Array(buffer, total * 8 + length * 8, length);
  const body = bufferView(buf);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const cursor = new FieldCursor();
  const starts: number[] = [];
  const ends: number[] = [];
  const kinds: number[] = [];
  const byHash = new Map<number, Layout>();
  let current: Layout | undefined;
  let j = 0;
  for (let i = 0; i < length; i++) {
    valueStart[i] = j;
    cursor.reset(body, cols.fieldsStart[i], cols.fieldsEnd[i], (cols.flags[i] & FLAG_FIELDS_ESCAPED) !== 0, NO_KEY);
    let k = 0;
    let others = 0;
    while (cursor.next()) {
      const kind = cursor.kind;
      starts[k] = cursor.keyStart;
      ends[k] = cursor.keyEnd;
      kinds[k] = kind;
      if (kind === FIELD_FLOAT) numbers[j] = cursor.float();
      else if (kind === FIELD_INTEGER) {
        const small = cursor.smallInteger();
        if (small === undefined) others = 1;
        numbers[j] = small ?? 0;
      } else if (kind === FIELD_BOOLEAN) numbers[j] = cursor.boolean() ? 1 : 0;
      else {
        others = 1;
        numbers[j] = 0;
      }
      j++;
      k++;
    }
    hasOthers[i] = others;
    if (current === undefined || !sameLayout(view, body, current, starts, ends, kinds, k)) current = findLayout(view, body, byHash, starts, ends, kinds, k, i);
    layoutFirst[i] = current.first;
  }
  return { valueStart, layoutFirst, hasOthers, numbers };
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
