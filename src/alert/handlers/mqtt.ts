// mqtt handler: publishes the event's message to a (templated) topic on a configured broker.

import type { MqttClient } from 'mqtt';
import { invalidHandlerOptions } from '../errors.ts';
import type { AlertEvent } from '../event.ts';
import { compileTemplate } from '../../tick/template.ts';
import { templateDuration, templateTime } from '../templates.ts';
import { levelName } from '../level.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optBool, optNumber, optString } from './handler.ts';

/** Kapacitor's alert.TemplateData, which topic templates see. */
export function eventTemplateData(e: AlertEvent): Record<string, unknown> {
  return {
    ID: e.state.id,
    Message: e.state.message,
    Level: levelName(e.state.level),
    Time: templateTime(e.state.time),
    Duration: templateDuration(e.state.duration),
    Details: e.state.details,
    Name: e.data.name,
    TaskName: e.data.taskName,
    Group: e.data.group,
    Tags: e.data.tags,
    Fields: e.data.fields,
  };
}

export function mqttHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const brokerName = optString(options, 'broker-name');
  const brokers = env.config.mqtt;
  const broker =
    brokerName === '' ? (brokers.find((b) => b.default) ?? brokers[0]) : brokers.find((b) => b.name === brokerName);
  if (broker === undefined) {
    throw invalidHandlerOptions(brokerName === '' ? 'mqtt: no broker configured ([[mqtt]])' : `unknown MQTT broker "${brokerName}"`);
  }
  const topic = compileTemplate('topic', optString(options, 'topic'));
  const qos = optNumber(options, 'qos', 0);
  if (qos !== 0 && qos !== 1 && qos !== 2) throw invalidHandlerOptions(`mqtt: invalid qos ${qos}`);
  const retain = optBool(options, 'retained', false);
  let client: Promise<MqttClient> | undefined;
  const connect = (): Promise<MqttClient> => {
    if (client === undefined) {
      // The driver is loaded on first use, so a server without MQTT handlers never loads it.
      client = import('mqtt').then((m) =>
        m.default.connectAsync(broker.url.replace(/^tcp:/, 'mqtt:'), {
          clientId: broker.clientId || undefined,
          username: broker.username || undefined,
          password: broker.password || undefined,
          reconnectPeriod: 1000,
        }),
      );
      client.catch(() => {
        client = undefined;
      });
    }
    return client;
  };
  return {
    kind: 'mqtt',
    async handle(event) {
      const c = await connect();
      await c.publishAsync(topic.render(eventTemplateData(event)), event.state.message, { qos, retain });
    },
    async close() {
      const c = client;
      client = undefined;
      if (c !== undefined) await (await c).endAsync();
    },
  };
}
