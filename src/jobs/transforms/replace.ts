// Replace transform: string replacement (plain or regex, first or all) in one field.

import { boolOption, stringOption } from '../config/job-config.ts';
import type { ConnectorContext, Transform, TransformFactory } from '../connectors/contract.ts';
import { optionInvalid } from '../errors.ts';
import type { Row, TableSchema } from '../row.ts';

class Replace implements Transform {
  readonly #field: string;
  readonly #apply: (s: string) => string;
  readonly #where: string;
  #index = -1;

  constructor(ctx: ConnectorContext) {
    this.#where = ctx.pluginName;
    const field = stringOption(ctx.options, 'replace_field');
    const pattern = stringOption(ctx.options, 'pattern');
    const replacement = stringOption(ctx.options, 'replacement') ?? '';
    if (!field || pattern === undefined) throw optionInvalid(this.#where, "options 'replace_field' and 'pattern' are required");
    this.#field = field;
    const regex = boolOption(ctx.options, 'is_regex', false);
    const first = boolOption(ctx.options, 'replace_first', false);
    if (regex) {
      const re = new RegExp(pattern, first ? 'u' : 'gu');
      // Java's $1 group references read the same in JS replacement strings.
      this.#apply = (s) => s.replace(re, replacement);
    } else this.#apply = first ? (s) => s.replace(pattern, () => replacement) : (s) => s.replaceAll(pattern, () => replacement);
  }

  open(input: TableSchema): TableSchema {
    this.#index = input.fields.findIndex((f) => f.name === this.#field);
    if (this.#index < 0) throw optionInvalid(this.#where, `field '${this.#field}' is not in the input`);
    if (input.fields[this.#index].type.kind !== 'string') throw optionInvalid(this.#where, `field '${this.#field}' is not a string`);
    return input;
  }

  map(rows: Row[]): Row[] {
    const i = this.#index;
    return rows.map((r) => {
      const v = r.values[i];
      if (typeof v !== 'string') return r;
      const values = r.values.slice();
      values[i] = this.#apply(v);
      return { kind: r.kind, values };
    });
  }
}

export const replaceFactory: TransformFactory = { kind: 'transform', name: 'Replace', create: (ctx) => new Replace(ctx) };
