// MQTT sink and source against the local Mosquitto: contract cases and a streaming job end to end.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import { SqliteMetaStore } from '../../../meta/sqlite-meta-store.ts';
import { builtinRegistry } from '../../builtins.ts';
import type { JsonObject } from '../../config/hocon.ts';
import { parseSchema } from '../../config/schema.ts';
import { JobService } from '../../job-service.ts';
import { metricsJson } from '../../metrics.ts';
import type { Row, Value } from '../../row.ts';
import { sinkConformance } from '../contract.cases.ts';
import { mqttSinkFactory } from './mqtt.ts';

const URL = 'tcp://127.0.0.1:1883';
const p = `st/${process.pid}/${Date.now() % 100000}`;
let client: MqttClient;
let received: string[] = [];
before(async () => {
  client = await connectAsync(URL);
  client.on('message', (_t, payload) => received.push(payload.toString()));
  await client.subscribeAsync(`${p}/out`, { qos: 1 });
});
after(async () => {
  await client.endAsync();
});
const ctx = (options: JsonObject) => ({ jobId: '12', mode: 'STREAMING' as const, pluginName: 'Mqtt', options, services: {}, log: () => {} });
const schema = parseSchema({ fields: { id: 'bigint', name: 'string' } }, 't', 'x')!;

/** Waits until no new message arrived for a while (deliveries trail the publishers' acks). */
async function settled(): Promise<string[]> {
  let last = -1;
  for (let i = 0; i < 100 && last !== received.length; i++) {
    last = received.length;
    await new Promise((r) => setTimeout(r, 60));
  }
  return received;
}

const rows: Row[] = Array.from({ length: 25 }, (_, i) => ({ kind: 0, values: [BigInt(i), `m${i}`] as Value[] }));
sinkConformance('MQTT sink (json, qos 1)', {
  make: () => mqttSinkFactory.create(ctx({ url: URL, topic: `${p}/out`, qos: 1 })),
  schema,
  rows,
  transactional: false,
  readBack: async () => (await settled()).map((s) => {
    const o = JSON.parse(s);
    return [BigInt(o.id), o.name];
  }),
  reset: async () => {
    await settled();
    received = [];
  },
});

test('MQTT source → MQTT sink as a streaming job (text payloads split by a delimiter)', async () => {
  received = [];
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const { jobId } = await jobs.submit({
    env: { 'job.mode': 'STREAMING' },
    source: [{ plugin_name: 'Mqtt', url: URL, topic: `${p}/in`, format: 'text', field_delimiter: ';', schema: { fields: { id: 'bigint', name: 'string' } } }],
    sink: [{ plugin_name: 'Mqtt', url: URL, topic: `${p}/out`, format: 'json', batch_size: 1 }],
  });
  const count = () => Number(metricsJson(jobs.get(jobId)!.metrics).SourceReceivedCount);
  // The source subscribes once it runs: probe until the first message gets through.
  let probes = 0;
  for (let i = 0; i < 200 && count() === 0; i++) {
    await client.publishAsync(`${p}/in`, `-1;probe`, { qos: 1 });
    probes++;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 100));
  const before = count();
  for (let i = 0; i < 30; i++) await client.publishAsync(`${p}/in`, `${i};name ${i}`, { qos: 1 });
  for (let i = 0; i < 200 && count() < before + 30; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(count(), before + 30);
  const out = (await settled()).map((s) => JSON.parse(s)).filter((o) => o.id >= 0);
  assert.deepEqual(out.map((o) => o.id), Array.from({ length: 30 }, (_, i) => i));
  assert.equal(out[3].name, 'name 3');
  assert.ok(probes >= 1);
  await jobs.stop(jobId, false);
  assert.equal((await jobs.waitFor(jobId))?.status, 'CANCELED');
});
