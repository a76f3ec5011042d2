// Assert sink: field rules per row, row counts per table at close, table names and catalog rules; any violation fails the job.

import type { JsonObject, JsonValue } from '../../config/hocon.ts';
import { option } from '../../config/job-config.ts';
import { coerce, parseType, typeName } from '../../config/schema.ts';
import { assertRowCountFailed, assertRuleFailed, assertTableNamesFailed, optionInvalid } from '../../errors.ts';
import { type CatalogTableRule, checkCatalogTableRule, parseCatalogTableRule } from './catalog-table-rule.ts';
import { ROW_KIND_NAMES, type Row, type SeaType, type TableSchema, type Value } from '../../row.ts';
import type { ConnectorContext, Sink, SinkFactory } from '../contract.ts';
import { formatValue } from '../console/console-sink.ts';

type ValueRule =
  | { kind: 'NOT_NULL' | 'NULL' }
  | { kind: 'MIN' | 'MAX' | 'MIN_LENGTH' | 'MAX_LENGTH'; value: number }
  | { kind: 'EQUALS'; value: JsonValue };

interface FieldRule {
  field: string;
  type?: SeaType;
  rules: ValueRule[];
  text: string;
}

interface RowRule {
  kind: 'MIN_ROW' | 'MAX_ROW';
  value: number;
}

function ruleText(r: JsonValue): string {
  return JSON.stringify(r);
}

function parseFieldRules(list: JsonValue | undefined, where: string): FieldRule[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw optionInvalid(where, 'rules.field_rules must be a list');
  return list.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || typeof item.field_name !== 'string')
      throw optionInvalid(where, `field_rules[${i}] needs field_name`);
    const rules: ValueRule[] = [];
    const values = item.field_value ?? [];
    if (!Array.isArray(values)) throw optionInvalid(where, `field_rules[${i}].field_value must be a list`);
    for (const v of values) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw optionInvalid(where, `bad field_value in field_rules[${i}]`);
      if (Object.hasOwn(v, 'equals_to')) rules.push({ kind: 'EQUALS', value: v.equals_to });
      if (v.rule_type !== undefined) {
        const kind = String(v.rule_type).toUpperCase();
        if (kind === 'NOT_NULL' || kind === 'NULL') rules.push({ kind });
        else if (kind === 'MIN' || kind === 'MAX' || kind === 'MIN_LENGTH' || kind === 'MAX_LENGTH') rules.push({ kind, value: Number(v.rule_value) });
        else throw optionInvalid(where, `unknown rule_type '${kind}'`);
      }
    }
    return {
      field: item.field_name,
      type: item.field_type === undefined ? undefined : parseType(item.field_type, where),
      rules,
      text: ruleText(item),
    };
  });
}

function parseRowRules(list: JsonValue | undefined, where: string): RowRule[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw optionInvalid(where, 'rules.row_rules must be a list');
  return list.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw optionInvalid(where, 'bad row rule');
    const kind = String(item.rule_type).toUpperCase();
    if (kind !== 'MIN_ROW' && kind !== 'MAX_ROW') throw optionInvalid(where, `unknown row rule_type '${kind}'`);
    return { kind, value: Number(item.rule_value) };
  });
}

function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return formatValue(a) === formatValue(b);
}

function lengthOf(v: Value): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  if (v !== null && typeof v === 'object') return Object.keys(v).length;
  return String(v).length;
}

function numeric(v: Value): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
}

/** The rules of one table: field rules per row, row-count rules at the end, the catalog rule at open. */
interface TableRules {
  fieldRules: FieldRule[];
  rowRules: RowRule[];
  catalog?: CatalogTableRule;
}

function parseTableRules(o: JsonObject, where: string): TableRules {
  return {
    fieldRules: parseFieldRules(o.field_rules, where),
    rowRules: parseRowRules(o.row_rules, where),
    catalog: o.catalog_table_rule === undefined ? undefined : parseCatalogTableRule(o.catalog_table_rule, where),
  };
}

const NO_RULES: TableRules = { fieldRules: [], rowRules: [] };

/** An input table as the sink sees it: its schema, its rules and where each field rule's column is. */
interface InputTable {
  schema: TableSchema;
  rules: TableRules;
  indexes: number[];
}

/**
 * One instance takes every input table (a `multiTable` sink): row counts are kept per table path
 * across all of them, as SeaTunnel's shared accumulators do, and `table-names` compares the set of
 * tables that reached the sink.
 */
