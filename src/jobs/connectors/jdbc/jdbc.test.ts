// Jdbc source and sink against the local PostgreSQL and MariaDB: contract cases, types, upserts, the reference e2e.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SqliteMetaStore } from '../../../meta/sqlite-meta-store.ts';
import { builtinRegistry } from '../../builtins.ts';
import type { JsonObject } from '../../config/hocon.ts';
import { parseSchema } from '../../config/schema.ts';
import { JobService } from '../../job-service.ts';
import { metricsJson } from '../../metrics.ts';
import type { Row, Value } from '../../row.ts';
import { sinkConformance, sourceConformance } from '../contract.cases.ts';
import { dialectFor, type JdbcConnection } from './dialect.ts';
import { jdbcSinkFactory } from './jdbc-sink.ts';
import { jdbcSourceFactory } from './jdbc-source.ts';

const PG = 'jdbc:postgresql://127.0.0.1:5432/test';
const MY = 'jdbc:mysql://127.0.0.1:3306/test';
const tag = `${process.pid}_${Date.now() % 100000}`;
const ctx = (options: JsonObject) => ({ jobId: '7', mode: 'BATCH' as const, pluginName: 'Jdbc', options, services: {}, log: () => {} });
const conns: JdbcConnection[] = [];
let pg: JdbcConnection;
let my: JdbcConnection;
before(async () => {
  pg = await dialectFor(PG, 'postgres', undefined, 'Jdbc').connect();
  my = await dialectFor(MY, 'root', '', 'Jdbc').connect();
  conns.push(pg, my);
  await pg.query(`CREATE TABLE src_${tag} (id integer primary key, name text, amount numeric(10,2), big bigint, at timestamp, ok boolean)`);
  await pg.query(
    `INSERT INTO src_${tag} SELECT g, 'name ' || g, g * 1.25, g::bigint * 4000000000, timestamp '2024-01-01 00:00:00' + g * interval '1 minute', g % 2 = 0 FROM generate_series(1, 1200) g`,
  );
  await pg.query(`INSERT INTO src_${tag} VALUES (0, NULL, NULL, NULL, NULL, NULL)`);
  await my.query(`CREATE TABLE src_${tag} (id int primary key, name varchar(50), amount decimal(10,2), at datetime)`);
  await my.query(`INSERT INTO src_${tag} VALUES (1, 'a', 1.50, '2024-01-01 10:00:00'), (2, 'b', 2.25, '2024-01-02 11:00:00'), (3, NULL, NULL, NULL)`);
  await my.query(`CREATE TABLE big_${tag} (id int primary key)`);
  await my.query(`INSERT INTO big_${tag} (id) SELECT seq FROM seq_1_to_2500`);
});
after(async () => {
  for (const t of [`big_${tag}`, `src_${tag}`, `sink_${tag}`, `e2e_${tag}`, `conf_${tag}`, `copy_${tag}`, `bin_${tag}`]) {
    await pg.query(`DROP TABLE IF EXISTS ${t}`);
    await my.query(`DROP TABLE IF EXISTS ${t}`);
  }
  for (const c of conns) await c.close();
});

sourceConformance('Jdbc source (PostgreSQL, partitioned)', {
  make: async () => {
    const s = jdbcSourceFactory.create(ctx({ url: PG, user: 'postgres', query: `select * from src_${tag}`, partition_column: 'id', partition_num: 3 }));
    await s.prepare?.();
    return s;
  },
  expectedRows: 1201,
  parallelism: 3,
});

sourceConformance('Jdbc source (PostgreSQL, one split read through a cursor)', {
  make: async () => {
    const s = jdbcSourceFactory.create(ctx({ url: PG, user: 'postgres', table_path: `test.public.src_${tag}` }));
    await s.prepare?.();
    return s;
  },
  expectedRows: 1201,
});

