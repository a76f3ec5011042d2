// The points of one write request, kept as offsets into the request body and decoded on demand.

import { bufferView } from '../core/bytes.ts';
import type { Fields, FieldValue, Point, Tags } from '../core/point.ts';
import { type DecodedFields, decodeFieldValues } from './field-values.ts';
import { TagSetCache } from './tag-set-cache.ts';

/** Bit flags per line, set by the parser. */
export const FLAG_KEY_ESCAPED = 1;
export const FLAG_TAGS_UNSORTED = 2;
export const FLAG_FIELDS_ESCAPED = 4;

/** Per-line offsets the parser records (all indices into the body buffer). */
export interface LineColumns {
  lineStart: Int32Array;
  measurementEnd: Int32Array;
  /** End of the series key: measurement plus tags. */
  keyEnd: Int32Array;
  fieldsStart: Int32Array;
  fieldsEnd: Int32Array;
  tagCount: Uint16Array;
  fieldCount: Uint16Array;
  flags: Uint8Array;
  timeMs: Float64Array;
  timeNs: Int32Array;
  /** PointBatch.seriesKeyHash of each line. */
  keyHash: Int32Array;
  /** The first line of the body with the same series key as written (the line itself if none before it). */
  keyFirst: Int32Array;
}

/**
 * Memory for the columns of a scanned body (or its decoded fields): at least `bytes` bytes, holding
 * anything, as every byte read from them is written first.
 */
export type ColumnMemory = (bytes: number) => ArrayBuffer;

export const freshMemory: ColumnMemory = (bytes) => new ArrayBuffer(bytes);

const NO_TAGS: Tags = Object.freeze({});
/** Canonical (tag-sorted) series keys by the key as written, for writers that do not sort tags. */
const CANONICAL_BY_RAW_KEY = new Map<string, string>();
const TAGS_CACHE_LIMIT = 100_000;
/** Shared tag sets by series key as written. */
const TAG_SETS = new TagSetCache(TAGS_CACHE_LIMIT);

const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * A parsed and fully validated write. Nothing is decoded until asked: routing needs only
 * measurements, the store needs series keys, tasks need whole points. Measurements and keys are
 * decoded at most once per line, points too when `sharePoints()` was called, and all of it is
 * shared by every subscriber, so subscribers must not mutate what they get.
 */
export class PointBatch {
  readonly database: string;
  readonly retentionPolicy: string;
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly timeNs: Int32Array;
  readonly #buf: Buffer;
  readonly #cols: LineColumns;
  #names: string[] | undefined;
  #keys: string[] | undefined;
  /** Tags by the first line of each series in this write (see `keyFirst`). */
  #tagsOfFirst: Tags[] | undefined;
  #points: Point[] | undefined;
  readonly #lastFieldKeys: Array<{ start: number; end: number; text: string }> = [];
  /** The walk `fields()` reuses: it finishes with a line before the next is asked for. */
  readonly #cursor = new FieldCursor();
  #decoded: DecodedFields | undefined;

  /** `decoded`: the field values when the scanner decoded them already (see `decodedFields`). */
  constructor(database: string, retentionPolicy: string, buf: Uint8Array, length: number, cols: LineColumns, decoded?: DecodedFields) {
    this.database = database;
    this.retentionPolicy = retentionPolicy;
    this.length = length;
    this.#buf = bufferView(buf);
    this.#cols = cols;
    this.timeMs = cols.timeMs;
    this.timeNs = cols.timeNs;
    this.#decoded = decoded;
  }

