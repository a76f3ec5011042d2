// Transforms: the Sql dialect (reference criteria filter, functions, EXPLODE, refusals) and the column transforms.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqliteMetaStore } from '../../meta/sqlite-meta-store.ts';
import { builtinRegistry } from '../builtins.ts';
import type { JsonObject } from '../config/hocon.ts';
import { parseJobText } from '../config/job-config.ts';
import { parseSchema } from '../config/schema.ts';
import type { TransformFactory } from '../connectors/contract.ts';
import { JobService } from '../job-service.ts';
import type { Row, TableSchema, Value } from '../row.ts';
import { copyFactory } from './copy.ts';
import { fieldMapperFactory } from './field-mapper.ts';
import { filterFactory } from './filter.ts';
import { filterRowKindFactory } from './filter-row-kind.ts';
import { jsonPathFactory } from './json-path.ts';
import { replaceFactory } from './replace.ts';
import { splitFactory } from './split.ts';
import { sqlTransformFactory } from './sql.ts';

const NOW = Date.UTC(2024, 9, 23, 12, 0, 0);

function run(factory: TransformFactory, options: JsonObject, schema: TableSchema, rows: Value[][], kinds?: number[]) {
  const t = factory.create({ jobId: '1', mode: 'BATCH', pluginName: factory.name, options, services: { now: () => NOW }, log: () => {} });
  const out = t.open(schema);
  const result = t.map(rows.map((values, i) => ({ kind: (kinds?.[i] ?? 0) as Row['kind'], values })));
  return { schema: out, rows: result.map((r) => r.values), kinds: result.map((r) => r.kind) };
}

const people = parseSchema({ fields: { id: 'int', name: 'string', age: 'int', email: 'string' } }, 'fake', 't')!;
const rows: Value[][] = [
  [1, 'Joy Ding', 20, null],
  [2, 'May Ding', 22, 'may_ding@apache.com'],
  [3, 'Kin Dom', 21, 'kin_dom@apache.com'],
  [4, 'LeBron Ding', 38, null],
  [8, 'Wang DingCC', 34, null],
  [9, 'Zu DingDD', 33, null],
  [10, 'Zhang DingEE', 40, null],
  [11, 'Lin Qiang', 40, null],
  [12, 'Yu Liang', 40, null],
];
const CRITERIA =
  "select id, name, age, email from fake where (id = 1 or id = 4 or id in (8,9,10,11,12)) and id != 0 and name <> 'Kin Dom' and (age >= 20 or age < 22) and regexp_like(name, '[A-Z ]*') and id not in (5,6,7) and name is not null and email is null and id <= 500 and (name like '%Din_' or name like 'Wan_%' or name like '%Yu%') and name not like '%LeBron%' and name not like 'Wan_%' and name not like '%Lian_'";

test('Sql: the reference criteria filter keeps only Joy Ding (TC-5)', () => {
  const r = run(sqlTransformFactory, { query: CRITERIA }, people, rows);
  assert.deepEqual(r.rows, [[1, 'Joy Ding', 20, null]]);
  assert.deepEqual(
    r.schema.fields.map((f) => [f.name, f.type.kind]),
    [['id', 'int'], ['name', 'string'], ['age', 'int'], ['email', 'string']],
  );
});

test('Sql: projection, arithmetic types, aliases, CASE, CAST and functions', () => {
  const r = run(
    sqlTransformFactory,
    {
      query:
        "select id + 1 as next, age / 3 as third, age * 1.5 as f, name || '!' as bang, upper(name) u, concat(name, null, '-', id) c, " +
        "case when age > 30 then 'old' else 'young' end as band, cast(age as string) s, cast('42' as bigint) b, substring(name, -4) tail, " +
        "coalesce(email, 'none') e, length(name) len, lpad(cast(id as varchar), 3, '0') p, replace(name, 'Ding', 'D') r from dual where id < 3",
    },
    people,
    rows,
  );
  assert.deepEqual(r.rows[0], [2, 6, 30, 'Joy Ding!', 'JOY DING', 'Joy Ding-1', 'young', '20', 42n, 'Ding', 'none', 8n, '001', 'Joy D']);
  assert.deepEqual(
    r.schema.fields.map((f) => f.type.kind),
    ['int', 'int', 'double', 'string', 'string', 'string', 'string', 'string', 'bigint', 'string', 'string', 'bigint', 'string', 'string'],
  );
});

test('Sql: AND and OR follow three-valued logic, the deciding value winning over null', () => {
  const schema = parseSchema({ fields: { a: 'boolean', b: 'boolean' } }, 't', 't')!;
  const v = [true, false, null];
  const data = v.flatMap((a) => v.map((b) => [a, b]));
  const r = run(sqlTransformFactory, { query: 'select a and b as x, a or b as y from t' }, schema, data);
  assert.deepEqual(r.rows, [
    [true, true],
    [false, true],
    [null, true],
    [false, true],
    [false, false],
    [false, null],
    [null, true],
    [false, null],
    [null, null],
  ]);
});

