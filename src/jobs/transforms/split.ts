// Split transform: splits a string column into new columns (the original is kept; missing parts are null).

import { option, stringOption } from '../config/job-config.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { optionInvalid } from '../errors.ts';
import type { Row, TableSchema, Value } from '../row.ts';

class Split implements Transform {
  readonly #separator: string;
  readonly #field: string;
  readonly #outputs: string[];
  readonly #where: string;
  #index = -1;

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    const sep = stringOption(ctx.options, 'separator');
    const field = stringOption(ctx.options, 'split_field');
    const outputs = option(ctx.options, 'output_fields');
    if (sep === undefined || !field || !Array.isArray(outputs) || outputs.length === 0)
      throw optionInvalid(this.#where, "options 'separator', 'split_field' and 'output_fields' are required");
    this.#separator = sep;
    this.#field = field;
    this.#outputs = outputs.map(String);
  }

  open(input: TableSchema): TableSchema {
    this.#index = input.fields.findIndex((f) => f.name === this.#field);
    if (this.#index < 0) throw optionInvalid(this.#where, `field '${this.#field}' is not in the input`);
    return { ...input, fields: [...input.fields, ...this.#outputs.map((name) => ({ name, type: { kind: 'string' as const }, nullable: true }))] };
  }

  map(rows: Row[]): Row[] {
    const n = this.#outputs.length;
    return rows.map((r) => {
      const v = r.values[this.#index];
      const parts: Value[] = v === null ? [] : String(v).split(this.#separator, n);
      const extra: Value[] = Array.from({ length: n }, (_, i) => parts[i] ?? null);
      return { kind: r.kind, values: [...r.values, ...extra] };
    });
  }
}

export const splitFactory: TransformFactory = { kind: 'transform', name: 'Split', create: (ctx) => new Split(ctx) };
