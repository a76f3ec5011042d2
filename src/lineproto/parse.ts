// Byte-level InfluxDB 1.x line-protocol parser: validates a whole body in one pass and records
// offsets, so that points are only decoded into strings and objects when somebody asks for them.

import { bufferView } from '../core/bytes.ts';
import type { Instant } from '../core/time.ts';
import {
  type ColumnMemory,
  FIELD_BOOLEAN,
  FIELD_FLOAT,
  FIELD_INTEGER,
  FIELD_STRING,
  FLAG_FIELDS_ESCAPED,
  FLAG_KEY_ESCAPED,
  FLAG_TAGS_UNSORTED,
  freshMemory,
  type LineColumns,
  PointBatch,
} from './point-batch.ts';
import { type Precision, PRECISION_NS } from './precision.ts';
import { sameRange } from './byte-ranges.ts';
import { LineProtocolError, type LineError } from './errors.ts';
import type { DecodedFields, FieldDecoder } from './field-values.ts';

export interface ParseOptions {
  database: string;
  retentionPolicy: string;
  precision: Precision;
  /** The time given to points without a timestamp, truncated to the precision by the parser. */
  now: Instant;
}

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;
const HASH = 35;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;

/** Bytes that end or escape a key or tag value; every other byte is skipped with one table look-up. */
const SPECIAL = new Uint8Array(256);
for (const c of [COMMA, SPACE, EQUALS, NL, BACKSLASH]) SPECIAL[c] = 1;

/** InfluxDB's limit on the length of a series key. */
export const MAX_KEY_LENGTH = 65535;

// int64 limits in whole milliseconds plus the sub-ms remainder, for exact range checks without BigInt.
const MAX_INT64_MS = 9_223_372_036_854;
const MAX_INT64_REST = 775_807;

/** Thrown out of the line scanner with the reason and the byte offset where it was found. */
class LineFault {
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {}
}

/**
 * Parses a body. Every line is validated; on any error nothing is returned and the error lists
 * every bad line (InfluxDB's all-or-nothing behaviour for Kapacitor writes).
 */
export function parseLineProtocol(buf: Uint8Array, options: ParseOptions): PointBatch {
  const { length, cols } = scanLineProtocol(buf, options.precision, options.now);
  return new PointBatch(options.database, options.retentionPolicy, buf, length, cols);
}

/** The validated lines of a body as offset columns: what a PointBatch is built from. */
export interface ScannedLines {
  readonly length: number;
  readonly cols: LineColumns;
  /** The field values, when a decoder was given. */
  readonly fields?: DecodedFields;
}

/**
 * The scanning half of parseLineProtocol, with nothing but typed arrays over one ArrayBuffer in its
 * result, so that it can run on a worker thread and hand the columns back by transferring that
 * buffer (taken from `memory`, which a worker fills with the buffers of released batches). Given a
 * `decoder`, the field values are decoded as each line is scanned, in the same pass over its
 * bytes. Throws LineProtocolError.
 */
export function scanLineProtocol(buf: Uint8Array, precision: Precision, now: Instant, memory: ColumnMemory = freshMemory, decoder?: FieldDecoder): ScannedLines {
  const out = new BatchBuilder(estimateLines(buf), memory, decoder);
  decoder?.begin(bufferView(buf));
  const unitNs = PRECISION_NS[precision];
  const errors = scanBody(buf, out, unitNs, truncateNow(now, unitNs));
  if (errors.length > 0) throw new LineProtocolError(errors);
  indexSeriesKeys(buf, out.cols, out.length);
  return { length: out.length, cols: out.cols, fields: decoder?.finish(out.length, memory) };
}

/**
 * Scans every line into `out`, returning the bad ones. Kept apart from parseLineProtocol so the
 * optimiser compiles this loop on its own, without the set-up code around it.
 */
