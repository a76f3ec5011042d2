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

const twoTables: JsonObject = {
  tables_configs: [
    { schema: { table: 'test.table1', fields: { id: 'int', name: 'string' } }, 'row.num': 7, 'split.num': 3 },
    { schema: { table: 'test.table2', fields: { id: 'int', score: 'double', ok: 'boolean' } }, rows: [{ fields: [1, 1.5, true] }, { fields: [2, 2.5, false] }] },
  ],
  'split.num': 2,
};

sourceConformance('FakeSource tables_configs', { make: () => make(twoTables), expectedRows: 9 * 2, parallelism: 2 });

test('FakeSource: tables_configs gives each table its own schema and rows; batches carry the table index', async () => {
  const s = make(twoTables);
  assert.deepEqual(
    s.tables?.().map((t) => [t.table, t.fields.map((f) => f.name)]),
    [
      ['test.table1', ['id', 'name']],
      ['test.table2', ['id', 'score', 'ok']],
    ],
  );
  const splits = await s.splits(1);
  assert.deepEqual(
    splits.map((x) => x.id),
    ['fake-0-0-0', 'fake-0-0-1', 'fake-0-0-2', 'fake-1-0-0', 'fake-1-0-1'],
    'split.num per table: 3 for table 1, the inherited 2 for table 2',
  );
  const indexes: number[] = [];
  const rows = await drain(s, splits, Number.POSITIVE_INFINITY, indexes);
  assert.equal(indexes.filter((t) => t === 0).length, 7);
  assert.deepEqual(
    rows.filter((_, i) => indexes[i] === 1).map((r) => r.values),
    [
      [1, 1.5, true],
      [2, 2.5, false],
    ],
  );
});

test('FakeSource: table-names repeats one schema under each name; an empty list is an option error', async () => {
  const s = make({ 'table-names': ['db.a', 'db.b', 'db.c'], schema: { fields: { x: 'int' } }, 'row.num': 4 });
  assert.deepEqual(s.tables?.().map((t) => t.table), ['db.a', 'db.b', 'db.c']);
  const indexes: number[] = [];
  await drain(s, await s.splits(1), Number.POSITIVE_INFINITY, indexes);
  assert.deepEqual([0, 1, 2].map((t) => indexes.filter((i) => i === t).length), [4, 4, 4]);
  assert.throws(() => make({ 'table-names': [], schema: { fields: { x: 'int' } } }), /'table-names' must be a non-empty list/);
  assert.throws(() => make({ tables_configs: [{ 'row.num': 1 }] }), /tables_configs\[0\]: option 'schema' is required/);
});
