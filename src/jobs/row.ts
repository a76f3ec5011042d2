// Rows as the job engine moves them: a change kind plus positional values, and the table schema that names them.

/** SeaTunnel's RowKind, as small integers so that rows stay cheap. */
export const RowKind = { INSERT: 0, UPDATE_BEFORE: 1, UPDATE_AFTER: 2, DELETE: 3 } as const;
export type RowKindValue = (typeof RowKind)[keyof typeof RowKind];
export const ROW_KIND_NAMES = ['INSERT', 'UPDATE_BEFORE', 'UPDATE_AFTER', 'DELETE'] as const;
export const ROW_KIND_SHORT = ['+I', '-U', '+U', '-D'] as const;

export function parseRowKind(text: string): RowKindValue | undefined {
  const i = ROW_KIND_NAMES.indexOf(text.toUpperCase() as (typeof ROW_KIND_NAMES)[number]);
  if (i >= 0) return i as RowKindValue;
  const j = ROW_KIND_SHORT.indexOf(text as (typeof ROW_KIND_SHORT)[number]);
  return j >= 0 ? (j as RowKindValue) : undefined;
}

/**
 * A value in a row. int/tinyint/smallint/float/double are numbers, bigint is `bigint`,
 * decimal/date/time/timestamp are canonical strings, bytes are Uint8Array, arrays/maps/rows are
 * JS arrays and plain objects, null is null.
 */
export type Value = null | boolean | number | bigint | string | Uint8Array | Value[] | { [key: string]: Value };

export interface Row {
  kind: RowKindValue;
  values: Value[];
}

/** A column type in SeaTunnel's vocabulary. */
export type SeaType =
  | {
      kind:
        | 'string'
        | 'boolean'
        | 'tinyint'
        | 'smallint'
        | 'int'
        | 'bigint'
        | 'float'
        | 'double'
        | 'date'
        | 'time'
        | 'timestamp'
        | 'bytes'
        | 'null';
    }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'array'; element: SeaType }
  | { kind: 'map'; key: SeaType; value: SeaType }
  | { kind: 'row'; fields: Field[] };

export interface Field {
  name: string;
  type: SeaType;
  nullable?: boolean;
  /** Catalog details a source may know (schema.columns, a database catalog); Assert's column_rule compares them. */
  columnLength?: number;
  defaultValue?: Value;
  comment?: string;
}

/** SeaTunnel's ConstraintKey: a named UNIQUE_KEY / INDEX_KEY / FOREIGN_KEY over sorted columns. */
export interface ConstraintKey {
  name: string;
  type: 'UNIQUE_KEY' | 'INDEX_KEY' | 'FOREIGN_KEY';
  columns: { name: string; sort: 'ASC' | 'DESC' }[];
}

/**
 * One table: its path (what metrics, tablePaths and the sink placeholders report) and its columns,
 * plus the catalog keys when known. A dataset is a list of these (see connectors/contract.ts).
 */
export interface TableSchema {
  table: string;
  fields: Field[];
  primaryKey?: string[];
  /** The primary key's constraint name (`schema.primaryKey.name`). */
  primaryKeyName?: string;
  constraintKeys?: ConstraintKey[];
}

/** A rough size of a row in bytes, for the *Bytes metrics (strings count their UTF-16 length). */
export function rowBytes(values: Value[]): number {
  let n = 0;
  for (const v of values) {
    switch (typeof v) {
      case 'string':
        n += v.length;
        break;
      case 'number':
      case 'bigint':
        n += 8;
        break;
      case 'boolean':
        n += 1;
        break;
      case 'object':
        if (v === null) break;
        if (v instanceof Uint8Array) n += v.byteLength;
        else n += JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)).length;
        break;
    }
  }
  return n;
}
