// The points of one write request, kept as offsets into the request body and decoded on demand.

import type { FieldValue, Fields, Point, Tags } from '../core/point.ts';

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
}

const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * A parsed and fully validated write. Nothing is decoded until asked: routing needs only
 * measurements, the store needs series keys, tasks need whole points. Each is decoded at most
 * once per line and shared by every subscriber, so subscribers must not mutate what they get.
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
  #points: Point[] | undefined;

  constructor(database: string, retentionPolicy: string, buf: Uint8Array, length: number, cols: LineColumns) {
    this.database = database;
    this.retentionPolicy = retentionPolicy;
    this.length = length;
    this.#buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#cols = cols;
    this.timeMs = cols.timeMs;
    this.timeNs = cols.timeNs;
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
      if (pe - ps === end - start && this.#buf.compare(this.#buf, ps, pe, start, end) === 0) {
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
    let key: string;
    if (c.flags[i] & FLAG_TAGS_UNSORTED) {
      key = this.#sortedKey(i);
    } else {
      key = this.#buf.toString('utf8', c.lineStart[i], c.keyEnd[i]);
    }
    keys[i] = key;
    return key;
  }

  #sortedKey(i: number): string {
    const c = this.#cols;
    const rawTags = splitUnescaped(this.#buf.toString('utf8', c.measurementEnd[i] + 1, c.keyEnd[i]), COMMA);
    rawTags.sort((a, b) => compareKeys(tagKeyOf(a), tagKeyOf(b)));
    return `${this.#buf.toString('utf8', c.lineStart[i], c.measurementEnd[i])},${rawTags.join(',')}`;
  }

  /** The tags of line `i`, unescaped, in key order. */
  tags(i: number): Tags {
    const c = this.#cols;
    const tags: Tags = {};
    if (c.tagCount[i] === 0) return tags;
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

  /** The fields of line `i` with their types: floats as number, integers as bigint. */
  fields(i: number): Fields {
    const c = this.#cols;
    const buf = this.#buf;
    const escaped = (c.flags[i] & FLAG_FIELDS_ESCAPED) !== 0;
    const fields: Fields = {};
    const end = c.fieldsEnd[i];
    let p = c.fieldsStart[i];
    while (p < end) {
      const keyStart = p;
      while (buf[p] !== EQUALS) p += buf[p] === BACKSLASH ? 2 : 1;
      const rawKey = buf.toString('utf8', keyStart, p);
      const key = escaped ? unescapeTag(rawKey) : rawKey;
      p++;
      const valueStart = p;
      let value: FieldValue;
      if (buf[p] === QUOTE) {
        p++;
        let hasEscape = false;
        while (buf[p] !== QUOTE) {
          if (buf[p] === BACKSLASH) {
            hasEscape = true;
            p++;
          }
          p++;
        }
        const text = buf.toString('utf8', valueStart + 1, p);
        value = hasEscape ? unescapeString(text) : text;
        p++;
      } else {
        while (p < end && buf[p] !== COMMA) p++;
        value = decodeScalar(buf, valueStart, p);
      }
      fields[key] = value;
      p++; // the comma (or one past the end)
    }
    return fields;
  }

  /** Line `i` as a point. Decoded once and shared; treat it as read-only. */
  point(i: number): Point {
    const points = (this.#points ??= new Array<Point>(this.length));
    let point = points[i];
    if (point === undefined) {
      point = {
        database: this.database,
        retentionPolicy: this.retentionPolicy,
        name: this.measurement(i),
        tags: this.tags(i),
        fields: this.fields(i),
        timeMs: this.timeMs[i],
        timeNs: this.timeNs[i],
      };
      points[i] = point;
    }
    return point;
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

function decodeScalar(buf: Buffer, start: number, end: number): FieldValue {
  const last = buf[end - 1];
  if (last === 105 /* i */) {
    const text = buf.toString('latin1', start, end - 1);
    const asNumber = Number(text);
    return Number.isSafeInteger(asNumber) ? BigInt(asNumber) : BigInt(text);
  }
  const first = buf[start];
  if (first === 116 || first === 84) return true;
  if (first === 102 || first === 70) return false;
  return Number(buf.toString('latin1', start, end));
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