sourceConformance('Jdbc source (PostgreSQL, table_path split on its integer primary key by split.size)', {
  make: async () => {
    const s = jdbcSourceFactory.create(ctx({ url: PG, user: 'postgres', table_path: `test.public.src_${tag}`, 'split.size': 500 }));
    await s.prepare?.();
    assert.equal((await s.splits(1)).length, 3, 'ids 0..1200 in chunks of about 500 rows');
    return s;
  },
  expectedRows: 1201,
});

sourceConformance('Jdbc source (MariaDB, table_path)', {
  make: async () => {
    const s = jdbcSourceFactory.create(ctx({ url: MY, user: 'root', password: '', table_path: `test.src_${tag}` }));
    await s.prepare?.();
    return s;
  },
  expectedRows: 3,
});

sourceConformance('Jdbc source (MariaDB, two partitions streamed through their own connections)', {
  make: async () => {
    const s = jdbcSourceFactory.create(ctx({ url: MY, user: 'root', query: `select id from big_${tag}`, partition_column: 'id', partition_num: 2 }));
    await s.prepare?.();
    return s;
  },
  expectedRows: 2500,
});

test('Jdbc source maps column types and values exactly', async () => {
  const s = jdbcSourceFactory.create(ctx({ url: PG, user: 'postgres', query: `select * from src_${tag} where id in (0, 1) order by id` }));
  await s.prepare?.();
  assert.deepEqual(
    s.schema().fields.map((f) => [f.name, f.type.kind]),
    [['id', 'int'], ['name', 'string'], ['amount', 'decimal'], ['big', 'bigint'], ['at', 'timestamp'], ['ok', 'boolean']],
  );
  const reader = await s.reader(0);
  const rows: Row[] = [];
  const [split] = await s.splits(1);
  await reader.read(split, (b) => void rows.push(...b));
  await reader.close();
  assert.deepEqual(rows[1].values, [1, 'name 1', '1.25', 4000000000n, '2024-01-01T00:01:00', false]);
  assert.deepEqual(rows[0].values, [0, null, null, null, null, null]);
  const m = jdbcSourceFactory.create(ctx({ url: MY, user: 'root', query: `select * from src_${tag} order by id` }));
  await m.prepare?.();
  assert.deepEqual(m.schema().fields.map((f) => f.type.kind), ['int', 'string', 'decimal', 'timestamp']);
  const bad = jdbcSourceFactory.create(ctx({ url: PG, user: 'postgres', query: 'select * from no_such_table_here' }));
  await assert.rejects(bad.prepare!(), /no_such_table_here/);
  assert.throws(() => jdbcSourceFactory.create(ctx({ url: 'jdbc:oracle:thin:@x', query: 'select 1' })), /unsupported url/);
});

const sinkSchema = parseSchema({ fields: { gid: 'bigint', name: 'string', score: 'double', at: 'timestamp', d: 'decimal(8,3)' } }, 't', 'x')!;
const sinkRows: Row[] = Array.from({ length: 2500 }, (_, i) => ({
  kind: 0,
  values: [BigInt(i), i % 5 === 0 ? null : `row ${i} 'quoted' "x"`, i / 8, `2024-02-03T04:05:${String(i % 60).padStart(2, '0')}`, `${i}.125`] as Value[],
}));
for (const [name, url, user, readTable] of [
  ['PostgreSQL', PG, 'postgres', `sink_${tag}`],
  ['MariaDB', MY, 'root', `sink_${tag}`],
] as const) {
  sinkConformance(`Jdbc sink (${name}, upsert by primary key)`, {
    make: () => jdbcSinkFactory.create(ctx({ url, user, generate_sink_sql: true, database: 'test', table: readTable, primary_keys: ['gid'], batch_size: 700 })),
    schema: sinkSchema,
    rows: sinkRows,
    transactional: false,
    readBack: async () => {
      const conn = name === 'PostgreSQL' ? pg : my;
      const r = await conn.query(`SELECT gid, name, score, at, d FROM ${readTable}`);
      return r.rows.map((row) => sinkSchema.fields.map((f, i) => {
        const v = row[i];
        if (v === null) return null;
        if (f.type.kind === 'bigint') return BigInt(String(v));
        if (f.type.kind === 'double') return Number(v);
        if (f.type.kind === 'timestamp') return String(v).replace(' ', 'T').replace(/\.0+$/, '');
        return String(v);
      }));
    },
    reset: async () => {
      const conn = name === 'PostgreSQL' ? pg : my;
      await conn.query(`DROP TABLE IF EXISTS ${readTable}`);
    },
  });
}