function scanBody(buf: Uint8Array, out: BatchBuilder, unitNs: number, defaultTime: Instant): LineError[] {
  const errors: LineError[] = [];
  const n = buf.length;
  let pos = 0;
  let lineNo = 0;

  while (pos < n) {
    lineNo++;
    let start = pos;
    // Leading blanks are skipped; blank lines and comments are ignored.
    while (start < n && (buf[start] === SPACE || buf[start] === TAB || buf[start] === CR)) start++;
    if (start >= n) break;
    const first = buf[start];
    if (first === NL) {
      pos = start + 1;
      continue;
    }
    if (first === HASH) {
      pos = skipToLineEnd(buf, start);
      pos = pos < n ? pos + 1 : pos;
      continue;
    }
    const index = out.begin(start);
    try {
      pos = scanLine(buf, start, index, out, unitNs, defaultTime);
    } catch (fault) {
      if (!(fault instanceof LineFault)) throw fault;
      const end = skipToLineEnd(buf, Math.max(fault.at, start));
      errors.push(lineError(buf, fault, lineNo, start, end));
      pos = end < n ? end + 1 : end;
      lineNo += countNewlines(buf, start, fault.at);
      continue;
    }
    lineNo += out.extraNewlines;
  }
  return errors;
}

/**
 * A hash of each line's series key as written, in the small-integer range, and the first line of
 * the body with the same key: readers then decode or look up each series once per write, not once
 * per line. Keys are hashed and compared four bytes at a time, and found in an open-addressing
 * table of line numbers; on a parse worker all of it runs off the event loop.
 */
function indexSeriesKeys(buf: Uint8Array, cols: LineColumns, length: number): void {
  const { lineStart, keyEnd, keyHash, keyFirst } = cols;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const mask = (1 << Math.ceil(Math.log2(length * 2 + 2))) - 1;
  // Line number + 1 per slot; 0 is empty.
  const table = new Int32Array(mask + 1);
  for (let i = 0; i < length; i++) {
    const start = lineStart[i];
    const end = keyEnd[i];
    const h = hashKey(view, buf, start, end);
    keyHash[i] = h;
    let first = i;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = table[slot];
      if (at === 0) {
        table[slot] = i + 1;
        break;
      }
      const j = at - 1;
      if (keyHash[j] === h && sameRange(view, buf, lineStart[j], keyEnd[j], start, end)) {
        first = j;
        break;
      }
    }
    keyFirst[i] = first;
  }
}

/** FNV-1a over 32-bit words (then the tail bytes), finished with a mixing step; 30 bits. */
function hashKey(view: DataView, buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  let p = start;
  for (; p + 4 <= end; p += 4) h = Math.imul(h ^ view.getInt32(p, true), 0x01000193);
  for (; p < end; p++) h = Math.imul(h ^ buf[p], 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h & 0x3fffffff;
}

function lineError(buf: Uint8Array, fault: LineFault, line: number, start: number, end: number): LineError {
  return {
    line,
    column: fault.at - start + 1,
    text: Buffer.from(buf.buffer, buf.byteOffset + start, trimEnd(buf, start, end) - start).toString('utf8'),
    reason: fault.reason,
  };
}

function estimateLines(buf: Uint8Array): number {
  return Math.max(16, (buf.length / 64) | 0);
}

function truncateNow(now: Instant, unitNs: number): Instant {
  if (unitNs === 1) return now;
  if (unitNs < 1_000_000) return { ms: now.ms, ns: now.ns - (now.ns % unitNs) };
  const unitMs = unitNs / 1_000_000;
  return { ms: now.ms - (((now.ms % unitMs) + unitMs) % unitMs), ns: 0 };
}

function skipToLineEnd(buf: Uint8Array, from: number): number {
  const nl = buf.indexOf(NL, from);
  return nl < 0 ? buf.length : nl;
}

function countNewlines(buf: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (buf[i] === NL) count++;
  return count;
}

function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start && (buf[end - 1] === CR || buf[end - 1] === SPACE)) end--;
  return end;
}