test('Sql: dates, numbers and regexps', () => {
  const schema = parseSchema({ fields: { ts: 'timestamp', d: 'date', x: 'double' } }, 't', 't')!;
  const r = run(
    sqlTransformFactory,
    {
      query:
        "select year(ts), month(ts), formatdatetime(ts, 'yyyy/MM/dd HH:mm'), dateadd('DAY', 1, d), datediff('DAY', d, ts), " +
        "date_trunc('MONTH', ts), round(x, 1), abs(-x), mod(7, 3), regexp_replace('a1b22', '[0-9]+', '#'), " +
        "regexp_substr('abc123def', '[0-9]+'), from_unixtime(0, 'yyyy-MM-dd HH:mm:ss', 'UTC+8'), parsedatetime('2024-01-02 03:04', 'yyyy-MM-dd HH:mm'), " +
        "quarter(ts), dayname(d), extract(hour from ts), current_date from t",
    },
    schema,
    [['2024-05-17T10:30:00', '2024-05-15', -2.345]],
  );
  assert.deepEqual(r.rows[0], [
    2024, 5, '2024/05/17 10:30', '2024-05-16', 2n, '2024-05-01T00:00:00', -2.3, 2.345, 1, 'a#b#', '123', '1970-01-01 08:00:00', '2024-01-02T03:04:00', 2, 'Wednesday', 10, '2024-10-23',
  ]);
});

test('Sql: casts to temporal types, exact decimal MOD, whole-number CEIL/FLOOR', () => {
  const schema = parseSchema({ fields: { ms: 'bigint', ymd: 'int', hms: 'int', ts: 'timestamp', d: 'double', n: 'int' } }, 't', 't')!;
  const r = run(
    sqlTransformFactory,
    {
      query:
        'select cast(ms as timestamp) a, cast(ymd as date) b, cast(hms as time) c, cast(ts as date) e, cast(ts as time) f, ' +
        'mod(n, 5.4) g, mod(n, 5) h, ceil(d) i, floor(d) j, cast(ms as decimal(17,4)) k from t',
    },
    schema,
    [[1687747869032n, 20230625, 235109, '2012-12-21T12:34:56', 13.2, 13]],
  );
  assert.deepEqual(r.rows[0], ['2023-06-26T02:51:09.032', '2023-06-25', '23:51:09', '2012-12-21', '12:34:56', 2.2, 3, 14, 13, '1687747869032.0000']);
  assert.deepEqual(
    r.schema.fields.map((f) => f.type.kind),
    ['timestamp', 'date', 'time', 'date', 'time', 'double', 'int', 'int', 'int', 'decimal'],
  );
});

test('Sql: LATERAL VIEW [OUTER] EXPLODE multiplies rows', () => {
  const schema = parseSchema({ fields: { id: 'int', tags: 'string', nums: 'array<int>' } }, 't', 't')!;
  const data: Value[][] = [
    [1, 'a,b', [10, 20]],
    [2, null, []],
  ];
  const split = run(sqlTransformFactory, { query: "select id, tag from t LATERAL VIEW EXPLODE(SPLIT(tags, ',')) AS tag" }, schema, data);
  assert.deepEqual(split.rows, [[1, 'a'], [1, 'b']]);
  const outer = run(sqlTransformFactory, { query: 'select id, n * 2 as twice from t LATERAL VIEW OUTER EXPLODE(nums) n where id > 0' }, schema, data);
  assert.deepEqual(outer.rows, [[1, 20], [1, 40], [2, null]]);
  assert.equal(outer.schema.fields[1].type.kind, 'int');
  const both = run(sqlTransformFactory, { query: "select * from t LATERAL VIEW EXPLODE(ARRAY('x','y')) AS c LATERAL VIEW EXPLODE(nums) AS n" }, schema, data);
  assert.equal(both.rows.length, 4);
  assert.deepEqual(both.schema.fields.map((f) => f.name), ['id', 'tags', 'nums', 'c', 'n']);
});

test('Sql: unsupported syntax is rejected with a clear message', () => {
  for (const [q, msg] of [
    ['select a from t join u on t.x = u.x', /Unsupported JOIN syntax/],
    ['select count(*) from t group by a', /Unsupported (function COUNT|GROUP BY) syntax/],
    ['select a from t order by a', /Unsupported ORDER BY syntax/],
    ['select a from t limit 1', /Unsupported LIMIT syntax/],
    ['delete from t', /Unsupported DELETE syntax/],
    ['select nope from t', /Column "nope" not found/],
    ['select a from', /SQL parse error/],
  ] as const) {
    assert.throws(() => run(sqlTransformFactory, { query: q }, parseSchema({ fields: { a: 'int' } }, 't', 't')!, []), msg, q);
  }
});

