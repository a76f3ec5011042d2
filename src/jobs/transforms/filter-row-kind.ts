// FilterRowKind transform: drops rows by change kind (INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE).

import { option } from '../config/job-config.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { optionInvalid } from '../errors.ts';
import { parseRowKind, type Row, type TableSchema } from '../row.ts';

class FilterRowKind implements Transform {
  readonly #keep: boolean[];

  constructor(ctx: ConnectorContext) {
    const include = option(ctx.options, 'include_kinds');
    const exclude = option(ctx.options, 'exclude_kinds');
    if ((include === undefined) === (exclude === undefined)) throw optionInvalid(ctx.pluginName, "exactly one of 'include_kinds' and 'exclude_kinds' must be given");
    const given = (Array.isArray(include ?? exclude) ? (include ?? exclude) : [include ?? exclude]) as unknown[];
    const kinds = given.map((k) => {
      const kind = parseRowKind(String(k));
      if (kind === undefined) throw optionInvalid(ctx.pluginName, `unknown row kind '${String(k)}'`);
      return kind;
    });
    this.#keep = [0, 1, 2, 3].map((k) => (include !== undefined ? kinds.includes(k as never) : !kinds.includes(k as never)));
  }

  open(input: TableSchema): TableSchema {
    return input;
  }

  map(rows: Row[]): Row[] {
    return rows.filter((r) => this.#keep[r.kind]);
  }
}

export const filterRowKindFactory: TransformFactory = { kind: 'transform', name: 'FilterRowKind', create: (ctx) => new FilterRowKind(ctx) };