class AssertSink implements Sink {
  readonly #where: string;
  /** Rules for every table when there is no `tables_configs`. */
  readonly #common: TableRules | undefined;
  /** `tables_configs`: rules by table path, in config order. */
  readonly #byPath = new Map<string, TableRules>();
  readonly #tableNames: string[] | undefined;
  readonly #inputs: InputTable[] = [];
  readonly #counts = new Map<string, number>();

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    const rules = (option(ctx.options, 'rules') ?? {}) as JsonObject;
    const configs = rules.tables_configs;
    if (configs === undefined) this.#common = parseTableRules(rules, this.#where);
    else {
      if (!Array.isArray(configs)) throw optionInvalid(this.#where, 'rules.tables_configs must be a list');
      for (const [i, c] of configs.entries()) {
        if (c === null || typeof c !== 'object' || Array.isArray(c) || typeof c.table_path !== 'string')
          throw optionInvalid(this.#where, `rules.tables_configs[${i}] needs table_path`);
        this.#byPath.set(c.table_path, parseTableRules(c, `${this.#where}.tables_configs[${i}]`));
      }
    }
    const names = rules['table-names'];
    if (names !== undefined && !Array.isArray(names)) throw optionInvalid(this.#where, "rules.table-names must be a list");
    this.#tableNames = names?.map(String);
  }

  async open(input: TableSchema): Promise<void> {
    const rules = this.#common ?? this.#byPath.get(input.table) ?? NO_RULES;
    if (rules.catalog) checkCatalogTableRule(rules.catalog, input);
    this.#inputs.push({ schema: input, rules, indexes: rules.fieldRules.map((r) => input.fields.findIndex((f) => f.name === r.field)) });
  }

  write(rows: Row[], table = 0): void {
    if (rows.length === 0) return;
    const input = this.#inputs[table];
    const path = input.schema.table;
    this.#counts.set(path, (this.#counts.get(path) ?? 0) + rows.length);
    const { fieldRules } = input.rules;
    if (fieldRules.length === 0) return;
    for (const row of rows) {
      for (let i = 0; i < fieldRules.length; i++) {
        const rule = fieldRules[i];
        if (!this.#passes(input.schema, rule, input.indexes[i], row)) throw assertRuleFailed(this.#rowText(input.schema, row), rule.text);
      }
    }
  }

  #passes(schema: TableSchema, rule: FieldRule, idx: number, row: Row): boolean {
    if (idx < 0) return false;
    const fieldType = schema.fields[idx].type;
    if (rule.type && typeName(rule.type) !== typeName(fieldType)) return false;
    const v = row.values[idx];
    for (const r of rule.rules) {
      switch (r.kind) {
        case 'NOT_NULL':
          if (v === null) return false;
          break;
        case 'NULL':
          if (v !== null) return false;
          break;
        case 'MIN':
          if (v === null || numeric(v) < r.value) return false;
          break;
        case 'MAX':
          if (v === null || numeric(v) > r.value) return false;
          break;
        case 'MIN_LENGTH':
          if (v === null || lengthOf(v) < r.value) return false;
          break;
        case 'MAX_LENGTH':
          if (v === null || lengthOf(v) > r.value) return false;
          break;
        case 'EQUALS': {
          let expected: Value;
          try {
            expected = coerce(r.value, fieldType, this.#where);
          } catch {
            return false;
          }
          if (!sameValue(v, expected)) return false;
          break;
        }
      }
    }
    return true;
  }

  #rowText(schema: TableSchema, row: Row): string {
    return `SeaTunnelRow{tableId=${schema.table}, kind=${ROW_KIND_NAMES[row.kind]}, fields=[${row.values.map(formatValue).join(', ')}]}`;
  }

  async prepareCommit(): Promise<undefined> {
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}

  async close(completed: boolean): Promise<void> {
    if (!completed) return;
    const ruled = this.#common ? [...new Set(this.#inputs.map((i) => i.schema.table))].map((path) => [path, this.#common!] as const) : [...this.#byPath];
    for (const [path, rules] of ruled) {
      const count = this.#counts.get(path) ?? 0;
      for (const r of rules.rowRules) {
        const ok = r.kind === 'MIN_ROW' ? count >= r.value : count <= r.value;
        if (!ok) throw assertRowCountFailed(count, JSON.stringify({ rule_type: r.kind, rule_value: r.value }));
      }
    }
    const expected = this.#tableNames;
    if (expected && expected.length > 0) {
      const seen = [...this.#counts.keys()];
      if (seen.length !== new Set(expected).size || !expected.every((n) => this.#counts.has(n))) throw assertTableNamesFailed(seen, expected);
    }
  }
}

export const assertSinkFactory: SinkFactory = { kind: 'sink', name: 'Assert', multiTable: true, create: (ctx) => new AssertSink(ctx) };