sinkConformance('Jdbc sink (PostgreSQL COPY stream, no primary key)', {
  make: () => jdbcSinkFactory.create(ctx({ url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: `copy_${tag}` })),
  schema: sinkSchema,
  rows: sinkRows,
  // COPY is one statement per checkpoint: what was not committed is rolled back.
  transactional: true,
  readBack: async () => {
    const r = await pg.query(`SELECT gid, name, score, at, d FROM copy_${tag}`);
    return r.rows.map((row) => [BigInt(String(row[0])), row[1] === null ? null : String(row[1]), Number(row[2]), String(row[3]).replace(' ', 'T'), String(row[4])]);
  },
  reset: async () => {
    await pg.query(`DROP TABLE IF EXISTS copy_${tag}`);
  },
});

test('Jdbc sink applies upserts and deletes by primary key in order (both databases)', async () => {
  for (const [url, user, conn] of [[PG, 'postgres', () => pg], [MY, 'root', () => my]] as const) {
    await conn().query(`DROP TABLE IF EXISTS conf_${tag}`);
    const schema = parseSchema({ fields: { id: 'int', v: 'string' } }, 't', 'x')!;
    const sink = jdbcSinkFactory.create(ctx({ url, user, generate_sink_sql: true, database: 'test', table: `conf_${tag}`, primary_keys: ['id'] }));
    await sink.open(schema);
    await sink.write([
      { kind: 0, values: [1, 'a'] },
      { kind: 0, values: [2, 'b'] },
      { kind: 1, values: [1, 'a'] },
      { kind: 2, values: [1, 'a2'] },
      { kind: 2, values: [1, 'a3'] },
      { kind: 3, values: [2, 'b'] },
      { kind: 0, values: [3, 'c'] },
    ]);
    await sink.prepareCommit(1);
    await sink.close(true);
    const r = await conn().query(`SELECT id, v FROM conf_${tag} ORDER BY id`);
    assert.deepEqual(r.rows.map((x) => [Number(x[0]), x[1]]), [[1, 'a3'], [3, 'c']], url);
  }
});

test('reference e2e: Jdbc source (query, partition_num 2) → Jdbc sink (generate_sink_sql, primary_keys) row counts equal', async () => {
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const { jobId } = await jobs.submit({
    env: { 'job.mode': 'BATCH', parallelism: 2 },
    source: [{ plugin_name: 'Jdbc', url: PG, driver: 'org.postgresql.Driver', user: 'postgres', query: `select id as gid, name, amount, big from src_${tag}`, partition_column: 'gid', partition_num: 2 }],
    sink: [{ plugin_name: 'Jdbc', url: PG, driver: 'org.postgresql.Driver', user: 'postgres', generate_sink_sql: true, database: 'test', table: `public.e2e_${tag}`, primary_keys: ['gid'] }],
  });
  const rec = await jobs.waitFor(jobId);
  assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
  const count = await pg.query(`SELECT count(*) FROM e2e_${tag}`);
  assert.equal(String(count.rows[0][0]), '1201');
  assert.equal(metricsJson(rec!.metrics).SinkWriteCount, '1201');
  // Running it again upserts the same keys: still 1201 rows.
  const again = await jobs.submit({
    env: { 'job.mode': 'BATCH' },
    source: [{ plugin_name: 'Jdbc', url: MY, user: 'root', query: `select id as gid, name from src_${tag}` }],
    sink: [{ plugin_name: 'Jdbc', url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: `public.e2e_${tag}`, primary_keys: ['gid'] }],
  });
  assert.equal((await jobs.waitFor(again.jobId))?.status, 'FINISHED');
  const after2 = await pg.query(`SELECT count(*), max(name) FILTER (WHERE gid = 1) FROM e2e_${tag}`);
  assert.deepEqual([String(after2.rows[0][0]), after2.rows[0][1]], ['1201', 'a']);
  const badSubmit = jobs.submit({
    source: [{ plugin_name: 'Jdbc', url: PG, user: 'postgres', password: 'sekrit-pw', query: 'select * from missing_tbl' }],
    sink: [{ plugin_name: 'Console' }],
  });
  await assert.rejects(badSubmit, (e: Error) => /ErrorCode|missing_tbl/.test(e.message) && !e.message.includes('sekrit-pw'));
});

