// LocalFile source and sink (csv, json, text): contract cases, two-phase commit, decoding and path errors.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { JsonObject } from '../../config/hocon.ts';
import { parseSchema } from '../../config/schema.ts';
import type { Row } from '../../row.ts';
import { drain, sinkConformance, sourceConformance } from '../contract.cases.ts';
import { decodeLine, type FileFormat } from './file-format.ts';
import { localFileSinkFactory } from './local-file-sink.ts';
import { localFileSourceFactory } from './local-file-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'localfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ctx = (options: JsonObject) => ({ jobId: '42', mode: 'BATCH' as const, pluginName: 'LocalFile', options, services: {}, log: () => {} });
const schemaOpt = { fields: { id: 'int', name: 'string', score: 'double' } };
const schema = parseSchema(schemaOpt, 't', 'x')!;
const rows: Row[] = Array.from({ length: 2500 }, (_, i) => ({ kind: 0, values: [i, i % 7 === 0 ? 'has, comma "q"' : `n${i}`, i / 4] }));

for (const format of ['csv', 'json', 'text'] as FileFormat[]) {
  const out = join(dir, `out-${format}`);
  const sinkOptions = { path: out, tmp_path: join(dir, 'tmp'), file_format_type: format, field_delimiter: format === 'text' ? '|' : undefined } as JsonObject;
  if (format === 'text') sinkOptions.field_delimiter = '|';
  else delete sinkOptions.field_delimiter;
  const readBack = async () => {
    let files: string[] = [];
    try {
      files = readdirSync(out);
    } catch {
      return [];
    }
    const lines = files.flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter(Boolean));
    return lines.map((l) => decodeLine(l, format, schema, format === 'csv' ? ',' : '|', 't'));
  };
  sinkConformance(`LocalFile sink (${format})`, {
    make: () => localFileSinkFactory.create(ctx(sinkOptions)),
    schema,
    rows: format === 'text' ? rows.map((r) => ({ kind: 0, values: [r.values[0], String(r.values[1]).replace(/,/g, ';'), r.values[2]] })) : rows,
    readBack,
    transactional: true,
    reset: async () => rmSync(out, { recursive: true, force: true }),
  });
}

const srcDir = join(dir, 'src');
mkdirSync(srcDir);
writeFileSync(join(srcDir, 'a.csv'), `id,name,score\n${rows.slice(0, 1500).map((r) => `${r.values[0]},"${r.values[1]}",${r.values[2]}`).join('\n')}\n`);
writeFileSync(join(srcDir, 'b.csv'), `id,name,score\n${rows.slice(1500).map((r) => `${r.values[0]},n,${r.values[2]}`).join('\r\n')}`);
sourceConformance('LocalFile source (csv dir)', {
  make: () => localFileSourceFactory.create(ctx({ path: srcDir, file_format_type: 'csv', schema: schemaOpt, skip_header_row_number: 1 })),
  expectedRows: 2500,
});

test('LocalFile source: json lines and text without schema; a missing path is a clear error', async () => {
  const jf = join(dir, 'x.json');
  writeFileSync(jf, '{"id":1,"name":"a","score":1.5}\n{"id":2,"name":null,"score":2}\n');
  const js = localFileSourceFactory.create(ctx({ path: jf, file_format_type: 'json', schema: schemaOpt }));
  assert.deepEqual((await drain(js, await js.splits(1))).map((r) => r.values), [[1, 'a', 1.5], [2, null, 2]]);
  const tf = join(dir, 'x.txt');
  writeFileSync(tf, 'hello world\nsecond line\n');
  const ts = localFileSourceFactory.create(ctx({ path: tf, file_format_type: 'text' }));
  assert.deepEqual(ts.schema().fields.map((f) => f.name), ['content']);
  assert.deepEqual((await drain(ts, await ts.splits(1))).map((r) => r.values), [['hello world'], ['second line']]);
  const missing = localFileSourceFactory.create(ctx({ path: join(dir, 'nope'), file_format_type: 'csv', schema: schemaOpt }));
  await assert.rejects(missing.splits(1), /cannot read path .*nope: ENOENT/);
  assert.throws(() => localFileSourceFactory.create(ctx({ path: jf, file_format_type: 'parquet' })), /not supported/);
});

