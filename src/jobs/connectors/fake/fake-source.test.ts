// FakeSource: the source contract, explicit rows, streaming idling, generator options and option errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../config/hocon.ts';
import { drain, sourceConformance } from '../contract.cases.ts';
import { fakeSourceFactory } from './fake-source.ts';

const make = (options: JsonObject, mode: 'BATCH' | 'STREAMING' = 'BATCH') =>
  fakeSourceFactory.create({ jobId: '1', mode, pluginName: 'FakeSource', options, services: {}, log: () => {} });

const schema = { fields: { id: 'bigint', name: 'string', score: 'double', tags: 'array<int>', m: 'map<string, int>', d: 'decimal(10,2)', ts: 'timestamp' } };

sourceConformance('FakeSource', { make: () => make({ schema, 'row.num': 3000, 'split.num': 3 }), expectedRows: 6000, parallelism: 2 });

test('FakeSource: explicit rows with kinds, typed values; streaming idles after its rows', async () => {
  const s = make(
    { schema: { fields: { id: 'bigint', name: 'string' } }, rows: [{ kind: 'INSERT', fields: ['9223372036854775807', 'a'] }, { kind: 'DELETE', fields: [2, 'b'] }] },
    'STREAMING',
  );
  const splits = await s.splits(1);
  const reader = await s.reader(0);
  const got: unknown[] = [];
  assert.equal(await reader.read(splits[0], (rows) => void got.push(...rows)), 'idle');
  assert.deepEqual(got, [
    { kind: 0, values: [9223372036854775807n, 'a'] },
    { kind: 3, values: [2n, 'b'] },
  ]);
  assert.equal(await reader.read(splits[0], () => {}), 'idle');
});

test('FakeSource: template and range options, and option errors', async () => {
  const s = make({ schema: { fields: { c: 'string', n: 'int' } }, 'row.num': 50, 'string.fake.mode': 'template', 'string.template': ['x', 'y'], 'int.min': 3, 'int.max': 4 });
  const rows = await drain(s, await s.splits(1));
  assert.ok(rows.every((r) => (r.values[0] === 'x' || r.values[0] === 'y') && (r.values[1] === 3 || r.values[1] === 4)));
  assert.throws(() => make({}), /option 'schema' is required/);
  assert.throws(() => make({ schema: { fields: { a: 'int' } }, rows: [{ fields: [1, 2] }] }), /has 2 fields, the schema has 1/);
  assert.throws(() => make({ schema: { fields: { a: 'int' } }, rows: [{ fields: ['x'] }] }), /is not a INT/);
});
