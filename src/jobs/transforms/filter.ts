// Filter transform: a column filter (include_fields or exclude_fields), not a row filter.

import type { JsonValue } from '../config/hocon.ts';
import { option } from '../config/job-config.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { optionInvalid } from '../errors.ts';
import type { Row, TableSchema } from '../row.ts';

function list(v: JsonValue | undefined): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map(String) : String(v).split(',').map((s) => s.trim());
}

class Filter implements Transform {
  readonly #include: string[] | undefined;
  readonly #exclude: string[] | undefined;
  readonly #where: string;
  #indexes: number[] = [];

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    this.#include = list(option(ctx.options, 'include_fields') ?? option(ctx.options, 'fields'));
    this.#exclude = list(option(ctx.options, 'exclude_fields'));
    if ((this.#include === undefined) === (this.#exclude === undefined))
      throw optionInvalid(this.#where, "exactly one of 'include_fields' and 'exclude_fields' must be given");
  }

  open(input: TableSchema): TableSchema {
    const names = input.fields.map((f) => f.name);
    for (const n of this.#include ?? this.#exclude ?? []) if (!names.includes(n)) throw optionInvalid(this.#where, `field '${n}' is not in the input`);
    this.#indexes = this.#include
      ? this.#include.map((n) => names.indexOf(n))
      : names.map((n, i) => (this.#exclude!.includes(n) ? -1 : i)).filter((i) => i >= 0);
    return { table: input.table, fields: this.#indexes.map((i) => input.fields[i]), primaryKey: input.primaryKey };
  }

  map(rows: Row[]): Row[] {
    const idx = this.#indexes;
    return rows.map((r) => ({ kind: r.kind, values: idx.map((i) => r.values[i]) }));
  }
}

export const filterFactory: TransformFactory = { kind: 'transform', name: 'Filter', create: (ctx) => new Filter(ctx) };