test('LocalFile sink partitions by fields into k=v directories (partition fields left out of the files by default)', async () => {
  const out = join(dir, 'parts');
  const sink = localFileSinkFactory.create(ctx({ path: out, tmp_path: join(dir, 'tmp'), file_format_type: 'csv', partition_by: ['name'] }));
  const s = parseSchema({ fields: { id: 'int', name: 'string' } }, 't', 'x')!;
  await sink.open(s);
  await sink.write([
    { kind: 0, values: [1, 'a'] },
    { kind: 0, values: [2, 'b'] },
    { kind: 0, values: [3, 'a'] },
    { kind: 0, values: [4, '../evil'] },
  ]);
  const info = await sink.prepareCommit(1);
  await sink.commit(info!);
  await sink.close(true);
  const read = (p: string) => readdirSync(join(out, p)).flatMap((f) => readFileSync(join(out, p, f), 'utf8').split('\n').filter(Boolean));
  assert.deepEqual(read('name=a'), ['1', '3']);
  assert.deepEqual(read('name=b'), ['2']);
  assert.deepEqual(read('name=.._evil'), ['4'], 'a value cannot climb out of the output directory');
  const custom = localFileSinkFactory.create(
    ctx({ path: join(dir, 'parts2'), tmp_path: join(dir, 'tmp'), file_format_type: 'csv', partition_by: ['name'], partition_dir_expression: 'p_$' + '{v0}', is_partition_field_write_in_file: true }),
  );
  await custom.open(s);
  await custom.write([{ kind: 0, values: [5, 'z'] }]);
  await custom.commit((await custom.prepareCommit(1))!);
  assert.deepEqual(readFileSync(join(dir, 'parts2', 'p_z', readdirSync(join(dir, 'parts2', 'p_z'))[0]), 'utf8'), '5,z\n');
  // Reading the partitioned tree back: `name=...` directories become a column again.
  const src = localFileSourceFactory.create(ctx({ path: out, file_format_type: 'csv', schema: { fields: { id: 'int' } } }));
  await src.prepare?.();
  assert.deepEqual(src.schema().fields.map((f) => f.name), ['id', 'name']);
  const back = (await drain(src, await src.splits(1))).map((r) => r.values).sort((a, b) => Number(a[0]) - Number(b[0]));
  assert.deepEqual(back, [[1, 'a'], [2, 'b'], [3, 'a'], [4, '.._evil']]);
});

const multiDir = join(dir, 'multi');
mkdirSync(join(multiDir, 'orders', 'day=1'), { recursive: true });
mkdirSync(join(multiDir, 'users'), { recursive: true });
writeFileSync(join(multiDir, 'orders', 'day=1', 'a.csv'), '1,9.5\n2,3\n');
writeFileSync(join(multiDir, 'orders', 'b.csv'), '3,1\n');
writeFileSync(join(multiDir, 'users', 'u.json'), '{"id":7,"name":"ann"}\n{"id":8,"name":"bob"}\n');
const multiOptions: JsonObject = {
  tables_configs: [
    { path: join(multiDir, 'orders'), file_format_type: 'csv', schema: { table: 'shop.orders', fields: { id: 'int', total: 'double' } } },
    { path: join(multiDir, 'users'), file_format_type: 'json', schema: { table: 'shop.users', fields: { id: 'int', name: 'string' } } },
  ],
};
const multiSource = async () => {
  const s = localFileSourceFactory.create(ctx(multiOptions));
  await s.prepare?.();
  return s;
};

sourceConformance('LocalFile source tables_configs', { make: multiSource, expectedRows: 5 });

test('LocalFile source tables_configs: each table has its own path, format and schema (with its partition columns)', async () => {
  const s = await multiSource();
  assert.deepEqual(
    s.tables?.().map((t) => [t.table, t.fields.map((f) => f.name)]),
    [
      ['shop.orders', ['id', 'total', 'day']],
      ['shop.users', ['id', 'name']],
    ],
  );
  const indexes: number[] = [];
  const got = await drain(s, await s.splits(1), Number.POSITIVE_INFINITY, indexes);
  assert.deepEqual(
    got.map((r, i) => [indexes[i], ...r.values]),
    [
      [0, 3, 1, null],
      [0, 1, 9.5, '1'],
      [0, 2, 3, '1'],
      [1, 7, 'ann'],
      [1, 8, 'bob'],
    ],
  );
  assert.throws(() => localFileSourceFactory.create(ctx({ tables_configs: [] })), /'tables_configs' must be a non-empty list/);
});