/** Scans one line starting at `start`; returns the offset just past its newline. */
function scanLine(
  buf: Uint8Array,
  start: number,
  index: number,
  out: BatchBuilder,
  unitNs: number,
  defaultTime: Instant,
): number {
  const n = buf.length;
  let flags = 0;
  out.extraNewlines = 0;

  // Measurement: up to an unescaped comma or space.
  let i = start;
  for (; i < n; i++) {
    const c = buf[i];
    if (SPECIAL[c] === 0) continue;
    if (c === COMMA || c === SPACE) break;
    if (c === NL) throw new LineFault('missing fields', i);
    if (c === BACKSLASH) {
      flags |= FLAG_KEY_ESCAPED;
      i++;
    }
  }
  if (i === start) throw new LineFault('missing measurement', i);
  if (i >= n) throw new LineFault('missing fields', i);
  out.cols.measurementEnd[index] = i;

  // Tags: `,key=value` repeated.
  let tagCount = 0;
  while (buf[i] === COMMA) {
    const keyStart = ++i;
    for (; i < n; i++) {
      const c = buf[i];
      if (SPECIAL[c] === 0) continue;
      if (c === EQUALS) break;
      if (c === COMMA || c === SPACE || c === NL) {
        throw new LineFault(i === keyStart ? 'missing tag key' : 'missing tag value', i);
      }
      if (c === BACKSLASH) {
        flags |= FLAG_KEY_ESCAPED;
        i++;
      }
    }
    if (i >= n) throw new LineFault('missing tag value', i);
    if (i === keyStart) throw new LineFault('missing tag key', i);
    const keyEnd = i;
    const valueStart = ++i;
    for (; i < n; i++) {
      const c = buf[i];
      if (SPECIAL[c] === 0) continue;
      if (c === COMMA || c === SPACE) break;
      if (c === NL) throw new LineFault('missing fields', i);
      if (c === EQUALS) throw new LineFault('invalid tag format', i);
      if (c === BACKSLASH) {
        flags |= FLAG_KEY_ESCAPED;
        i++;
      }
    }
    if (i === valueStart) throw new LineFault('missing tag value', i);
    if (i >= n) throw new LineFault('missing fields', i);
    if (tagCount > 0) {
      const order = compareBytes(buf, tagKeyStarts[tagCount - 1], tagKeyEnds[tagCount - 1], keyStart, keyEnd);
      if (order > 0) flags |= FLAG_TAGS_UNSORTED;
      // Sorted keys only need the neighbour compared; once out of order, compare with all before.
      if (order === 0 || ((flags & FLAG_TAGS_UNSORTED) !== 0 && hasKeyBefore(buf, tagCount, keyStart, keyEnd))) {
        throw new LineFault('duplicate tags', keyStart);
      }
    }
    if (tagCount === tagKeyStarts.length) growTagScratch();
    tagKeyStarts[tagCount] = keyStart;
    tagKeyEnds[tagCount] = keyEnd;
    tagCount++;
  }
  out.cols.keyEnd[index] = i;
  out.cols.tagCount[index] = tagCount;
  if (i - start > MAX_KEY_LENGTH) throw new LineFault('max key length exceeded', start);

  // Whitespace, then fields.
  while (i < n && buf[i] === SPACE) i++;
  if (i >= n || buf[i] === NL || buf[i] === CR) throw new LineFault('missing fields', i);
  out.cols.fieldsStart[index] = i;
  const decoder = out.decoder;
  decoder?.beginLine(index);
  let fieldCount = 0;
  for (;;) {
    const keyStart = i;
    for (; i < n; i++) {
      const c = buf[i];
      if (SPECIAL[c] === 0) continue;
      if (c === EQUALS) break;
      if (c === COMMA || c === SPACE || c === NL) {
        throw new LineFault(i === keyStart ? 'missing field key' : 'invalid field format', i);
      }
      if (c === BACKSLASH) {
        flags |= FLAG_FIELDS_ESCAPED;
        i++;
      }
    }
    if (i === keyStart) throw new LineFault('missing field key', i);
    if (i >= n) throw new LineFault('invalid field format', i);
    const keyEnd = i;
    i++; // '='
    if (i >= n) throw new LineFault('missing field value', i);
    const valueStart = i;
    const c = buf[i];
    if (c === QUOTE) {
      i = scanString(buf, i, out);
      decoder?.field(keyStart, keyEnd, FIELD_STRING, valueStart + 1, i - 1);
    } else if (c === 116 || c === 84 || c === 102 || c === 70) {
      i = scanBoolean(buf, i);
      decoder?.field(keyStart, keyEnd, FIELD_BOOLEAN, valueStart, i);
    } else {
      i = scanNumber(buf, i);
      decoder?.field(keyStart, keyEnd, buf[i - 1] === 105 /* i */ ? FIELD_INTEGER : FIELD_FLOAT, valueStart, i);
    }
    fieldCount++;
    if (i >= n) break;
    const d = buf[i];
    if (d === COMMA) {
      i++;
      continue;
    }
    if (d === SPACE || d === NL || d === CR) break;
    throw new LineFault('invalid field format', i);
  }
  out.cols.fieldsEnd[index] = i;
  out.cols.fieldCount[index] = fieldCount;
  decoder?.endLine(index);

  // Optional timestamp, then only trailing blanks.
  while (i < n && buf[i] === SPACE) i++;
  if (i < n && buf[i] !== NL && buf[i] !== CR) {
    i = scanTimestamp(buf, i, index, out, unitNs);
    while (i < n && (buf[i] === SPACE || buf[i] === CR || buf[i] === TAB)) i++;
    if (i < n && buf[i] !== NL) throw new LineFault('point is invalid', i);
  } else {
    out.cols.timeMs[index] = defaultTime.ms;
    out.cols.timeNs[index] = defaultTime.ns;
    while (i < n && (buf[i] === CR || buf[i] === SPACE)) i++;
  }
  out.cols.flags[index] = flags;
  out.commit(index);
  return i < n ? i + 1 : i;
}

