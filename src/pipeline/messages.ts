// What flows on edges besides single points: batches (a window's contents, a query result).

import type { Fields, Tags } from '../core/point.ts';
import type { Group } from './group.ts';

/** One point inside a batch. A stream `Point` is a valid batch point, so windows store points as they are. */
export interface BatchPoint {
  readonly tags: Tags;
  readonly fields: Fields;
  readonly timeMs: number;
  readonly timeNs: number;
}

/** A batch: begin (name, group, tmax) + points + end, delivered as one message. */
export interface Batch {
  readonly name: string;
  readonly group: Group;
  /** The batch time: a window's end, a query's upper bound. */
  readonly tmaxMs: number;
  readonly tmaxNs: number;
  readonly points: readonly BatchPoint[];
}
