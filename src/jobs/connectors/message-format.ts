// Rows as message payloads (MQTT, NATS): json objects or delimited text, decoded against a schema, and the sink that publishes them.

import type { JsonObject } from '../config/hocon.ts';
import { option, stringOption } from '../config/job-config.ts';
import { parseSchema } from '../config/schema.ts';
import { optionInvalid } from '../errors.ts';
import type { Row, TableSchema, Value } from '../row.ts';
import type { Sink } from './contract.ts';
import { decodeLine, encodeRow } from './localfile/file-format.ts';

export interface MessageFormat {
  schema: TableSchema;
  decode(payload: string): Value[];
  encode(values: Value[], schema: TableSchema): string;
}

/** `format` json (needs `schema`) or text (one `content` column without a schema, else split by field_delimiter). */
export function messageFormat(options: JsonObject, table: string, where: string): MessageFormat {
  const format = (stringOption(options, 'format') ?? 'json').toLowerCase();
  if (format !== 'json' && format !== 'text') throw optionInvalid(where, `format '${format}' is not supported (json, text)`);
  const delimiter = stringOption(options, 'field_delimiter') ?? ',';
  const declared = parseSchema(option(options, 'schema'), table, where);
  const raw = format === 'text' && !declared;
  const schema = declared ?? { table, fields: [{ name: 'content', type: { kind: 'string' } }] };
  return {
    schema,
    decode: (payload) => (raw ? [payload] : decodeLine(payload, format, schema, delimiter, where)),
    encode: (values, s) => encodeRow(values, format, s, delimiter),
  };
}

/** Publishes in flight (MQTT, NATS): waited for once there are `limit` of them, and at every checkpoint. */
class InflightPublishes {
  #pending: Promise<unknown>[] = [];
  constructor(private readonly limit: number) {}

  add(p: Promise<unknown>): void {
    // Observed now so that a failure before the next drain is not an unhandled rejection; drain still sees it.
    p.catch(() => {});
    this.#pending.push(p);
  }
  /** Resolves when a full window has been acknowledged; undefined (no wait) below the limit. */
  maybeDrain(): Promise<void> | undefined {
    return this.#pending.length >= this.limit ? this.drain() : undefined;
  }
  async drain(): Promise<void> {
    const all = this.#pending;
    this.#pending = [];
    await Promise.all(all);
  }
  /** Lets outstanding publishes finish without failing (abort and close). */
  async settle(): Promise<void> {
    const all = this.#pending;
    this.#pending = [];
    await Promise.allSettled(all);
  }
}

/** How a sink reaches its broker: `C` is the open connection. */
export interface Publisher<C> {
  connect(): Promise<C>;
  publish(connection: C, payload: string): Promise<unknown>;
  disconnect(connection: C): Promise<unknown>;
}

/**
 * A sink that publishes each row as one message: up to `batchSize` publishes stay in flight, and a
 * checkpoint waits until every one has been acknowledged.
 */
export class PublishSink<C> implements Sink {
  readonly #format: MessageFormat;
  readonly #publisher: Publisher<C>;
  readonly #inflight: InflightPublishes;
  #schema!: TableSchema;
  #connection: C | undefined;

  constructor(format: MessageFormat, batchSize: number, publisher: Publisher<C>) {
    this.#format = format;
    this.#publisher = publisher;
    this.#inflight = new InflightPublishes(batchSize);
  }
  async open(input: TableSchema): Promise<void> {
    this.#schema = input;
    this.#connection = await this.#publisher.connect();
  }
  write(rows: Row[]): void | Promise<void> {
    for (const r of rows) this.#inflight.add(this.#publisher.publish(this.#connection!, this.#format.encode(r.values, this.#schema)));
    return this.#inflight.maybeDrain();
  }
  async prepareCommit(): Promise<undefined> {
    await this.#inflight.drain();
    return undefined;
  }
  async commit(): Promise<void> {}
  async abort(): Promise<void> {
    await this.#inflight.settle();
  }
  async close(): Promise<void> {
    await this.abort();
    if (this.#connection !== undefined) await this.#publisher.disconnect(this.#connection);
    this.#connection = undefined;
  }
}
