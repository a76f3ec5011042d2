// Console sink: prints each row with its table and kind, as SeaTunnel's Console does.

import { boolOption, intOption } from '../../config/job-config.ts';
import { ROW_KIND_NAMES, type Row, type TableSchema, type Value } from '../../row.ts';
import type { ConnectorContext, Sink, SinkFactory } from '../contract.ts';

/** Where Console writes; the composition root passes stdout, the benchmark a discarding writer. */
export type ConsoleOut = (text: string) => void;

export function formatValue(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return `${v}`;
  if (v === null) return 'null';
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `[${Array.from(v).join(', ')}]`;
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Array.from(x) : x));
}

class ConsoleSink implements Sink {
  readonly #print: boolean;
  readonly #delay: number;
  readonly #out: ConsoleOut;
  #table = '';
  #count = 0;

  constructor(ctx: ConnectorContext) {
    this.#print = boolOption(ctx.options, 'log.print.data', true);
    this.#delay = intOption(ctx.options, 'log.print.delay.ms', 0, ctx.pluginName);
    this.#out = (ctx.services.consoleOut as ConsoleOut | undefined) ?? ((t) => process.stdout.write(t));
  }

  async open(input: TableSchema): Promise<void> {
    this.#table = input.table;
  }

  write(rows: Row[]): void | Promise<void> {
    if (this.#delay > 0) return this.#slow(rows);
    if (!this.#print) {
      this.#count += rows.length;
      return;
    }
    let text = '';
    for (const row of rows) text += this.#line(row);
    this.#out(text);
  }

  #line(row: Row): string {
    let vals = '';
    for (let i = 0; i < row.values.length; i++) vals += (i === 0 ? '' : ', ') + formatValue(row.values[i]);
    return `subtaskIndex=0 rowIndex=${++this.#count}: SeaTunnelRow#tableId=${this.#table} SeaTunnelRow#kind=${ROW_KIND_NAMES[row.kind]} : ${vals}\n`;
  }

  async #slow(rows: Row[]): Promise<void> {
    for (const row of rows) {
      await new Promise((r) => setTimeout(r, this.#delay));
      if (this.#print) this.#out(this.#line(row));
      else this.#count++;
    }
  }

  async prepareCommit(): Promise<undefined> {
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
  async close(): Promise<void> {}
}

export const consoleSinkFactory: SinkFactory = { kind: 'sink', name: 'Console', create: (ctx) => new ConsoleSink(ctx) };
