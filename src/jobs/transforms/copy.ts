// Copy transform: appends copies of columns under new names.

import { option } from '../config/job-config.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { optionInvalid } from '../errors.ts';
import type { Row, TableSchema } from '../row.ts';

class Copy implements Transform {
  readonly #pairs: [string, string][];
  readonly #where: string;
  #sources: number[] = [];

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    const fields = option(ctx.options, 'fields');
    if (fields && typeof fields === 'object' && !Array.isArray(fields)) this.#pairs = Object.entries(fields).map(([dst, src]) => [dst, String(src)]);
    else {
      // The older form: src_field + dest_field.
      const src = option(ctx.options, 'src_field');
      const dst = option(ctx.options, 'dest_field');
      if (typeof src !== 'string' || typeof dst !== 'string') throw optionInvalid(this.#where, "option 'fields' must map new fields to source fields");
      this.#pairs = [[dst, src]];
    }
  }

  open(input: TableSchema): TableSchema {
    const names = input.fields.map((f) => f.name);
    this.#sources = this.#pairs.map(([dst, src]) => {
      if (names.includes(dst)) throw optionInvalid(this.#where, `field '${dst}' already exists`);
      const i = names.indexOf(src);
      if (i < 0) throw optionInvalid(this.#where, `field '${src}' is not in the input`);
      return i;
    });
    return { ...input, fields: [...input.fields, ...this.#pairs.map(([dst], k) => ({ ...input.fields[this.#sources[k]], name: dst }))] };
  }

  map(rows: Row[]): Row[] {
    const src = this.#sources;
    return rows.map((r) => ({ kind: r.kind, values: [...r.values, ...src.map((i) => r.values[i])] }));
  }
}

export const copyFactory: TransformFactory = { kind: 'transform', name: 'Copy', create: (ctx) => new Copy(ctx) };