function compareBytes(buf: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  const len = Math.min(la, lb);
  for (let k = 0; k < len; k++) {
    const d = buf[a0 + k] - buf[b0 + k];
    if (d !== 0) return d;
  }
  return la - lb;
}

// Offsets of the tag keys of the line being scanned; reused across lines and calls.
let tagKeyStarts = new Int32Array(64);
let tagKeyEnds = new Int32Array(64);

function growTagScratch(): void {
  const starts = new Int32Array(tagKeyStarts.length * 2);
  const ends = new Int32Array(tagKeyEnds.length * 2);
  starts.set(tagKeyStarts);
  ends.set(tagKeyEnds);
  tagKeyStarts = starts;
  tagKeyEnds = ends;
}

/** Whether one of the line's first `count` tag keys equals buf[keyStart, keyEnd). */
function hasKeyBefore(buf: Uint8Array, count: number, keyStart: number, keyEnd: number): boolean {
  for (let t = 0; t < count; t++) {
    if (compareBytes(buf, tagKeyStarts[t], tagKeyEnds[t], keyStart, keyEnd) === 0) return true;
  }
  return false;
}

function scanString(buf: Uint8Array, quote: number, out: BatchBuilder): number {
  const n = buf.length;
  for (let i = quote + 1; i < n; i++) {
    const c = buf[i];
    if (c === BACKSLASH) {
      i++;
      continue;
    }
    if (c === NL) out.extraNewlines++;
    if (c === QUOTE) return i + 1;
  }
  throw new LineFault('unbalanced quotes', quote);
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === SPACE || c === NL || c === CR;
}

/** `t`, `true`, `True`, `TRUE` and the same spellings of false; compared as bytes, without a string. */
function scanBoolean(buf: Uint8Array, from: number): number {
  let i = from;
  while (i < buf.length && !isDelimiter(buf[i])) i++;
  if (!isBooleanSpelling(buf, from, i - from)) throw new LineFault('invalid boolean', from);
  return i;
}

