// Assert sink: field rules checked per row, row-count rules checked at close; any violation fails the job.

import type { JsonObject, JsonValue } from '../../config/hocon.ts';
import { option } from '../../config/job-config.ts';
import { coerce, parseType, typeName } from '../../config/schema.ts';
import { assertRuleFailed, optionInvalid } from '../../errors.ts';
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

class AssertSink implements Sink {
  readonly #fieldRules: FieldRule[];
  readonly #rowRules: RowRule[];
  readonly #where: string;
  #schema!: TableSchema;
  #indexes: number[] = [];
  #count = 0;

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    const rules = (option(ctx.options, 'rules') ?? {}) as JsonObject;
    this.#fieldRules = parseFieldRules(rules.field_rules, this.#where);
    this.#rowRules = parseRowRules(rules.row_rules, this.#where);
  }

  async open(input: TableSchema): Promise<void> {
    this.#schema = input;
    this.#indexes = this.#fieldRules.map((r) => input.fields.findIndex((f) => f.name === r.field));
  }

  write(rows: Row[]): void {
    this.#count += rows.length;
    for (const row of rows) {
      for (let i = 0; i < this.#fieldRules.length; i++) {
        const rule = this.#fieldRules[i];
        const idx = this.#indexes[i];
        if (!this.#passes(rule, idx, row)) throw assertRuleFailed(this.#rowText(row), rule.text);
      }
    }
  }

  #passes(rule: FieldRule, idx: number, row: Row): boolean {
    if (idx < 0) return false;
    const fieldType = this.#schema.fields[idx].type;
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

  #rowText(row: Row): string {
    return `SeaTunnelRow{tableId=${this.#schema.table}, kind=${ROW_KIND_NAMES[row.kind]}, fields=[${row.values.map(formatValue).join(', ')}]}`;
  }

  async prepareCommit(): Promise<undefined> {
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}

  async close(completed: boolean): Promise<void> {
    if (!completed) return;
    for (const r of this.#rowRules) {
      const ok = r.kind === 'MIN_ROW' ? this.#count >= r.value : this.#count <= r.value;
      if (!ok) throw assertRuleFailed(`num ${this.#count}`, JSON.stringify({ rule_type: r.kind, rule_value: r.value }));
    }
  }
}

export const assertSinkFactory: SinkFactory = { kind: 'sink', name: 'Assert', create: (ctx) => new AssertSink(ctx) };
