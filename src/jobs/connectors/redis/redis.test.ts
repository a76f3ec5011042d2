// Redis source and sink against the local Redis: contract cases, data types, and the reference redis-to-redis job.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { SqliteMetaStore } from '../../../meta/sqlite-meta-store.ts';
import { builtinRegistry } from '../../builtins.ts';
import type { JsonObject } from '../../config/hocon.ts';
import { parseSchema } from '../../config/schema.ts';
import { JobService } from '../../job-service.ts';
import type { Row, Value } from '../../row.ts';
import { sinkConformance, sourceConformance } from '../contract.cases.ts';
import { redisSinkFactory, redisSourceFactory } from './redis.ts';

const p = `st_${process.pid}_${Date.now() % 100000}`;
const client = createClient({ socket: { host: '127.0.0.1', port: 6379 } });
const ctx = (options: JsonObject) => ({ jobId: '9', mode: 'BATCH' as const, pluginName: 'Redis', options, services: {}, log: () => {} });
const schemaOpt = { fields: { id: 'bigint', name: 'string', score: 'double' } };
const schema = parseSchema(schemaOpt, 't', 'x')!;

before(async () => {
  await client.connect();
  for (let i = 0; i < 100; i++) await client.set(`${p}:key_test${i}`, JSON.stringify({ id: i, name: `name${i}`, score: i / 2 }));
  await client.sendCommand(['ACL', 'SETUSER', `${p}_user`, 'on', '>SeaTunnel', '~*', '+@all']);
});
after(async () => {
  const keys: string[] = [];
  for await (const chunk of client.scanIterator({ MATCH: `${p}*`, COUNT: 1000 })) keys.push(...(Array.isArray(chunk) ? chunk : [chunk]));
  if (keys.length) await client.del(keys);
  await client.sendCommand(['ACL', 'DELUSER', `${p}_user`]);
  await client.close();
});

sourceConformance('Redis source (string keys, json)', {
  make: () => redisSourceFactory.create(ctx({ host: '127.0.0.1', port: 6379, keys: `${p}:key_test*`, data_type: 'string', format: 'json', schema: schemaOpt })),
  expectedRows: 100,
});

const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({ kind: 0, values: [BigInt(i), `n${i}`, i * 1.5] as Value[] }));
sinkConformance('Redis sink (list, json)', {
  make: () => redisSinkFactory.create(ctx({ host: '127.0.0.1', key: `${p}:list`, data_type: 'list', batch_size: 7 })),
  schema,
  rows,
  transactional: false,
  readBack: async () => (await client.lRange(`${p}:list`, 0, -1)).map((s) => {
    const o = JSON.parse(s);
    return [BigInt(o.id), o.name, o.score];
  }),
  reset: async () => {
    await client.del(`${p}:list`);
  },
});

test('Redis sink: field placeholders in keys, hash, set, zset and expire', async () => {
  const write = async (options: JsonObject) => {
    const s = redisSinkFactory.create(ctx({ host: '127.0.0.1', ...options }));
    await s.open(schema);
    await s.write(rows.slice(0, 3));
    await s.prepareCommit(1);
    await s.close(true);
  };
  await write({ key: `${p}:h:\${id}`, data_type: 'hash', expire: 100 });
  assert.deepEqual(await client.hGetAll(`${p}:h:2`), { id: '2', name: 'n2', score: '3' });
  assert.ok((await client.ttl(`${p}:h:2`)) > 0);
  await write({ key: `${p}:s`, data_type: 'set', format: 'text', field_delimiter: '|' });
  assert.deepEqual((await client.sMembers(`${p}:s`)).sort(), ['0|n0|0', '1|n1|1.5', '2|n2|3']);
  await write({ key: `${p}:z`, data_type: 'zset' });
  assert.equal(await client.zCard(`${p}:z`), 3);
  assert.throws(() => redisSinkFactory.create(ctx({ key: 'k', data_type: 'stream' })), /data_type must be one of/);
});

test('reference e2e: Redis(keys, string, base64-shaded auth) → Redis(list): LLEN 100; bad auth fails without leaking it', async () => {
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const config = (auth: string): JsonObject => ({
    env: { 'job.mode': 'BATCH', 'shade.identifier': 'base64', 'job.retry.times': 0 },
    source: [{ plugin_name: 'Redis', host: '127.0.0.1', port: 6379, user: `${p}_user`, auth, keys: `${p}:key_test*`, data_type: 'string', format: 'json', schema: schemaOpt }],
    sink: [{ plugin_name: 'Redis', host: '127.0.0.1', port: 6379, key: `${p}:key_list`, data_type: 'list', format: 'json' }],
  });
  // "U2VhVHVubmVs" is base64 of "SeaTunnel", as in the upstream redis-to-redis.conf.
  const ok = await jobs.submit(config('U2VhVHVubmVs'));
  const rec = await jobs.waitFor(ok.jobId);
  assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
  assert.equal(await client.lLen(`${p}:key_list`), 100);
  const bad = await jobs.submit(config(Buffer.from('wrong-secret-pw').toString('base64')));
  const failed = await jobs.waitFor(bad.jobId);
  assert.equal(failed?.status, 'FAILED');
  assert.equal((failed?.errorMsg ?? '').includes('wrong-secret-pw'), false);
});
