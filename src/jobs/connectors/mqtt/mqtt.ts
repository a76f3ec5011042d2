// MQTT source and sink (mqtt.js; the option names of SeaTunnel 3.x's connector): url, topic, qos, json or text.

import { boolOption, intOption, stringOption } from '../../config/job-config.ts';
import { connectorFailed, optionInvalid } from '../../errors.ts';
import type { Row, TableSchema } from '../../row.ts';
import type { ConnectorContext, ReadStatus, Sink, SinkFactory, Source, SourceFactory, SourceReader, SourceSplit } from '../contract.ts';
import { loadDriver } from '../driver.ts';
import { type MessageFormat, messageFormat, PublishSink } from '../message-format.ts';

interface MqttClient {
  subscribeAsync(topic: string, o: { qos: 0 | 1 | 2 }): Promise<unknown>;
  publishAsync(topic: string, payload: string, o: { qos: 0 | 1 | 2 }): Promise<unknown>;
  on(event: 'message', f: (topic: string, payload: Buffer) => void): unknown;
  endAsync(force?: boolean): Promise<void>;
}

interface Settings {
  where: string;
  url: string;
  topic: string;
  qos: 0 | 1 | 2;
  connect(): Promise<MqttClient>;
}

function settings(ctx: ConnectorContext, defaultClientId: string): Settings {
  const o = ctx.options;
  const where = ctx.pluginName;
  const url = stringOption(o, 'url');
  const topic = stringOption(o, 'topic');
  if (!url || !topic) throw optionInvalid(where, "options 'url' and 'topic' are required");
  const qos = intOption(o, 'qos', 1, where);
  if (qos !== 0 && qos !== 1 && qos !== 2) throw optionInvalid(where, 'qos must be 0, 1 or 2');
  const username = stringOption(o, 'username');
  const password = stringOption(o, 'password');
  const clientId = stringOption(o, 'client_id') ?? defaultClientId;
  const clean = boolOption(o, 'clean_session', true);
  const timeout = intOption(o, 'connection_timeout', 30, where);
  return {
    where,
    url,
    topic,
    qos,
    async connect() {
      const mqtt = await loadDriver<{ connectAsync(url: string, o: object): Promise<MqttClient> }>('mqtt', where);
      try {
        return await mqtt.connectAsync(url, { username, password, clientId, clean, connectTimeout: timeout * 1000, reconnectPeriod: 0 });
      } catch (err) {
        throw connectorFailed(where, `cannot connect to ${url}: ${(err as Error).message}`);
      }
    },
  };
}

class MqttSource implements Source {
  /** MQTT has no replayable offsets; a persistent session (clean_session = false) keeps QoS 1/2 messages. */
  readonly resumable = false;
  readonly #s: Settings;
  readonly #format: MessageFormat;

  constructor(ctx: ConnectorContext) {
    this.#s = settings(ctx, `inductor-src-${ctx.jobId}`);
    this.#format = messageFormat(ctx.options, ctx.outputTable ?? 'mqtt', this.#s.where);
  }
  schema(): TableSchema {
    return this.#format.schema;
  }
  async splits(): Promise<SourceSplit[]> {
    return [{ id: 'mqtt-0', offset: null }];
  }
  async reader(): Promise<SourceReader> {
    let client: MqttClient | undefined;
    let buffer: Row[] = [];
    let failure: Error | undefined;
    return {
      read: async (_split, emit): Promise<ReadStatus> => {
        if (!client) {
          client = await this.#s.connect();
          client.on('message', (_t, payload) => {
            try {
              buffer.push({ kind: 0, values: this.#format.decode(payload.toString('utf8')) });
            } catch (err) {
              failure ??= err as Error;
            }
          });
          await client.subscribeAsync(this.#s.topic, { qos: this.#s.qos });
        }
        if (failure) throw failure;
        if (buffer.length === 0) return 'idle';
        const rows = buffer;
        buffer = [];
        await emit(rows);
        return 'more';
      },
      close: async () => {
        await client?.endAsync();
      },
    };
  }
  async close(): Promise<void> {}
}

function mqttSink(ctx: ConnectorContext): Sink {
  const s = settings(ctx, `inductor-sink-${ctx.jobId}`);
  const format = messageFormat(ctx.options, 'mqtt', s.where);
  const batchSize = Math.max(1, intOption(ctx.options, 'batch_size', 100, s.where));
  return new PublishSink<MqttClient>(format, batchSize, {
    connect: () => s.connect(),
    publish: (client, payload) => client.publishAsync(s.topic, payload, { qos: s.qos }),
    disconnect: (client) => client.endAsync(),
  });
}

export const mqttSourceFactory: SourceFactory = { kind: 'source', name: 'Mqtt', create: (ctx) => new MqttSource(ctx) };
export const mqttSinkFactory: SinkFactory = { kind: 'sink', name: 'Mqtt', create: mqttSink };