test('Jdbc sink with a user INSERT query (? placeholders in field order), batched in transactions', async () => {
  for (const [url, user, conn] of [[PG, 'postgres', () => pg], [MY, 'root', () => my]] as const) {
    await conn().query(`DROP TABLE IF EXISTS conf_${tag}`);
    await conn().query(`CREATE TABLE conf_${tag} (id int, v varchar(20))`);
    const schema = parseSchema({ fields: { id: 'int', v: 'string' } }, 't', 'x')!;
    const sink = jdbcSinkFactory.create(ctx({ url, user, query: `INSERT INTO conf_${tag} (id, v) VALUES (?, ?)`, batch_size: 2 }));
    await sink.open(schema);
    await sink.write([
      { kind: 0, values: [1, "it's ?"] },
      { kind: 0, values: [2, 'b'] },
      { kind: 0, values: [3, null] },
    ]);
    await sink.prepareCommit(1);
    await sink.close(true);
    const r = await conn().query(`SELECT id, v FROM conf_${tag} ORDER BY id`);
    assert.deepEqual(r.rows.map((x) => [Number(x[0]), x[1]]), [[1, "it's ?"], [2, 'b'], [3, null]], url);
  }
});

// Every field type that has an exact binary pair with the column generate_sink_sql creates, so the COPY stream is binary.
const binarySchema = parseSchema(
  { fields: { id: 'bigint', small: 'smallint', tiny: 'tinyint', n: 'int', f: 'float', d: 'double', ok: 'boolean', s: 'string', b: 'bytes' } },
  't',
  'x',
)!;
const binaryRows: Row[] = Array.from({ length: 3000 }, (_, i) => ({
  kind: 0,
  values:
    i % 7 === 0
      ? [BigInt(i), null, null, null, null, null, null, null, null]
      : [
          i % 3 === 0 ? -9223372036854775808n + BigInt(i) : 9223372036854775807n - BigInt(i),
          (i % 65536) - 32768,
          i % 128,
          i % 2 === 0 ? -2147483648 + i : 2147483647 - i,
          Math.fround(i / 3),
          -i / 7,
          i % 2 === 0,
          i % 5 === 0 ? '' : `é ${i}\t\\N\n"x" 🚀`,
          new Uint8Array([i & 255, 0, 92, 10]),
        ],
}));

sinkConformance('Jdbc sink (PostgreSQL binary COPY: integers, floats, booleans, text, bytes)', {
  make: () => jdbcSinkFactory.create(ctx({ url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: `bin_${tag}` })),
  schema: binarySchema,
  rows: binaryRows,
  transactional: true,
  readBack: async () => {
    const r = await pg.query(`SELECT id, small, tiny, n, f, d, ok, s, b FROM bin_${tag}`);
    // real comes back as its shortest text, which reads back as the same float32.
    return r.rows.map((row) => row.map((v, i) => (v === null ? null : i === 0 ? BigInt(String(v)) : i === 4 ? Math.fround(v as number) : i === 8 ? new Uint8Array(v as Buffer) : v)) as Value[]);
  },
  reset: async () => {
    await pg.query(`DROP TABLE IF EXISTS bin_${tag}`);
  },
});