test('FieldMapper, Filter, FilterRowKind, Copy, Split, Replace', () => {
  assert.deepEqual(run(fieldMapperFactory, { field_mapper: { age: 'years', id: 'key' } }, people, [rows[0]]).rows, [[20, 1]]);
  assert.deepEqual(run(filterFactory, { include_fields: ['name', 'id'] }, people, [rows[0]]).rows, [['Joy Ding', 1]]);
  assert.deepEqual(run(filterFactory, { exclude_fields: ['name', 'email'] }, people, [rows[0]]).rows, [[1, 20]]);
  assert.throws(() => run(filterFactory, {}, people, []), /exactly one/);
  const kinds = run(filterRowKindFactory, { exclude_kinds: ['INSERT'] }, people, [rows[0], rows[1], rows[2]], [0, 3, 2]);
  assert.deepEqual(kinds.kinds, [3, 2]);
  assert.equal(run(filterRowKindFactory, { include_kinds: ['DELETE'] }, people, [rows[0]], [0]).rows.length, 0);
  const copied = run(copyFactory, { fields: { name2: 'name' } }, people, [rows[0]]);
  assert.deepEqual(copied.rows, [[1, 'Joy Ding', 20, null, 'Joy Ding']]);
  assert.equal(copied.schema.fields[4].name, 'name2');
  const split = run(splitFactory, { separator: ' ', split_field: 'name', output_fields: ['first', 'last', 'extra'] }, people, [rows[0]]);
  assert.deepEqual(split.rows, [[1, 'Joy Ding', 20, null, 'Joy', 'Ding', null]]);
  assert.deepEqual(run(replaceFactory, { replace_field: 'name', pattern: 'Ding', replacement: 'D' }, people, [rows[0]]).rows[0][1], 'Joy D');
  assert.deepEqual(run(replaceFactory, { replace_field: 'name', pattern: '[a-z]+', replacement: '_', is_regex: true, replace_first: true }, people, [rows[0]]).rows[0][1], 'J_ Ding');
});

test('JsonPath extracts typed values; errors fail or skip as configured', () => {
  const schema = parseSchema({ fields: { doc: 'string' } }, 't', 't')!;
  const docs: Value[][] = [['{"a":{"b":[10,20]},"name":"x"}'], ['not json']];
  const cols: JsonObject[] = [
    { src_field: 'doc', path: '$.a.b[1]', dest_field: 'second', dest_type: 'int' },
    { src_field: 'doc', path: "$['name']", dest_field: 'name' },
  ];
  assert.throws(() => run(jsonPathFactory, { columns: cols }, schema, docs), /JsonPath/);
  const r = run(jsonPathFactory, { columns: cols, row_error_handle_way: 'SKIP' }, schema, docs);
  assert.deepEqual(r.rows, [['{"a":{"b":[10,20]},"name":"x"}', 20, 'x']]);
  assert.equal(r.schema.fields[1].type.kind, 'int');
  // A row column is addressed by position, as SeaTunnel turns rows into JSON arrays.
  const rowSchema = parseSchema({ fields: { c_row: { c_map: 'map<string, string>', c_array: 'array<int>', c_string: 'string' } } }, 't', 't')!;
  const byPos = run(jsonPathFactory, { columns: [{ src_field: 'c_row', path: '$[2]', dest_field: 's' }, { src_field: 'c_row', path: '$[1][0]', dest_field: 'first', dest_type: 'int' }] }, rowSchema, [
    [{ c_map: { k: 'v' }, c_array: [7, 8], c_string: 'hello' }],
  ]);
  assert.deepEqual(byPos.rows[0].slice(1), ['hello', 7]);
});

test('FakeSource → Sql → Assert as a job: pass and the fail-rule variant', async () => {
  const svc = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const conf = (equals: number) =>
    parseJobText(
      `env { job.mode = "BATCH", job.retry.times = 0 }
       source {
         FakeSource {
           plugin_output = "fake"
           schema = { fields { id = "int", name = "string", age = "int", email = "string" } }
           rows = [
             ${rows.map((r) => `{ kind = INSERT, fields = ${JSON.stringify(r)} }`).join('\n             ')}
           ]
         }
       }
       transform { Sql { plugin_input = "fake", plugin_output = "fake1", query = """${CRITERIA}""" } }
       sink {
         Assert {
           plugin_input = "fake1"
           rules = {
             row_rules = [ { rule_type = MAX_ROW, rule_value = 1 }, { rule_type = MIN_ROW, rule_value = 1 } ]
             field_rules = [ { field_name = id, field_type = int, field_value = [ { equals_to = ${equals} } ] } ]
           }
         }
       }`,
      'hocon',
    );
  const ok = await svc.submit(conf(1));
  const rec = await svc.waitFor(ok.jobId);
  assert.equal(rec?.status, 'FINISHED', rec?.errorMsg ?? '');
  assert.equal(rec?.dag.vertexInfoMap[1].vertexName, 'pipeline-1 [TransformChain[Transform[0]-Sql]]');
  const bad = await svc.submit(conf(2));
  const failed = await svc.waitFor(bad.jobId);
  assert.equal(failed?.status, 'FAILED');
  assert.match(failed?.errorMsg ?? '', /fail rule/);
});
