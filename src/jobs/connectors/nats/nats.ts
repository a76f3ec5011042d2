// NATS JetStream source and sink: the source resumes exactly after the last stream sequence it checkpointed.

import { intOption, requiredStringOption, stringOption } from '../../config/job-config.ts';
import { connectorFailed } from '../../errors.ts';
import type { Row, TableSchema } from '../../row.ts';
import type { ConnectorContext, ReadStatus, Sink, SinkFactory, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';
import { loadDriver } from '../driver.ts';
import { type MessageFormat, messageFormat, PublishSink } from '../message-format.ts';

interface NatsConnection {
  drain(): Promise<void>;
}
interface JsMsg {
  seq: number;
  data: Uint8Array;
}
interface Consumer {
  fetch(o: { max_messages: number; expires: number }): Promise<AsyncIterable<JsMsg>>;
  info(cached?: boolean): Promise<{ num_pending: number }>;
}
interface JetStream {
  consumers: { get(stream: string, o: object): Promise<Consumer> };
  publish(subject: string, data: string): Promise<unknown>;
}

interface Settings {
  where: string;
  servers: string[];
  connect(): Promise<{ nc: NatsConnection; js: JetStream }>;
}

function settings(ctx: ConnectorContext): Settings {
  const o = ctx.options;
  const where = ctx.pluginName;
  const url = stringOption(o, 'url') ?? stringOption(o, 'servers') ?? 'nats://127.0.0.1:4222';
  const servers = url.split(',').map((s) => s.trim());
  const user = stringOption(o, 'username');
  const pass = stringOption(o, 'password');
  const token = stringOption(o, 'token');
  return {
    where,
    servers,
    async connect() {
      const transport = await loadDriver<{ connect(o: object): Promise<NatsConnection> }>('@nats-io/transport-node', where);
      const jsm = await loadDriver<{ jetstream(nc: NatsConnection): JetStream }>('@nats-io/jetstream', where);
      let nc: NatsConnection;
      try {
        nc = await transport.connect({ servers, user, pass, token, reconnect: false });
      } catch (err) {
        throw connectorFailed(where, `cannot connect to ${servers.join(',')}: ${(err as Error).message}`);
      }
      return { nc, js: jsm.jetstream(nc) };
    },
  };
}

class NatsSource implements Source {
  readonly resumable = true;
  readonly #s: Settings;
  readonly #format: MessageFormat;
  readonly #stream: string;
  readonly #subject: string | undefined;
  readonly #bounded: boolean;
  readonly #fetch: number;

  constructor(ctx: ConnectorContext) {
    this.#s = settings(ctx);
    const stream = requiredStringOption(ctx.options, 'stream', this.#s.where);
    this.#stream = stream;
    this.#subject = stringOption(ctx.options, 'subject');
    this.#format = messageFormat(ctx.options, ctx.outputTable ?? stream, this.#s.where);
    // In BATCH mode the source ends once it has caught up with the stream.
    this.#bounded = ctx.mode === 'BATCH';
    this.#fetch = Math.max(1, intOption(ctx.options, 'batch_size', 500, this.#s.where));
  }
  schema(): TableSchema {
    return this.#format.schema;
  }
  async splits(): Promise<SourceSplit[]> {
    return [{ id: `nats-${this.#stream}`, offset: { seq: 0 } }];
  }
  async reader(): Promise<SourceReader> {
    let conn: { nc: NatsConnection; js: JetStream } | undefined;
    let consumer: Consumer | undefined;
    return {
      read: async (split, emit): Promise<ReadStatus> => {
        const off = split.offset as { seq: number };
        conn ??= await this.#s.connect();
        // An ordered consumer starting right after the checkpointed sequence: nothing lost, nothing twice.
        if (!consumer) {
          const opts: Record<string, unknown> = off.seq > 0 ? { deliver_policy: 'by_start_sequence', opt_start_seq: off.seq + 1 } : { deliver_policy: 'all' };
          // A single subject as a string keeps servers before 2.10 (no filter_subjects) working.
          if (this.#subject) opts.filter_subjects = this.#subject;
          consumer = await conn.js.consumers.get(this.#stream, opts);
        }
        // Ask for exactly what is pending, so a fetch never waits out its expiry for more.
        const pending = (await consumer.info(false)).num_pending;
        if (pending === 0) return this.#bounded ? 'end' : 'idle';
        const rows: Row[] = [];
        let last = off.seq;
        const want = Math.min(this.#fetch, pending);
        for await (const m of await consumer.fetch({ max_messages: want, expires: 5000 })) {
          rows.push({ kind: 0, values: this.#format.decode(new TextDecoder().decode(m.data)) });
          last = m.seq;
          if (rows.length >= want) break;
        }
        if (rows.length > 0) await emit(rows);
        off.seq = last;
        return 'more';
      },
      close: async () => {
        await conn?.nc.drain();
      },
    };
  }
  async close(): Promise<void> {}
}

function natsSink(ctx: ConnectorContext): Sink {
  const s = settings(ctx);
  const subject = requiredStringOption(ctx.options, 'subject', s.where);
  const format = messageFormat(ctx.options, 'nats', s.where);
  const batchSize = Math.max(1, intOption(ctx.options, 'batch_size', 500, s.where));
  return new PublishSink(format, batchSize, {
    connect: () => s.connect(),
    // Each publish waits for the stream's ack, so a committed checkpoint means stored messages.
    publish: (conn, payload) => conn.js.publish(subject, payload),
    disconnect: (conn) => conn.nc.drain(),
  });
}

export const natsSourceFactory: SourceFactory = { kind: 'source', name: 'Nats', create: (ctx) => new NatsSource(ctx) };
export const natsSinkFactory: SinkFactory = { kind: 'sink', name: 'Nats', create: natsSink };