test('Jdbc sink COPY: binary only where each field pairs exactly with its column, text otherwise; bad values fail the write', async () => {
  const schema = parseSchema({ fields: { id: 'int', v: 'double', s: 'string' } }, 't', 'x')!;
  const run = async (ddl: string, rows: Value[][]) => {
    await pg.query(`DROP TABLE IF EXISTS conf_${tag}`);
    await pg.query(`CREATE TABLE conf_${tag} (${ddl})`);
    const sink = jdbcSinkFactory.create(ctx({ url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: `conf_${tag}` }));
    await sink.open(schema);
    try {
      await sink.write(rows.map((values) => ({ kind: 0, values })));
      await sink.prepareCommit(1);
    } finally {
      await sink.close(true);
    }
    return (await pg.query(`SELECT * FROM conf_${tag} ORDER BY 1`)).rows;
  };
  // int into bigint (binary widening), double into numeric and string into an integer column (text: PostgreSQL parses).
  assert.deepEqual(await run('id bigint, v numeric(6,2), s integer', [[1, 2.5, '42'], [2, -0.25, null]]), [['1', '2.50', 42], ['2', '-0.25', null]]);
  assert.deepEqual(await run('id bigint, v double precision, s varchar(5)', [[7, 0.1, 'abc']]), [['7', 0.1, 'abc']]);
  // The same failures the text format gets from the server.
  await assert.rejects(run('id bigint, v double precision, s varchar(2)', [[1, 1, 'abc']]), /too long/);
  await assert.rejects(run('id integer, v double precision, s text', [[1.5, 1, 'a']]), /column "id": 1\.5 is not a valid integer/);
  await assert.rejects(run('id integer, v double precision, s text', [[1, 'x', 'a']]), /column "v": 'x' is not a valid double precision/);
  assert.deepEqual(await pg.query(`SELECT count(*) FROM conf_${tag}`).then((r) => r.rows), [['0']]);
});

