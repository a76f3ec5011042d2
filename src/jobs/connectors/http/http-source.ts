// Http source: GET/POST a URL, rows from text or JSON (content_json + json_field JSONPaths); polls in STREAMING mode.

import type { JsonObject, JsonValue } from '../../config/hocon.ts';
import { intOption, option, requiredStringOption, stringOption } from '../../config/job-config.ts';
import { coerce, parseSchema } from '../../config/schema.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Row, TableSchema, Value } from '../../row.ts';
import { evalJsonPath, parseJsonPath } from '../../transforms/json-path.ts';
import type { ConnectorContext, ReadStatus, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';

function stringMap(v: JsonValue | undefined): Record<string, string> {
  if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
}

class HttpSource implements Source {
  /** A response can change between requests, so there is no offset to resume from. */
  readonly resumable = false;
  readonly #where: string;
  readonly #url: string;
  readonly #method: string;
  readonly #headers: Record<string, string>;
  readonly #params: Record<string, string>;
  readonly #body: string | undefined;
  readonly #json: boolean;
  readonly #schema: TableSchema;
  readonly #contentPath: ReturnType<typeof parseJsonPath> | undefined;
  readonly #fieldPaths: ReturnType<typeof parseJsonPath>[] | undefined;
  readonly #poll: number;
  readonly #streaming: boolean;
  readonly #retries: number;
  readonly #timeout: number;

  constructor(ctx: ConnectorContext) {
    const o = ctx.options;
    this.#where = ctx.pluginName;
    const url = requiredStringOption(o, 'url', this.#where);
    this.#url = url;
    this.#method = (stringOption(o, 'method') ?? 'GET').toUpperCase();
    if (this.#method !== 'GET' && this.#method !== 'POST') throw optionInvalid(this.#where, 'method must be GET or POST');
    this.#headers = stringMap(option(o, 'headers'));
    this.#params = stringMap(option(o, 'params'));
    this.#body = stringOption(o, 'body');
    this.#json = (stringOption(o, 'format') ?? 'text').toLowerCase() === 'json';
    const table = ctx.outputTable ?? 'http';
    const schema = parseSchema(option(o, 'schema'), table, this.#where);
    if (this.#json && !schema) throw optionInvalid(this.#where, "option 'schema' is required for format json");
    this.#schema = this.#json ? schema! : { table, fields: [{ name: 'content', type: { kind: 'string' } }] };
    const content = stringOption(o, 'content_json');
    this.#contentPath = content ? parseJsonPath(content, this.#where) : undefined;
    const jf = option(o, 'json_field');
    if (jf !== undefined && jf !== null) {
      const map = stringMap(jf);
      this.#fieldPaths = this.#schema.fields.map((f) => {
        if (!map[f.name]) throw optionInvalid(this.#where, `json_field has no path for '${f.name}'`);
        return parseJsonPath(map[f.name], this.#where);
      });
    }
    this.#poll = intOption(o, 'poll_interval_millis', 0, this.#where);
    this.#streaming = ctx.mode === 'STREAMING';
    this.#retries = intOption(o, 'retry', 0, this.#where);
    this.#timeout = intOption(o, 'socket_timeout_ms', 60000, this.#where);
  }

  schema(): TableSchema {
    return this.#schema;
  }

  async splits(): Promise<SourceSplit[]> {
    return [{ id: 'http-0', offset: { requests: 0, nextAt: 0 } }];
  }

  async #fetch(): Promise<string> {
    const url = new URL(this.#url);
    for (const [k, v] of Object.entries(this.#params)) url.searchParams.set(k, v);
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      try {
        const res = await fetch(url, { method: this.#method, headers: this.#headers, body: this.#method === 'POST' ? this.#body : undefined, signal: AbortSignal.timeout(this.#timeout) });
        const text = await res.text();
        if (!res.ok) throw new Error(`HTTP ${res.status} from ${url.origin}${url.pathname}`);
        return text;
      } catch (err) {
        lastError = err;
        if (attempt < this.#retries) await new Promise((r) => setTimeout(r, Math.min(10_000, 100 * 2 ** attempt)));
      }
    }
    throw connectorFailed(this.#where, (lastError as Error).message);
  }

  #rows(text: string): Row[] {
    if (!this.#json) return text.split(/\r?\n/).filter((l) => l !== '').map((l) => ({ kind: 0, values: [l] }));
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw connectorFailed(this.#where, 'the response is not JSON');
    }
    let items = this.#contentPath ? evalJsonPath(doc, this.#contentPath) : doc;
    if (!Array.isArray(items)) items = items === undefined ? [] : [items];
    return (items as unknown[]).map((item) => {
      const values: Value[] = this.#schema.fields.map((f, i) => {
        const raw = this.#fieldPaths ? evalJsonPath(item, this.#fieldPaths[i]) : item !== null && typeof item === 'object' ? (item as JsonObject)[f.name] : undefined;
        return coerce(raw === undefined ? null : raw, f.type, this.#where);
      });
      return { kind: 0, values };
    });
  }

  async reader(): Promise<SourceReader> {
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as { requests: number; nextAt: number };
        const once = !this.#streaming || this.#poll <= 0;
        if (once && off.requests > 0) return this.#streaming ? 'idle' : 'end';
        if (!once && Date.now() < off.nextAt) return 'idle';
        const rows = this.#rows(await this.#fetch());
        if (rows.length > 0) await emit(rows);
        off.requests++;
        off.nextAt = Date.now() + this.#poll;
        if (once) return this.#streaming ? 'idle' : 'end';
        return 'more';
      },
      async close() {},
    };
  }

  async close(): Promise<void> {}
}

export const httpSourceFactory: SourceFactory = { kind: 'source', name: 'Http', create: (ctx) => new HttpSource(ctx) };
