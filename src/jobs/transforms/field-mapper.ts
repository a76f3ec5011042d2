// FieldMapper transform: keeps only the listed fields, in the listed order, renamed.

import { option } from '../config/job-config.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { optionInvalid } from '../errors.ts';
import type { Row, TableSchema } from '../row.ts';

class FieldMapper implements Transform {
  readonly #mapping: [string, string][];
  readonly #where: string;
  #indexes: number[] = [];

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    const m = option(ctx.options, 'field_mapper');
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw optionInvalid(this.#where, "option 'field_mapper' must be an object");
    this.#mapping = Object.entries(m).map(([src, dst]) => [src, String(dst)]);
  }

  open(input: TableSchema): TableSchema {
    this.#indexes = this.#mapping.map(([src]) => {
      const i = input.fields.findIndex((f) => f.name === src);
      if (i < 0) throw optionInvalid(this.#where, `field '${src}' is not in the input`);
      return i;
    });
    return { table: input.table, fields: this.#mapping.map(([, dst], k) => ({ ...input.fields[this.#indexes[k]], name: dst })) };
  }

  map(rows: Row[]): Row[] {
    const idx = this.#indexes;
    return rows.map((r) => ({ kind: r.kind, values: idx.map((i) => r.values[i]) }));
  }
}

export const fieldMapperFactory: TransformFactory = { kind: 'transform', name: 'FieldMapper', create: (ctx) => new FieldMapper(ctx) };