test('Jdbc source: stop with savepoint mid-split, resume with isStartWithSavePoint: exact with an ordered key (both databases), at-least-once without', async () => {
  await pg.query(`CREATE TABLE sp_${tag} (grp int, id int, name text, PRIMARY KEY (grp, id))`);
  await pg.query(`INSERT INTO sp_${tag} SELECT g % 3, g, 'n' || g FROM generate_series(1, 2500) g`);
  await my.query(`CREATE TABLE sp_${tag} (id int primary key, name varchar(20))`);
  await my.query(`INSERT INTO sp_${tag} (id, name) SELECT seq, CONCAT('n', seq) FROM seq_1_to_2500`);
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry(), services: { consoleOut: () => {} } });
  const cases: { name: string; source: JsonObject; parallelism: number; exact: boolean }[] = [
    // A composite primary key found through the catalog, one split.
    { name: 'PostgreSQL table_path', source: { url: PG, user: 'postgres', table_path: `test.public.sp_${tag}` }, parallelism: 1, exact: true },
    // A unique partition column, two splits read at once.
    { name: 'MariaDB query + partition_column', source: { url: MY, user: 'root', query: `select id, name from sp_${tag}`, partition_column: 'id', partition_num: 2 }, parallelism: 2, exact: true },
    { name: 'MariaDB query without a key', source: { url: MY, user: 'root', query: `select id, name from sp_${tag}` }, parallelism: 1, exact: false },
  ];
  try {
    for (const [i, c] of cases.entries()) {
      const target = `sp_${tag}_out${i}`;
      await pg.query(`DROP TABLE IF EXISTS ${target}`);
      const config: JsonObject = {
        env: { 'job.mode': 'BATCH', parallelism: c.parallelism },
        source: [{ plugin_name: 'Jdbc', plugin_output: 'rows', ...c.source }],
        sink: [
          { plugin_name: 'Jdbc', plugin_input: 'rows', url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: target },
          // A slow second sink keeps each read step busy long enough to stop in the middle of a split.
          { plugin_name: 'Console', plugin_input: 'rows', 'log.print.delay.ms': 1 },
        ],
      };
      const { jobId } = await jobs.submit(config);
      while (Number(metricsJson(jobs.get(jobId)!.metrics).SourceReceivedCount) === 0) await new Promise((r) => setTimeout(r, 20));
      await jobs.stop(jobId, true);
      const stopped = await jobs.waitFor(jobId);
      assert.equal(stopped?.status, 'SAVEPOINT_DONE', `${c.name}: ${stopped?.errorMsg}`);
      const partial = Number(metricsJson(stopped!.metrics).SourceReceivedCount);
      assert.ok(partial > 0 && partial < 2500, `${c.name}: stopped mid-split (${partial})`);
      await jobs.submit(config, { jobId, isStartWithSavePoint: true });
      const done = await jobs.waitFor(jobId);
      assert.equal(done?.status, 'FINISHED', `${c.name}: ${done?.errorMsg}`);
      const [[count, distinct, sum]] = (await pg.query(`SELECT count(*), count(DISTINCT id), sum(id) FROM ${target}`)).rows.map((r) => r.map(String));
      assert.equal(distinct, '2500', `${c.name}: no row lost`);
      if (c.exact) assert.deepEqual([count, sum], ['2500', String((2500 * 2501) / 2)], `${c.name}: no row repeated`);
      else assert.ok(Number(count) > 2500, `${c.name}: the unfinished split is read again (${count})`);
      await pg.query(`DROP TABLE ${target}`);
    }
  } finally {
    await jobs.close();
    await pg.query(`DROP TABLE IF EXISTS sp_${tag}`);
    await my.query(`DROP TABLE IF EXISTS sp_${tag}`);
  }
});

