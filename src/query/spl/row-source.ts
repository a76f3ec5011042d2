// Where SPL rows come from: columnar chunks of one series each, and how a chunk becomes rows.

import type { Fields, FieldValue } from '../../core/point.ts';
import { formatFields, formatSeriesKey } from '../../lineproto/format.ts';
import { toNsString } from '../../core/time.ts';
import { columnValue, type FieldColumn } from '../../store/series-store.ts';
import type { Row, Value } from './values.ts';

/** Rows of one series: `index` = database, `sourcetype` = measurement, constant tags. */
export interface RowChunk {
  readonly index: string;
  readonly sourcetype: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly timeNs: Int32Array;
  readonly fields: ReadonlyMap<string, FieldColumn>;
}

export interface SourceRequest {
  /** Inclusive, epoch ms. */
  readonly startMs?: number;
  /** Exclusive, epoch ms. */
  readonly endMs?: number;
  /** Only this database; undefined = every database. */
  readonly index?: string;
  /** Only this measurement; undefined = every measurement. */
  readonly sourcetype?: string;
}

export interface RowSource {
  chunks(request: SourceRequest): AsyncIterable<RowChunk>;
}

/** Integers stay exact: those beyond 2^53 become their decimal text rather than a rounded double. */
export function splValue(v: FieldValue): Value {
  if (typeof v !== 'bigint') return v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
}

/**
 * Rows of a chunk. `_raw` is the point's `message` field when it is a string (logs written as line
 * protocol), else the point's line-protocol text; it is built only when `withRaw` is set.
 */
export function chunkRows(chunk: RowChunk, withRaw: boolean): Row[] {
  const rows: Row[] = new Array(chunk.length);
  const columns = [...chunk.fields];
  const tagEntries = Object.entries(chunk.tags);
  // The series key part of the line-protocol text is the same for every row of the chunk.
  const seriesKey = withRaw ? formatSeriesKey(chunk.sourcetype, chunk.tags) : '';
  for (let i = 0; i < chunk.length; i++) {
    const row: Row = { _time: chunk.timeMs[i], index: chunk.index, sourcetype: chunk.sourcetype };
    for (const [k, v] of tagEntries) row[k] = v;
    let fields: Fields | undefined;
    if (withRaw) fields = {};
    for (const [key, column] of columns) {
      const v = columnValue(column, i);
      if (v === undefined) continue;
      row[key] = splValue(v);
      if (fields) fields[key] = v;
    }
    if (withRaw && fields) {
      const message = fields['message'];
      row._raw =
        typeof message === 'string'
          ? message
          : `${seriesKey} ${formatFields(fields)} ${toNsString({ ms: chunk.timeMs[i], ns: chunk.timeNs[i] })}`;
    }
    rows[i] = row;
  }
  return rows;
}