  /**
   * Every line's field values in flat arrays with each line's layout (see `decodeFieldValues`):
   * given by a parse worker that decoded them off the event loop, or decoded now, once.
   */
  decodedFields(): DecodedFields {
    return (this.#decoded ??= decodeFieldValues(this.#buf, this.#cols, this.length));
  }

  /** The measurement of line `i`. Consecutive lines with the same bytes share one string. */
  measurement(i: number): string {
    const names = (this.#names ??= new Array<string>(this.length));
    const cached = names[i];
    if (cached !== undefined) return cached;
    const c = this.#cols;
    const start = c.lineStart[i];
    const end = c.measurementEnd[i];
    let name: string | undefined;
    if (i > 0) {
      const ps = c.lineStart[i - 1];
      const pe = c.measurementEnd[i - 1];
      if (pe - ps === end - start && sameBytes(this.#buf, ps, start, end - start)) {
        name = this.measurement(i - 1);
      }
    }
    if (name === undefined) {
      const raw = this.#buf.toString('utf8', start, end);
      name = c.flags[i] & FLAG_KEY_ESCAPED ? unescapeMeasurement(raw) : raw;
    }
    names[i] = name;
    return name;
  }

  /**
   * The canonical series key of line `i`: escaped measurement and tags sorted by key, exactly as
   * InfluxDB writes it (`cpu,host=a,region=b`).
   */
  seriesKey(i: number): string {
    const keys = (this.#keys ??= new Array<string>(this.length));
    const cached = keys[i];
    if (cached !== undefined) return cached;
    const c = this.#cols;
    const first = c.keyFirst[i];
    if (first !== i) return (keys[i] = this.seriesKey(first));
    let key = this.#buf.toString('utf8', c.lineStart[i], c.keyEnd[i]);
    if (c.flags[i] & FLAG_TAGS_UNSORTED) {
      const raw = key;
      key = CANONICAL_BY_RAW_KEY.get(raw) ?? canonicalKey(raw);
      if (CANONICAL_BY_RAW_KEY.size >= TAGS_CACHE_LIMIT) CANONICAL_BY_RAW_KEY.clear();
      CANONICAL_BY_RAW_KEY.set(raw, key);
    }
    keys[i] = key;
    return key;
  }

  /**
   * The tags of line `i`, unescaped, in key order. Lines of one series share one frozen object,
   * so a million points of a thousand series hold a thousand tag sets.
   */
  tags(i: number): Tags {
    const c = this.#cols;
    if (c.tagCount[i] === 0) return NO_TAGS;
    // Lines repeating an earlier series of this write take that line's tags: one look-up per series.
    const first = c.keyFirst[i];
    const byFirst = (this.#tagsOfFirst ??= new Array<Tags>(this.length));
    let tags: Tags | undefined = byFirst[first];
    if (tags !== undefined) return tags;
    const start = c.lineStart[first];
    const end = c.keyEnd[first];
    const hash = c.keyHash[first];
    tags = TAG_SETS.find(this.#buf, start, end, hash);
    if (tags === undefined) {
      tags = Object.freeze(this.#decodeTags(first));
      TAG_SETS.add(this.#buf, start, end, hash, tags);
    }
    byFirst[first] = tags;
    return tags;
  }

  #decodeTags(i: number): Tags {
    const c = this.#cols;
    const tags: Tags = {};
    const text = this.#buf.toString('utf8', c.measurementEnd[i] + 1, c.keyEnd[i]);
    const escaped = (c.flags[i] & FLAG_KEY_ESCAPED) !== 0;
    const pairs = escaped ? splitUnescaped(text, COMMA) : text.split(',');
    if (c.flags[i] & FLAG_TAGS_UNSORTED) pairs.sort((a, b) => compareKeys(tagKeyOf(a), tagKeyOf(b)));
    for (const pair of pairs) {
      const eq = escaped ? indexOfUnescaped(pair, EQUALS) : pair.indexOf('=');
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      tags[escaped ? unescapeTag(key) : key] = escaped ? unescapeTag(value) : value;
    }
    return tags;
  }

  /**
   * The fields of line `i` with their types: floats as number, integers as bigint. With `only`,
   * just the fields named in it (a projection: the others' values are skipped, not decoded).
   */
  fields(i: number, only?: ReadonlySet<string>): Fields {
    const cursor = this.fieldCursor(i, this.#cursor);
    const fields: Fields = {};
    while (cursor.next()) {
      const key = cursor.key;
      if (only === undefined || only.has(key)) fields[key] = cursor.value();
    }
    return fields;
  }


  /**
   * The k-th field key of a line, reusing the string decoded for the previous line when the bytes
   * are the same: consecutive lines nearly always carry the same field names.
   */
  #fieldKey(k: number, start: number, end: number): string {
    const buf = this.#buf;
    const prev = this.#lastFieldKeys[k];
    if (prev !== undefined && prev.end - prev.start === end - start && sameBytes(buf, prev.start, start, end - start)) {
      prev.start = start;
      prev.end = end;
      return prev.text;
    }
    const text = buf.toString('utf8', start, end);
    this.#lastFieldKeys[k] = { start, end, text };
    return text;
  }

  /**
   * Points `cursor` (a fresh one when omitted) at the fields of line `i`, for readers that want the
   * values without a `Fields` object per line. Field keys are shared strings, as with `fields()`.
   */
  fieldCursor(i: number, cursor: FieldCursor = new FieldCursor()): FieldCursor {
    const c = this.#cols;
    cursor.reset(this.#buf, c.fieldsStart[i], c.fieldsEnd[i], (c.flags[i] & FLAG_FIELDS_ESCAPED) !== 0, this.#fieldKeyOf);
    return cursor;
  }

  readonly #fieldKeyOf = (k: number, start: number, end: number): string => this.#fieldKey(k, start, end);

  /**
   * A hash of line `i`'s series key as written (before tags are sorted), in the small-integer
   * range, for indexes that look series up by bytes instead of by a decoded string.
   */
  seriesKeyHash(i: number): number {
    return this.#cols.keyHash[i];
  }

  /**
   * The first line of this write with the same series key as line `i` (as written; `i` itself when
   * no earlier line has it): readers resolve each series once per write and copy it to the rest.
   */
  firstLineOfSeries(i: number): number {
    return this.#cols.keyFirst[i];
  }

  /** Whether line `i`'s series key as written is exactly `bytes`. */
  seriesKeyIs(i: number, bytes: Uint8Array): boolean {
    const start = this.#cols.lineStart[i];
    const length = this.#cols.keyEnd[i] - start;
    if (length !== bytes.length) return false;
    const buf = this.#buf;
    for (let k = 0; k < length; k++) if (buf[start + k] !== bytes[k]) return false;
    return true;
  }

  /** A copy of line `i`'s series key as written. */
  seriesKeyBytes(i: number): Uint8Array {
    return Uint8Array.prototype.slice.call(this.#buf, this.#cols.lineStart[i], this.#cols.keyEnd[i]);
  }

  /** The request body the lines point into (every line of it belongs to this batch). */
  body(): Buffer {
    return this.#buf;
  }

  /**
   * Makes `point(i)` keep what it decodes, for a write that several readers decode line by line:
   * each line is then decoded once and the point shared. With one reader, keeping every point of
   * the write alive until the write is done would only feed the garbage collector.
   */
  sharePoints(): void {
    this.#points ??= new Array<Point>(this.length);
  }

  /**
   * Line `i` as a point; treat it as read-only (it is shared after `sharePoints()`). A reader that
   * needs only some fields names them in `only`; shared points are always decoded whole.
   */
  point(i: number, only?: ReadonlySet<string>): Point {
    const points = this.#points;
    if (points === undefined) return this.#decodePoint(i, only);
    let point = points[i];
    if (point === undefined) {
      point = this.#decodePoint(i, undefined);
      points[i] = point;
    }
    return point;
  }

  #decodePoint(i: number, only: ReadonlySet<string> | undefined): Point {
    return {
      database: this.database,
      retentionPolicy: this.retentionPolicy,
      name: this.measurement(i),
      tags: this.tags(i),
      fields: this.fields(i, only),
      timeMs: this.timeMs[i],
      timeNs: this.timeNs[i],
    };
  }

  /** The raw text of line `i` as it arrived (without its newline). */
  lineText(i: number): string {
    const c = this.#cols;
    let end = c.fieldsEnd[i];
    // Include the timestamp if there was one: scan to the end of the physical line.
    const nl = this.#buf.indexOf(10, end);
    end = nl < 0 ? this.#buf.length : nl;
    while (end > c.lineStart[i] && (this.#buf[end - 1] === 13 || this.#buf[end - 1] === 32)) end--;
    return this.#buf.toString('utf8', c.lineStart[i], end);
  }
}

export const FIELD_FLOAT = 1;
export const FIELD_INTEGER = 2;
export const FIELD_STRING = 3;
export const FIELD_BOOLEAN = 4;

/**
 * A walk over one line's fields that allocates nothing but the values asked for: `next()` moves to
 * the next field and sets `key` and `kind` (FIELD_*); `float()`, `integer()`, `string()` and
 * `boolean()` decode the current value. Reusable across lines (`PointBatch.fieldCursor(i, cursor)`).
 */
export class FieldCursor {
  key = '';
  kind = 0;
  /** Where the current key is in the body, as written (escapes included). */
  keyStart = 0;
  keyEnd = 0;
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  #end = 0;
  #escaped = false;
  #k = 0;
  #keyOf: (k: number, start: number, end: number) => string = (_k, start, end) => this.#buf.toString('utf8', start, end);
  /** Where the current value is in the body: inside the quotes of a string, with an integer's `i`. */
  valueStart = 0;
  valueEnd = 0;
  #valueEscaped = false;

  /** Used by `PointBatch.fieldCursor`. */
  reset(buf: Buffer, start: number, end: number, escaped: boolean, keyOf: (k: number, start: number, end: number) => string): void {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
    this.#escaped = escaped;
    this.#keyOf = keyOf;
    this.#k = 0;
  }

  next(): boolean {
    const buf = this.#buf;
    const end = this.#end;
    let p = this.#pos;
    if (p >= end) return false;
    const keyStart = p;
    while (buf[p] !== EQUALS) p += buf[p] === BACKSLASH ? 2 : 1;
    this.keyStart = keyStart;
    this.keyEnd = p;
    this.key = this.#escaped ? unescapeTag(buf.toString('utf8', keyStart, p)) : this.#keyOf(this.#k, keyStart, p);
    this.#k++;
    p++;
    if (buf[p] === QUOTE) {
      p++;
      this.valueStart = p;
      let hasEscape = false;
      while (buf[p] !== QUOTE) {
        if (buf[p] === BACKSLASH) {
          hasEscape = true;
          p++;
        }
        p++;
      }
      this.valueEnd = p;
      this.#valueEscaped = hasEscape;
      this.kind = FIELD_STRING;
      p++;
    } else {
      const valueStart = p;
      while (p < end && buf[p] !== COMMA) p++;
      this.valueStart = valueStart;
      this.valueEnd = p;
      const first = buf[valueStart];
      this.kind =
        buf[p - 1] === 105 /* i */ ? FIELD_INTEGER : first === 116 || first === 84 || first === 102 || first === 70 ? FIELD_BOOLEAN : FIELD_FLOAT;
    }
    this.#pos = p + 1; // past the comma (or one past the end)
    return true;
  }

  float(): number {
    return decodeFloat(this.#buf, this.valueStart, this.valueEnd);
  }

  /** The integer as a number when it has at most 15 digits (exact), else undefined (use `integer()`). */
  smallInteger(): number | undefined {
    return decodeSmallInteger(this.#buf, this.valueStart, this.valueEnd);
  }

  integer(): bigint {
    const n = this.smallInteger();
    return n === undefined ? BigInt(this.#buf.toString('latin1', this.valueStart, this.valueEnd - 1)) : BigInt(n);
  }

  string(): string {
    const text = this.#buf.toString('utf8', this.valueStart, this.valueEnd);
    return this.#valueEscaped ? unescapeString(text) : text;
  }

  boolean(): boolean {
    const first = this.#buf[this.valueStart];
    return first === 116 || first === 84;
  }

  /** The current value as `fields()` would give it. */
  value(): FieldValue {
    switch (this.kind) {
      case FIELD_FLOAT:
        return this.float();
      case FIELD_INTEGER:
        return this.integer();
      case FIELD_STRING:
        return this.string();
      default:
        return this.boolean();
    }
  }
}

/** The float value written at buf[start, end). */
export function decodeFloat(buf: Buffer, start: number, end: number): number {
  return parseDecimal(buf, start, end) ?? Number(buf.toString('latin1', start, end));
}

/** The integer value written at buf[start, end) (`i` included) when it has at most 15 digits, else undefined. */
export function decodeSmallInteger(buf: Buffer, start: number, end: number): number | undefined {
  return parseSmallInteger(buf, start, end - 1);
}

/** Integers of up to 15 digits, exactly; undefined for longer ones (left to BigInt). */
function parseSmallInteger(buf: Buffer, start: number, end: number): number | undefined {
  let p = start;
  const neg = buf[p] === 45;
  if (neg) p++;
  if (end - p > 15) return undefined;
  let n = 0;
  for (; p < end; p++) n = n * 10 + (buf[p] - 48);
  return neg ? -n : n;
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Plain decimals (`-12.375`) with at most 15 significant digits, correctly rounded: the digits and
 * the power of ten are both exact doubles, so one IEEE division rounds correctly (Clinger's fast
 * path). Anything else (exponents, long mantissas) returns undefined for Number() to handle.
 */
function parseDecimal(buf: Buffer, start: number, end: number): number | undefined {
  let p = start;
  const neg = buf[p] === 45;
  if (neg) p++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seenDot = false;
  for (; p < end; p++) {
    const c = buf[p];
    if (c === 46) {
      seenDot = true;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    mantissa = mantissa * 10 + (c - 48);
    if (mantissa !== 0) digits++;
    if (seenDot) scale++;
  }
  if (digits > 15 || scale > 22) return undefined;
  const value = scale === 0 ? mantissa : mantissa / POWERS_OF_TEN[scale];
  return neg ? -value : value;
}

/** Byte equality of two short ranges; a JS loop beats Buffer.compare's native call for names this short. */
function sameBytes(buf: Buffer, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (buf[a + k] !== buf[b + k]) return false;
  return true;
}

/** `m,b=2,a=1` → `m,a=1,b=2`: the measurement stays first, escaped text is kept as written. */
function canonicalKey(raw: string): string {
  const parts = splitUnescaped(raw, COMMA);
  const measurement = parts.shift()!;
  parts.sort((a, b) => compareKeys(tagKeyOf(a), tagKeyOf(b)));
  return `${measurement},${parts.join(',')}`;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tagKeyOf(pair: string): string {
  return pair.slice(0, indexOfUnescaped(pair, EQUALS));
}

function indexOfUnescaped(text: string, code: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === code) return i;
  }
  return -1;
}

function splitUnescaped(text: string, code: number): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === code) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** Measurements unescape `\,` and `\ ` only; other backslashes stay literal. */
export function unescapeMeasurement(text: string): string {
  return text.replace(/\\([, ])/g, '$1');
}

/** Tag keys, tag values and field keys unescape `\,`, `\=` and `\ `. */
export function unescapeTag(text: string): string {
  return text.replace(/\\([,= ])/g, '$1');
}

/** String field values unescape `\"` and `\\`. */
export function unescapeString(text: string): string {
  return text.replace(/\\(["\\])/g, '$1');
}