test('Jdbc table_list with where_condition → Jdbc sink per table through the database_name, table_name and primary_key placeholders', async () => {
  await pg.query(`CREATE TABLE mta_${tag} (id int PRIMARY KEY, v text)`);
  await pg.query(`INSERT INTO mta_${tag} SELECT g, 'a' || g FROM generate_series(1, 30) g`);
  await pg.query(`CREATE TABLE mtb_${tag} (grp int, id int, x double precision, PRIMARY KEY (grp, id))`);
  await pg.query(`INSERT INTO mtb_${tag} SELECT g % 2, g, g / 4.0 FROM generate_series(1, 20) g`);
  await my.query(`CREATE TABLE mtm_${tag} (id int primary key, s varchar(10))`);
  await my.query(`INSERT INTO mtm_${tag} (id, s) SELECT seq, CONCAT('m', seq) FROM seq_1_to_12`);
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const [a, b, m] = [`mta_${tag}`, `mtb_${tag}`, `mtm_${tag}`];
  // SeaTunnel's sink placeholders (`${table_name}` ...), which the engine fills per table.
  const placeholder = (name: string) => `\${${name}}`;
  try {
    const { jobId } = await jobs.submit({
      env: { 'job.mode': 'BATCH', parallelism: 2 },
      source: [
        {
          plugin_name: 'Jdbc',
          plugin_output: 'pg',
          url: PG,
          user: 'postgres',
          table_list: [{ table_path: `test.public.${a}`, partition_column: 'id', partition_num: 3 }, { table_path: `test.public.${b}` }],
          where_condition: 'where id > 5',
        },
        // An entry's own query takes the place of the table read.
        { plugin_name: 'Jdbc', plugin_output: 'my', url: MY, user: 'root', table_list: [{ table_path: `test.${m}`, query: `select * from ${m} where id <= 10` }] },
      ],
      sink: [
        {
          plugin_name: 'Jdbc',
          plugin_input: ['pg', 'my'],
          url: PG,
          user: 'postgres',
          generate_sink_sql: true,
          database: placeholder('database_name'),
          table: `public.${placeholder('table_name')}_copy`,
          primary_keys: [placeholder('primary_key')],
        },
      ],
    });
    const rec = await jobs.waitFor(jobId);
    assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
    const read = async (sql: string) => (await pg.query(sql)).rows.map((r) => r.map(String));
    assert.deepEqual(await read(`SELECT count(*), min(id), max(id), min(v) FROM ${a}_copy`), [['25', '6', '30', 'a10']]);
    assert.deepEqual(await read(`SELECT count(*), min(id), sum(x) FROM ${b}_copy`), [['15', '6', String(195 / 4)]]);
    // MariaDB has no primary key in the query case: ${primary_key} is empty, the copy has none either.
    assert.deepEqual(await read(`SELECT count(*), max(s) FROM ${m}_copy`), [['10', 'm9']]);
    assert.deepEqual(await pg.primaryKey(`public.${a}_copy`), ['id']);
    assert.deepEqual(await pg.primaryKey(`public.${b}_copy`), ['grp', 'id']);
    assert.deepEqual(await pg.primaryKey(`public.${m}_copy`), []);
    const metrics = metricsJson(rec!.metrics) as unknown as Record<string, Record<string, string>>;
    assert.deepEqual(metrics.TableSourceReceivedCount, { [`test.public.${a}`]: '25', [`test.public.${b}`]: '15', [`test.${m}`]: '10' });
    assert.deepEqual(rec?.dag.vertexInfoMap.find((v) => v.type === 'source')?.tablePaths, [`test.public.${a}`, `test.public.${b}`]);
  } finally {
    await jobs.close();
    for (const t of [a, b, `${a}_copy`, `${b}_copy`, `${m}_copy`]) await pg.query(`DROP TABLE IF EXISTS ${t}`);
    await my.query(`DROP TABLE IF EXISTS ${m}`);
  }
});

test('Jdbc source option errors: table_list shape, where_condition', () => {
  assert.throws(() => jdbcSourceFactory.create(ctx({ url: PG, table_list: [] })), /table_list must be a non-empty list of objects/);
  assert.throws(() => jdbcSourceFactory.create(ctx({ url: PG, table_list: [{ query: 'select 1' }] })), /every table_list entry needs a table_path/);
  assert.throws(() => jdbcSourceFactory.create(ctx({ url: PG, table_path: 'test.public.t', where_condition: 'id > 1' })), /where_condition must begin with 'where'/);
  assert.throws(() => jdbcSourceFactory.create(ctx({ url: PG })), /one of 'query', 'table_path' and 'table_list' is required/);
});

test('Jdbc sink COPY: a connection that dies mid-stream fails the write instead of waiting forever', { timeout: 30_000 }, async () => {
  await pg.query(`DROP TABLE IF EXISTS conf_${tag}`);
  const schema = parseSchema({ fields: { id: 'int', v: 'string' } }, 't', 'x')!;
  const sink = jdbcSinkFactory.create(ctx({ url: PG, user: 'postgres', generate_sink_sql: true, database: 'test', table: `conf_${tag}` }));
  await sink.open(schema);
  const batch: Row[] = Array.from({ length: 5000 }, (_, i) => ({ kind: 0, values: [i, 'x'.repeat(200)] }));
  await sink.write(batch);
  const r = await pg.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'COPY %conf_${tag}%' AND pid <> pg_backend_pid()`);
  assert.equal(r.rows.length, 1, 'the COPY was found');
  await assert.rejects(async () => {
    for (let i = 0; i < 1000; i++) await sink.write(batch);
  }, /terminat|EPIPE|ECONNRESET/i);
  await sink.close(false);
});
