// NATS JetStream source and sink against the local server: contract cases, subject filters, savepoint resume.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SqliteMetaStore } from '../../../meta/sqlite-meta-store.ts';
import { builtinRegistry } from '../../builtins.ts';
import type { JsonObject } from '../../config/hocon.ts';
import { parseSchema } from '../../config/schema.ts';
import { JobService } from '../../job-service.ts';
import type { Row, Value } from '../../row.ts';
import { sinkConformance, sourceConformance } from '../contract.cases.ts';
import { natsSinkFactory, natsSourceFactory } from './nats.ts';

const p = `st${process.pid}x${Date.now() % 100000}`;
const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
const jsm = await jetstreamManager(nc);
const ctx = (options: JsonObject, mode: 'BATCH' | 'STREAMING' = 'BATCH') => ({ jobId: '11', mode, pluginName: 'Nats', options, services: {}, log: () => {} });
const schemaOpt = { fields: { id: 'bigint', name: 'string' } };
const schema = parseSchema(schemaOpt, 't', 'x')!;

before(async () => {
  await jsm.streams.add({ name: `${p}_src`, subjects: [`${p}.src.>`] });
  await jsm.streams.add({ name: `${p}_out`, subjects: [`${p}.out`] });
  const js = jsm.jetstream();
  for (let i = 0; i < 1200; i++) await js.publish(`${p}.src.${i % 2 ? 'odd' : 'even'}`, JSON.stringify({ id: i, name: `n${i}` }));
});
after(async () => {
  for (const s of ['src', 'out', 'job']) await jsm.streams.delete(`${p}_${s}`).catch(() => {});
  await nc.drain();
});

sourceConformance('NATS JetStream source (batch catches up)', {
  make: () => natsSourceFactory.create(ctx({ stream: `${p}_src`, format: 'json', schema: schemaOpt, batch_size: 500 })),
  expectedRows: 1200,
});

async function readOut(stream: string): Promise<Value[][]> {
  const info = await jsm.streams.info(stream).catch(() => undefined);
  if (!info || info.state.messages === 0) return [];
  const consumer = await jsm.jetstream().consumers.get(stream);
  const out: Value[][] = [];
  for await (const m of await consumer.fetch({ max_messages: info.state.messages, expires: 2000 })) {
    const o = m.json<{ id: number; name: string }>();
    out.push([BigInt(o.id), o.name]);
    if (out.length >= info.state.messages) break;
  }
  return out;
}

const rows: Row[] = Array.from({ length: 40 }, (_, i) => ({ kind: 0, values: [BigInt(i), `r${i}`] as Value[] }));
sinkConformance('NATS JetStream sink', {
  make: () => natsSinkFactory.create(ctx({ subject: `${p}.out`, format: 'json' })),
  schema,
  rows,
  transactional: false,
  readBack: () => readOut(`${p}_out`),
  reset: async () => {
    await jsm.streams.purge(`${p}_out`);
  },
});

test('NATS: a subject filter, and a streaming job stopped with a savepoint resumes after the last sequence', async () => {
  const odd = natsSourceFactory.create(ctx({ stream: `${p}_src`, subject: `${p}.src.odd`, format: 'json', schema: schemaOpt }));
  const splits = await odd.splits(1);
  const reader = await odd.reader(0);
  let n = 0;
  while ((await reader.read(splits[0], (b) => void (n += b.length))) !== 'end');
  await reader.close();
  assert.equal(n, 600);

  await jsm.streams.add({ name: `${p}_job`, subjects: [`${p}.job`] });
  const js = jsm.jetstream();
  for (let i = 0; i < 30; i++) await js.publish(`${p}.job`, JSON.stringify({ id: i, name: 'a' }));
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const config: JsonObject = {
    env: { 'job.mode': 'STREAMING', 'checkpoint.interval': 60000 },
    source: [{ plugin_name: 'Nats', stream: `${p}_job`, format: 'json', schema: schemaOpt }],
    sink: [{ plugin_name: 'Nats', subject: `${p}.out`, format: 'json' }],
  };
  await jsm.streams.purge(`${p}_out`);
  const { jobId } = await jobs.submit(config);
  const count = async (want: number) => {
    for (let i = 0; i < 300; i++) {
      const info = await jsm.streams.info(`${p}_out`);
      if (info.state.messages >= want) return info.state.messages;
      await new Promise((r) => setTimeout(r, 20));
    }
    return (await jsm.streams.info(`${p}_out`)).state.messages;
  };
  assert.equal(await count(30), 30);
  await jobs.stop(jobId, true);
  assert.equal((await jobs.waitFor(jobId))?.status, 'SAVEPOINT_DONE');
  for (let i = 30; i < 50; i++) await js.publish(`${p}.job`, JSON.stringify({ id: i, name: 'b' }));
  await jobs.submit(config, { jobId, isStartWithSavePoint: true });
  assert.equal(await count(50), 50);
  await jobs.stop(jobId, false);
  await jobs.waitFor(jobId);
  const ids = (await readOut(`${p}_out`)).map((v) => Number(v[0])).sort((a, b) => a - b);
  assert.deepEqual(ids, Array.from({ length: 50 }, (_, i) => i));
});