function isBooleanSpelling(buf: Uint8Array, from: number, len: number): boolean {
  if (len === 1) return true; // t T f F: the first byte chose this scanner
  const word = buf[from] === 116 || buf[from] === 84 ? 'true' : 'false';
  if (len !== word.length) return false;
  const capital = buf[from] < 97;
  const allUpper = capital && buf[from + 1] < 97;
  for (let k = 0; k < len; k++) {
    const lower = word.charCodeAt(k);
    const expected = k === 0 ? (capital ? lower - 32 : lower) : allUpper ? lower - 32 : lower;
    if (buf[from + k] !== expected) return false;
  }
  return true;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('latin1');
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Validates a float (`-1.5e3`) or an integer (`42i`); unsigned `u` values are refused as Kapacitor does. */
function scanNumber(buf: Uint8Array, from: number): number {
  const n = buf.length;
  let i = from;
  if (i < n && (buf[i] === MINUS || buf[i] === PLUS)) {
    if (buf[i] === PLUS) throw new LineFault('invalid number', i);
    i++;
  }
  const digitsStart = i;
  while (i < n && isDigit(buf[i])) i++;
  let intDigits = i - digitsStart;
  let fraction = false;
  if (i < n && buf[i] === DOT) {
    fraction = true;
    i++;
    const f0 = i;
    while (i < n && isDigit(buf[i])) i++;
    intDigits += i - f0;
  }
  if (intDigits === 0) {
    if (i >= n || isDelimiter(buf[i])) throw new LineFault('missing field value', from);
    throw new LineFault('invalid number', from);
  }
  let exponent = false;
  if (i < n && (buf[i] === 101 || buf[i] === 69)) {
    exponent = true;
    i++;
    if (i < n && (buf[i] === MINUS || buf[i] === PLUS)) i++;
    const e0 = i;
    while (i < n && isDigit(buf[i])) i++;
    if (i === e0) throw new LineFault('invalid number', from);
  }
  if (i < n && buf[i] === 105 /* i */) {
    if (fraction || exponent) throw new LineFault('invalid number', from);
    checkInt64(buf, from, i);
    i++;
  } else if (i < n && buf[i] === 117 /* u */) {
    throw new LineFault('invalid number', from);
  }
  if (i < n && !isDelimiter(buf[i])) throw new LineFault('invalid number', from);
  return i;
}

function checkInt64(buf: Uint8Array, from: number, end: number): void {
  let s = from;
  const neg = buf[s] === MINUS;
  if (neg) s++;
  while (s < end - 1 && buf[s] === 48) s++;
  const len = end - s;
  if (len < 19) return;
  if (len === 19) {
    const limit = neg ? '9223372036854775808' : '9223372036854775807';
    let cmp = 0;
    for (let k = 0; k < 19 && cmp === 0; k++) cmp = buf[s + k] - limit.charCodeAt(k);
    if (cmp <= 0) return;
  }
  const text = latin1(buf, from, end);
  throw new LineFault(
    `unable to parse integer ${text}: strconv.ParseInt: parsing "${text}": value out of range`,
    from,
  );
}

/** Reads a signed integer timestamp in `unitNs` units into the batch's exact (ms, ns) columns. */
/**
 * The common timestamp, 19 digits of nanoseconds (any time from 2001 to 2262) and then the end of
 * the field: read as three small integers, without the general path's double arithmetic. Returns
 * where it ended, or -1 for anything else (left to the general path).
 */
function nanosecondTime(buf: Uint8Array, from: number, index: number, out: BatchBuilder): number {
  const end = from + 19;
  if (end < buf.length) {
    const after = buf[end];
    if (after !== SPACE && after !== NL && after !== CR && after !== TAB) return -1;
  }
  let a = 0;
  let b = 0;
  let c = 0;
  for (let k = from; k < from + 7; k++) {
    const d = buf[k] - 48;
    if (d < 0 || d > 9) return -1;
    a = a * 10 + d;
  }
  for (let k = from + 7; k < from + 13; k++) {
    const d = buf[k] - 48;
    if (d < 0 || d > 9) return -1;
    b = b * 10 + d;
  }
  for (let k = from + 13; k < end; k++) {
    const d = buf[k] - 48;
    if (d < 0 || d > 9) return -1;
    c = c * 10 + d;
  }
  const ms = a * 1_000_000 + b;
  // Above int64's largest time: the general path words the error.
  if (ms > MAX_INT64_MS || (ms === MAX_INT64_MS && c > MAX_INT64_REST - 1)) return -1;
  out.cols.timeMs[index] = ms;
  out.cols.timeNs[index] = c;
  return end;
}

function scanTimestamp(buf: Uint8Array, from: number, index: number, out: BatchBuilder, unitNs: number): number {
  const n = buf.length;
  if (unitNs === 1 && from + 19 <= n) {
    const end = nanosecondTime(buf, from, index, out);
    if (end >= 0) return end;
  }
  let i = from;
  const neg = buf[i] === MINUS;
  if (neg) i++;
  const digitsStart = i;
  while (i < n && isDigit(buf[i])) i++;
  const digits = i - digitsStart;
  if (digits === 0 || (i < n && !(buf[i] === SPACE || buf[i] === NL || buf[i] === CR || buf[i] === TAB))) {
    throw new LineFault('bad timestamp', from);
  }
  if (digits > 19) throw new LineFault('bad timestamp', from);
  // Split the value v into hi·1e6 + lo (lo = last six digits) so both parts stay exact doubles.
  const split = digits > 6 ? i - 6 : digitsStart;
  let hi = 0;
  for (let k = digitsStart; k < split; k++) hi = hi * 10 + (buf[k] - 48);
  let lo = 0;
  for (let k = split; k < i; k++) lo = lo * 10 + (buf[k] - 48);
  // v·unitNs nanoseconds = (hi·1e6 + lo)·unitNs.
  let ms: number;
  let ns: number;
  if (unitNs === 1) {
    ms = hi;
    ns = lo;
  } else if (unitNs === 1_000) {
    // v µs = v/1000 ms
    ms = hi * 1_000 + Math.floor(lo / 1_000);
    ns = (lo % 1_000) * 1_000;
  } else {
    const unitMs = unitNs / 1_000_000;
    ms = (hi * 1_000_000 + lo) * unitMs;
    ns = 0;
    if (!Number.isSafeInteger(ms)) throw new LineFault('bad timestamp', from);
  }
  if (ms > MAX_INT64_MS || (ms === MAX_INT64_MS && ns > MAX_INT64_REST - 1)) {
    throw new LineFault('bad timestamp', from);
  }
  if (neg && (ms !== 0 || ns !== 0)) {
    if (ns === 0) {
      ms = -ms;
    } else {
      ms = -ms - 1;
      ns = 1_000_000 - ns;
    }
  }
  out.cols.timeMs[index] = ms;
  out.cols.timeNs[index] = ns;
  return i;
}

/**
 * Growable column arrays for the lines of one body. Every column of a line is written when the line
 * is scanned (the series-key columns by `indexSeriesKeys`), so the memory need not be zero-filled.
 */
class BatchBuilder {
  cols: LineColumns;
  length = 0;
  extraNewlines = 0;
  readonly #memory: ColumnMemory;

  constructor(
    capacity: number,
    memory: ColumnMemory,
    readonly decoder: FieldDecoder | undefined,
  ) {
    this.#memory = memory;
    this.cols = allocateColumns(capacity, memory);
  }

  begin(start: number): number {
    if (this.length === this.cols.lineStart.length) this.cols = growColumns(this.cols, this.#memory);
    this.cols.lineStart[this.length] = start;
    return this.length;
  }

  commit(index: number): void {
    this.length = index + 1;
  }
}

/** Bytes per line across all columns: one float64, eight int32, two uint16 and one uint8. */
const BYTES_PER_LINE = 8 + 8 * 4 + 2 * 2 + 1;

interface ColumnKind<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** All columns in one buffer (one transfer moves them all), widest first so that every view is aligned. */
function allocateColumns(capacity: number, memory: ColumnMemory): LineColumns {
  const buffer = memory(capacity * BYTES_PER_LINE);
  let offset = 0;
  const column = <T>(kind: ColumnKind<T>): T => {
    const view = new kind(buffer, offset, capacity);
    offset += kind.BYTES_PER_ELEMENT * capacity;
    return view;
  };
  return {
    timeMs: column(Float64Array),
    lineStart: column(Int32Array),
    measurementEnd: column(Int32Array),
    keyEnd: column(Int32Array),
    fieldsStart: column(Int32Array),
    fieldsEnd: column(Int32Array),
    timeNs: column(Int32Array),
    keyHash: column(Int32Array),
    keyFirst: column(Int32Array),
    tagCount: column(Uint16Array),
    fieldCount: column(Uint16Array),
    flags: column(Uint8Array),
  };
}

function growColumns(cols: LineColumns, memory: ColumnMemory): LineColumns {
  const next = allocateColumns(cols.lineStart.length * 2, memory);
  for (const key of Object.keys(cols) as Array<keyof LineColumns>) next[key].set(cols[key]);
  return next;
}
