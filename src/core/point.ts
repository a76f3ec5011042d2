// The point: one measurement sample with its tags, typed fields and exact time.

/**
 * A field value. Floats are `number`, integers are `bigint` (int64, as InfluxDB and Kapacitor
 * keep them), so the two never mix by accident: TICKscript has no int→float promotion.
 */
export type FieldValue = number | bigint | string | boolean;

export type Tags = Record<string, string>;
export type Fields = Record<string, FieldValue>;

/** Field type names as InfluxDB reports them (`SHOW FIELD KEYS`). */
export type FieldType = 'float' | 'integer' | 'string' | 'boolean';

/**
 * A point as the engine sees it. Points are treated as immutable once built: a node that changes
 * tags, fields or time makes a new point, so one parsed point can be shared by every subscriber.
 */
export interface Point {
  readonly database: string;
  readonly retentionPolicy: string;
  readonly name: string;
  readonly tags: Tags;
  readonly fields: Fields;
  /** Whole milliseconds since the epoch. */
  readonly timeMs: number;
  /** Nanoseconds within that millisecond, 0..999_999. */
  readonly timeNs: number;
}

export function fieldType(value: FieldValue): FieldType {
  switch (typeof value) {
    case 'number':
      return 'float';
    case 'bigint':
      return 'integer';
    case 'string':
      return 'string';
    default:
      return 'boolean';
  }
}

/** Sorted tag keys; tag sets are small, so a sort per call is cheaper than caching. */
export function sortedTagKeys(tags: Tags): string[] {
  return Object.keys(tags).sort();
}
