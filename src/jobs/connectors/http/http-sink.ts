// Http sink: POSTs one JSON object per row (SeaTunnel's behaviour), with headers, retries and a timeout.

import type { JsonValue } from '../../config/hocon.ts';
import { intOption, option, requiredStringOption } from '../../config/job-config.ts';
import { connectorFailed } from '../../errors.ts';
import type { Row, TableSchema } from '../../row.ts';
import type { ConnectorContext, Sink, SinkFactory } from '../contract.ts';
import { encodeRow } from '../localfile/file-format.ts';

/** Requests in flight at once; rows of one batch may arrive out of order, as with parallel writers. */
const CONCURRENCY = 8;

class HttpSink implements Sink {
  readonly #where: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #retries: number;
  readonly #backoff: number;
  readonly #maxBackoff: number;
  readonly #timeout: number;
  #schema!: TableSchema;

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    this.#where = ctx.pluginName;
    const url = requiredStringOption(o, 'url', this.#where);
    this.#url = url;
    const h = option(o, 'headers');
    this.#headers = { 'content-type': 'application/json' };
    if (h && typeof h === 'object' && !Array.isArray(h)) for (const [k, v] of Object.entries(h)) this.#headers[k] = String(v);
    this.#retries = intOption(o, 'retry', 0, this.#where);
    this.#backoff = intOption(o, 'retry_backoff_multiplier_ms', 100, this.#where);
    this.#maxBackoff = intOption(o, 'retry_backoff_max_ms', 10000, this.#where);
    this.#timeout = intOption(o, 'socket_timeout_ms', 60000, this.#where);
  }

  async open(input: TableSchema): Promise<void> {
    this.#schema = input;
  }

  async #post(body: string): Promise<void> {
    let last = '';
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      try {
        const res = await fetch(this.#url, { method: 'POST', headers: this.#headers, body, signal: AbortSignal.timeout(this.#timeout) });
        await res.arrayBuffer();
        if (res.ok) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (attempt < this.#retries) await new Promise((r) => setTimeout(r, Math.min(this.#maxBackoff, this.#backoff * 2 ** attempt)));
    }
    const u = new URL(this.#url);
    throw connectorFailed(this.#where, `POST ${u.origin}${u.pathname} failed: ${last}`);
  }

  async write(rows: Row[]): Promise<void> {
    const bodies = rows.map((r) => encodeRow(r.values, 'json', this.#schema, ','));
    for (let i = 0; i < bodies.length; i += CONCURRENCY) await Promise.all(bodies.slice(i, i + CONCURRENCY).map((b) => this.#post(b)));
  }

  async prepareCommit(): Promise<JsonValue | undefined> {
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
  async close(): Promise<void> {}
}

export const httpSinkFactory: SinkFactory = { kind: 'sink', name: 'Http', create: (ctx) => new HttpSink(ctx) };
