// Redis source and sink (node-redis): keys by glob, every data_type, json or text rows, expire, auth, db_num.

import type { JsonValue } from '../../config/hocon.ts';
import { intOption, option, requiredStringOption, stringOption } from '../../config/job-config.ts';
import { parseSchema } from '../../config/schema.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Row, TableSchema, Value } from '../../row.ts';
import type { ConnectorContext, ReadStatus, Sink, SinkFactory, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';
import { formatValue } from '../console/console-sink.ts';
import { loadDriver } from '../driver.ts';
import { decodeLine, encodeRow } from '../localfile/file-format.ts';

type DataType = 'key' | 'string' | 'hash' | 'list' | 'set' | 'zset';
const DATA_TYPES: DataType[] = ['key', 'string', 'hash', 'list', 'set', 'zset'];

interface RedisClient {
  connect(): Promise<unknown>;
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
  destroy?(): void;
  scanIterator(o: { MATCH: string; COUNT: number }): AsyncIterable<string[] | string>;
  get(k: string): Promise<string | null>;
  hGetAll(k: string): Promise<Record<string, string>>;
  lRange(k: string, a: number, b: number): Promise<string[]>;
  sMembers(k: string): Promise<string[]>;
  zRange(k: string, a: number, b: number): Promise<string[]>;
  set(k: string, v: string): Promise<unknown>;
  hSet(k: string, v: Record<string, string>): Promise<unknown>;
  rPush(k: string, v: string[]): Promise<unknown>;
  sAdd(k: string, v: string[]): Promise<unknown>;
  zAdd(k: string, v: { score: number; value: string }[]): Promise<unknown>;
  expire(k: string, s: number): Promise<unknown>;
  on(event: 'error', f: (e: Error) => void): unknown;
}

interface Common {
  where: string;
  dataType: DataType;
  format: 'json' | 'text';
  delimiter: string;
  connect(): Promise<RedisClient>;
}

function common(ctx: ConnectorContext): Common {
  const o = ctx.options;
  const where = ctx.pluginName;
  const host = stringOption(o, 'host') ?? '127.0.0.1';
  const port = intOption(o, 'port', 6379, where);
  const dataType = (stringOption(o, 'data_type') ?? '').toLowerCase() as DataType;
  if (!DATA_TYPES.includes(dataType)) throw optionInvalid(where, `data_type must be one of ${DATA_TYPES.join(', ')}`);
  const mode = (stringOption(o, 'mode') ?? 'single').toLowerCase();
  if (mode !== 'single') throw optionInvalid(where, `mode '${mode}' is not supported (single only)`);
  const format = (stringOption(o, 'format') ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'text') throw optionInvalid(where, `format '${format}' is not supported (json, text)`);
  const user = stringOption(o, 'user');
  const auth = stringOption(o, 'auth');
  const db = intOption(o, 'db_num', 0, where);
  return {
    where,
    dataType,
    format,
    delimiter: stringOption(o, 'field_delimiter') ?? ',',
    async connect() {
      const redis = await loadDriver<{ createClient(o: object): RedisClient }>('redis', where);
      const client = redis.createClient({ socket: { host, port, reconnectStrategy: false }, username: user, password: auth, database: db });
      let lastError: Error | undefined;
      client.on('error', (e) => {
        lastError = e;
      });
      try {
        await client.connect();
      } catch (err) {
        // The driver's message names host and port only; the password never appears in it.
        throw connectorFailed(where, `cannot connect to redis ${host}:${port}: ${(lastError ?? (err as Error)).message}`);
      }
      return client;
    },
  };
}

async function closeClient(c: RedisClient | undefined): Promise<void> {
  if (!c) return;
  if (c.close) await c.close();
  else if (c.quit) await c.quit();
}

class RedisSource implements Source {
  /** One split over a key scan; a restored run reads the keys again (the key set may change meanwhile). */
  readonly resumable = false;
  readonly #c: Common;
  readonly #keys: string;
  readonly #schema: TableSchema;
  readonly #kv: boolean;

  constructor(ctx: ConnectorContext) {
    this.#c = common(ctx);
    const keys = requiredStringOption(ctx.options, 'keys', this.#c.where);
    this.#keys = keys;
    const table = ctx.outputTable ?? 'redis';
    const schema = parseSchema(option(ctx.options, 'schema'), table, this.#c.where);
    if (!schema && this.#c.format === 'json') throw optionInvalid(this.#c.where, "option 'schema' is required for format json");
    this.#schema = schema ?? { table, fields: [{ name: 'content', type: { kind: 'string' } }] };
    this.#kv = (stringOption(ctx.options, 'hash_key_parse_mode') ?? 'all').toLowerCase() === 'kv';
  }

  schema(): TableSchema {
    return this.#schema;
  }

  async splits(): Promise<SourceSplit[]> {
    return [{ id: 'redis-0', offset: { done: false } }];
  }

  #decode(text: string): Value[] {
    if (this.#c.format === 'json') return decodeLine(text, 'json', this.#schema, ',', this.#c.where);
    if (this.#schema.fields.length === 1 && this.#schema.fields[0].name === 'content') return [text];
    return decodeLine(text, 'text', this.#schema, this.#c.delimiter, this.#c.where);
  }

  async reader(): Promise<SourceReader> {
    let client: RedisClient | undefined;
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as { done: boolean };
        if (off.done) return 'end';
        client ??= await this.#c.connect();
        const keys: string[] = [];
        for await (const chunk of client.scanIterator({ MATCH: this.#keys, COUNT: 1000 })) {
          if (Array.isArray(chunk)) keys.push(...chunk);
          else keys.push(chunk);
        }
        keys.sort();
        let rows: Row[] = [];
        const push = (text: string) => {
          rows.push({ kind: 0, values: this.#decode(text) });
        };
        for (const key of keys) {
          switch (this.#c.dataType) {
            case 'key':
            case 'string': {
              const v = await client.get(key);
              if (v !== null) push(v);
              break;
            }
            case 'hash': {
              const h = await client.hGetAll(key);
              if (this.#kv) for (const [f, v] of Object.entries(h)) push(JSON.stringify({ [f]: v }));
              else push(JSON.stringify(h));
              break;
            }
            case 'list':
              for (const v of await client.lRange(key, 0, -1)) push(v);
              break;
            case 'set':
              for (const v of await client.sMembers(key)) push(v);
              break;
            case 'zset':
              for (const v of await client.zRange(key, 0, -1)) push(v);
              break;
          }
          if (rows.length >= 1024) {
            await emit(rows);
            rows = [];
          }
        }
        if (rows.length > 0) await emit(rows);
        off.done = true;
        return 'end';
      },
      close: async () => closeClient(client),
    };
  }

  async close(): Promise<void> {}
}

class RedisSink implements Sink {
  readonly #c: Common;
  readonly #key: string;
  readonly #expire: number;
  readonly #batch: number;
  #schema!: TableSchema;
  #client: RedisClient | undefined;
  #pending: Row[] = [];

  constructor(ctx: ConnectorContext) {
    this.#c = common(ctx);
    const key = requiredStringOption(ctx.options, 'key', this.#c.where);
    this.#key = key;
    this.#expire = intOption(ctx.options, 'expire', -1, this.#c.where);
    this.#batch = Math.max(1, intOption(ctx.options, 'batch_size', 10, this.#c.where));
  }

  async open(input: TableSchema): Promise<void> {
    this.#schema = input;
    this.#client = await this.#c.connect();
  }

  /** `${field}` placeholders in the key take the row's values. */
  #keyOf(values: Value[]): string {
    if (!this.#key.includes('${')) return this.#key;
    return this.#key.replace(/\$\{([^}]+)\}/g, (m, name: string) => {
      const i = this.#schema.fields.findIndex((f) => f.name === name);
      return i < 0 ? m : values[i] === null ? '' : formatValue(values[i]);
    });
  }

  #encode(values: Value[]): string {
    return encodeRow(values, this.#c.format === 'json' ? 'json' : 'text', this.#schema, this.#c.delimiter);
  }

  write(rows: Row[]): void | Promise<void> {
    this.#pending.push(...rows);
    if (this.#pending.length >= this.#batch) return this.#flush();
  }

  async #flush(): Promise<void> {
    const rows = this.#pending;
    if (rows.length === 0) return;
    this.#pending = [];
    const c = this.#client!;
    // Grouped by key so that list order and one EXPIRE per key hold; commands pipeline within a tick.
    const byKey = new Map<string, Row[]>();
    for (const r of rows) {
      const k = this.#keyOf(r.values);
      const list = byKey.get(k);
      if (list) list.push(r);
      else byKey.set(k, [r]);
    }
    const ops: Promise<unknown>[] = [];
    for (const [key, list] of byKey) {
      switch (this.#c.dataType) {
        case 'key':
        case 'string':
          ops.push(c.set(key, this.#encode(list[list.length - 1].values)));
          break;
        case 'hash':
          for (const r of list) {
            const h: Record<string, string> = {};
            this.#schema.fields.forEach((f, i) => {
              if (r.values[i] !== null) h[f.name] = formatValue(r.values[i]);
            });
            ops.push(c.hSet(key, h));
          }
          break;
        case 'list':
          ops.push(c.rPush(key, list.map((r) => this.#encode(r.values))));
          break;
        case 'set':
          ops.push(c.sAdd(key, list.map((r) => this.#encode(r.values))));
          break;
        case 'zset':
          ops.push(c.zAdd(key, list.map((r) => ({ score: 1, value: this.#encode(r.values) }))));
          break;
      }
      if (this.#expire > 0) ops.push(c.expire(key, this.#expire));
    }
    await Promise.all(ops);
  }

  async prepareCommit(): Promise<JsonValue | undefined> {
    await this.#flush();
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {
    this.#pending = [];
  }
  async close(): Promise<void> {
    this.#pending = [];
    const c = this.#client;
    this.#client = undefined;
    await closeClient(c);
  }
}

export const redisSourceFactory: SourceFactory = { kind: 'source', name: 'Redis', create: (ctx) => new RedisSource(ctx) };
export const redisSinkFactory: SinkFactory = { kind: 'sink', name: 'Redis', create: (ctx) => new RedisSink(ctx) };
