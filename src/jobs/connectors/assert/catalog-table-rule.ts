// Assert's catalog_table_rule: the primary key, constraint keys and columns the sink's input table must have.

import type { JsonValue } from '../../config/hocon.ts';
import { coerce, parseType, typeName } from '../../config/schema.ts';
import { assertCatalogFailed, optionInvalid } from '../../errors.ts';
import type { ConstraintKey, Field, SeaType, TableSchema, Value } from '../../row.ts';
import { formatValue } from '../console/console-sink.ts';

interface ColumnSpec {
  name: string;
  type: SeaType;
  columnLength: number;
  nullable: boolean;
  defaultValue: Value;
  comment: string | null;
}

export interface CatalogTableRule {
  primaryKey?: { name?: string; columns: string[] };
  constraintKeys?: ConstraintKey[];
  columns?: ColumnSpec[];
}

type Obj = { [k: string]: JsonValue };

function obj(v: JsonValue | undefined, what: string, where: string): Obj {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) throw optionInvalid(where, `${what} must be an object`);
  return v;
}

function list(v: JsonValue | undefined, what: string, where: string): JsonValue[] {
  if (!Array.isArray(v)) throw optionInvalid(where, `${what} must be a list`);
  return v;
}

/** Parses `catalog_table_rule { primary_key_rule, constraint_key_rule, column_rule }` (each optional). */
export function parseCatalogTableRule(v: JsonValue, where: string): CatalogTableRule {
  const o = obj(v, 'catalog_table_rule', where);
  const rule: CatalogTableRule = {};
  if (o.primary_key_rule !== undefined) {
    const pk = obj(o.primary_key_rule, 'primary_key_rule', where);
    rule.primaryKey = { name: pk.primary_key_name == null ? undefined : String(pk.primary_key_name), columns: list(pk.primary_key_columns ?? [], 'primary_key_columns', where).map(String) };
  }
  if (o.constraint_key_rule !== undefined) {
    rule.constraintKeys = list(o.constraint_key_rule, 'constraint_key_rule', where).map((item) => {
      const k = obj(item, 'a constraint_key_rule entry', where);
      const type = String(k.constraint_key_type ?? '').toUpperCase();
      if (type !== 'UNIQUE_KEY' && type !== 'INDEX_KEY' && type !== 'FOREIGN_KEY') throw optionInvalid(where, `unknown constraint_key_type '${type}'`);
      const columns = list(k.constraint_key_columns ?? [], 'constraint_key_columns', where).map((c) => {
        const col = obj(c, 'a constraint_key_columns entry', where);
        return { name: String(col.constraint_key_column_name), sort: String(col.constraint_key_sort_type ?? 'ASC').toUpperCase() === 'DESC' ? ('DESC' as const) : ('ASC' as const) };
      });
      return { name: String(k.constraint_key_name ?? ''), type, columns };
    });
  }
  if (o.column_rule !== undefined) {
    rule.columns = list(o.column_rule, 'column_rule', where).map((item) => {
      const c = obj(item, 'a column_rule entry', where);
      if (typeof c.name !== 'string') throw optionInvalid(where, 'a column_rule entry needs a name');
      const type = parseType(c.type ?? 'string', `${where}.${c.name}`);
      return {
        name: c.name,
        type,
        columnLength: typeof c.column_length === 'number' ? c.column_length : 0,
        nullable: c.nullable !== false && c.nullable !== 'false',
        defaultValue: c.default_value === undefined ? null : coerce(c.default_value, type, `${where}.${c.name}`),
        comment: typeof c.comment === 'string' ? c.comment : null,
      };
    });
  }
  return rule;
}

function columnOf(f: Field): ColumnSpec {
  return { name: f.name, type: f.type, columnLength: f.columnLength ?? 0, nullable: f.nullable !== false, defaultValue: f.defaultValue ?? null, comment: f.comment ?? null };
}

// Renderings in the shape of the Java objects' toString, which SeaTunnel's messages print.
const columnText = (c: ColumnSpec) =>
  `PhysicalColumn(name=${c.name}, dataType=${typeName(c.type)}, columnLength=${c.columnLength}, nullable=${c.nullable}, defaultValue=${formatValue(c.defaultValue)}, comment=${c.comment})`;
const keyText = (k: ConstraintKey) =>
  `ConstraintKey(constraintType=${k.type}, constraintName=${k.name}, columnNames=[${k.columns.map((c) => `ConstraintKeyColumn(columnName=${c.name}, sortType=${c.sort})`).join(', ')}])`;
const listText = <T>(xs: readonly T[], f: (x: T) => string) => `[${xs.map(f).join(', ')}]`;

/** Apache Commons' isEqualCollection: the same elements with the same multiplicities, in any order. */
function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  for (const x of b) {
    const n = counts.get(x);
    if (!n) return false;
    counts.set(x, n - 1);
  }
  return true;
}

/** Throws SeaTunnel's CATALOG_TABLE_FAILED texts when `table` does not match the rule. */
export function checkCatalogTableRule(rule: CatalogTableRule, table: TableSchema): void {
  if (rule.primaryKey) {
    if (!table.primaryKey || table.primaryKey.length === 0) throw assertCatalogFailed('primaryKey is null');
    const name = table.primaryKeyName ?? null;
    if (rule.primaryKey.name !== undefined && rule.primaryKey.name !== name) throw assertCatalogFailed(`primaryKey: ${name} is not equal to ${rule.primaryKey.name}`);
    if (rule.primaryKey.columns.length > 0 && !sameMultiset(rule.primaryKey.columns, table.primaryKey))
      throw assertCatalogFailed(`primaryKey columns: [${table.primaryKey.join(', ')}] is not equal to [${rule.primaryKey.columns.join(', ')}]`);
  }
  if (rule.constraintKeys) {
    const actual = table.constraintKeys ?? [];
    if (actual.length === 0) throw assertCatalogFailed('constraintKeys is null');
    if (rule.constraintKeys.length > 0 && !sameMultiset(rule.constraintKeys.map(keyText), actual.map(keyText)))
      throw assertCatalogFailed(`constraintKeys: ${listText(actual, keyText)} is not equal to ${listText(rule.constraintKeys, keyText)}`);
  }
  if (rule.columns) {
    const actual = table.fields.map(columnOf);
    if (actual.length === 0) throw assertCatalogFailed('columns is null');
    if (rule.columns.length > 0 && !sameMultiset(rule.columns.map(columnText), actual.map(columnText)))
      throw assertCatalogFailed(`columns: ${listText(actual, columnText)} is not equal to ${listText(rule.columns, columnText)}`);
  }
}
