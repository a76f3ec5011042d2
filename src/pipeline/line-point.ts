// Points that from() decodes in part, with the line of the write they came from for readers that want them whole later.

import type { Point } from '../core/point.ts';
import type { PointBatch } from '../lineproto/point-batch.ts';

/**
 * A point whose `fields` hold only the fields its task reads as points pass (see `fieldsReadFrom`),
 * with the write line it came from. The rest of its fields can be read from `batch` only while the
 * write is being delivered: the write's memory may be reused once it is done.
 */
export interface LinePoint extends Point {
  readonly batch: PointBatch;
  readonly line: number;
}

/** Line `i` of `batch` with only the fields named in `only`. */
export function linePoint(batch: PointBatch, i: number, only: ReadonlySet<string>): LinePoint {
  return {
    database: batch.database,
    retentionPolicy: batch.retentionPolicy,
    name: batch.measurement(i),
    tags: batch.tags(i),
    fields: batch.fields(i, only),
    timeMs: batch.timeMs[i],
    timeNs: batch.timeNs[i],
    batch,
    line: i,
  };
}

export function isLinePoint(p: Point): p is LinePoint {
  return (p as Partial<LinePoint>).batch !== undefined;
}

/** A node that keeps line points past their delivery: it reads what it kept whole before the write is done. */
export interface WriteSettler {
  settleWrite(): void;
}
