// HOCON, JSON and SQL job files: plugin lists, path keys, substitutions, errors with lines, schema types.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDomainError } from '../../core/errors.ts';
import { parseHocon } from './hocon.ts';
import { buildJobConfig, envOptionsAsStrings, parseJobText } from './job-config.ts';
import { parseSchema, parseType } from './schema.ts';
import { parseSqlConfig } from './sql-config.ts';

test('repeated plugin blocks stay an ordered list with plugin_name', () => {
  const c = parseHocon(`
    source { FakeSource { plugin_output = a } FakeSource { plugin_output = b } }
    sink {
      Console {}
      Console { plugin_input = b }
    }`);
  assert.deepEqual(c.source, [
    { plugin_name: 'FakeSource', plugin_output: 'a' },
    { plugin_name: 'FakeSource', plugin_output: 'b' },
  ]);
  assert.deepEqual(c.sink, [{ plugin_name: 'Console' }, { plugin_name: 'Console', plugin_input: 'b' }]);
});

test('dotted keys stay flat inside blocks but nested objects stay nested', () => {
  const c = parseHocon(`env { job.mode = "STREAMING", checkpoint.interval = 5000 }
    source { FakeSource { row.num = 16, schema.fields { a = int } } }`);
  assert.deepEqual(c.env, { 'job.mode': 'STREAMING', 'checkpoint.interval': 5000 });
  assert.deepEqual(c.source, [{ plugin_name: 'FakeSource', 'row.num': 16, schema: { fields: { a: 'int' } } }]);
});

test('substitutions: document paths, env, optional, self-append and +=', () => {
  const c = parseHocon(
    `base = 10
     a = \${base}
     host = \${PGHOST}
     maybe = \${?NOT_SET}
     path = "/bin"
     path = \${path}":/usr/bin"
     list = [1]
     list += 2
     msg = hello \${base} world`,
    { env: { PGHOST: 'db.local' } },
  );
  assert.equal(c.a, 10);
  assert.equal(c.host, 'db.local');
  assert.equal(Object.hasOwn(c, 'maybe'), false);
  assert.equal(c.path, '/bin:/usr/bin');
  assert.deepEqual(c.list, [1, 2]);
  assert.equal(c.msg, 'hello 10 world');
  const d = parseHocon(['a = $', '{HOST:localhost}\nb = $', '{EMPTY:}\nc = $', '{SET:x}\nsink { Jdbc { table = $', '{table_name} } }'].join(''), { env: { SET: 'y' } });
  assert.deepEqual([d.a, d.b, d.c], ['localhost', '', 'y']);
  assert.deepEqual(d.sink, [{ plugin_name: 'Jdbc', table: '$' + '{table_name}' }]);
});

test('triple quotes, comments, escapes, object merge and big integers', () => {
  const c = parseHocon(`
    # hash comment
    q = """select "a" from t
    where x = 1"""   // slash comment
    s = "tab\\tnew\\u0041"
    o { a = 1 }
    o { b = 2 }
    big = 9223372036854775807
    f = 1.5
    t = true
    n = null`);
  assert.equal(c.q, 'select "a" from t\n    where x = 1');
  assert.equal(c.s, 'tab\tnewA');
  assert.deepEqual(c.o, { a: 1, b: 2 });
  assert.equal(c.big, '9223372036854775807');
  assert.equal(c.f, 1.5);
  assert.equal(c.t, true);
  assert.equal(c.n, null);
});

test('a key may put its object or list on the next line', () => {
  const c = parseHocon('rules =\n  {\n    row_rules = [ { rule_type = MIN_ROW, rule_value = 1 } ]\n  }\nlist =\n[1, 2]');
  assert.deepEqual(c, { rules: { row_rules: [{ rule_type: 'MIN_ROW', rule_value: 1 }] }, list: [1, 2] });
});

test('errors carry line numbers', () => {
  const cases: [string, RegExp][] = [
    ['a = 1\nb = \nc = 2', /^line 2: expected a value/],
    ['a {\n b = 1\n', /^line 3: expected '}'/],
    ['a = "open\n', /^line 1: unterminated quoted string/],
    ['x = 1\ny = $' + '{missing}', /^line 2: could not resolve substitution to a value: \$\{missing\}/],
    ['a = [1, 2\n', /unterminated array/],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => parseHocon(text),
      (e: unknown) => isDomainError(e) && re.test(e.message),
      text,
    );
  }
});

test('JSON job files: strict syntax, exact int64, legacy and new wiring keys', () => {
  assert.throws(() => parseJobText('{not json', 'json'), /line 1/);
  const raw = parseJobText(
    '{"env":{"job.mode":"streaming","parallelism":2,"checkpoint.interval":5000,"job.name":"x"},"source":[{"plugin_name":"FakeSource","result_table_name":"fake","id":862969647010611202}],"transform":[{"plugin_name":"Sql","plugin_input":"fake","plugin_output":"out"}],"sink":[{"plugin_name":"Console","source_table_name":["out"]}]}',
    'json',
  );
  assert.equal((raw.source as { id: string }[])[0].id, '862969647010611202');
  const cfg = buildJobConfig(raw);
  assert.equal(cfg.env.mode, 'STREAMING');
  assert.equal(cfg.env.parallelism, 2);
  assert.equal(cfg.env.checkpointInterval, 5000);
  assert.equal(cfg.env.jobName, 'x');
  assert.equal(cfg.sources[0].output, 'fake');
  assert.deepEqual(cfg.transforms[0].inputs, ['fake']);
  assert.equal(cfg.transforms[0].output, 'out');
  assert.deepEqual(cfg.sinks[0].inputs, ['out']);
  assert.deepEqual(envOptionsAsStrings(cfg.env.raw), { 'job.mode': 'streaming', parallelism: '2', 'checkpoint.interval': '5000', 'job.name': 'x' });
  assert.throws(() => buildJobConfig({ env: {}, sink: [{ plugin_name: 'Console' }] }), /Miss <Source> config!/);
  assert.throws(() => buildJobConfig({ env: { 'job.mode': 'nope' }, source: [{ plugin_name: 'a' }], sink: [{ plugin_name: 'b' }] }), /BATCH or STREAMING/);
});

test('schema field types', () => {
  assert.deepEqual(parseType('decimal(10, 2)', 'x'), { kind: 'decimal', precision: 10, scale: 2 });
  assert.deepEqual(parseType('array<int>', 'x'), { kind: 'array', element: { kind: 'int' } });
  assert.deepEqual(parseType('map<string, {c_int = int}>', 'x'), {
    kind: 'map',
    key: { kind: 'string' },
    value: { kind: 'row', fields: [{ name: 'c_int', type: { kind: 'int' } }] },
  });
  assert.deepEqual(parseType('BIGINT', 'x'), { kind: 'bigint' });
  assert.throws(() => parseType('decimal', 'x'), /bad type/);
  const s = parseSchema({ columns: [{ name: 'id', type: 'bigint', nullable: false }], primaryKey: { name: 'pk', columnNames: ['id'] } }, 't', 'x');
  assert.deepEqual(s, { table: 't', fields: [{ name: 'id', type: { kind: 'bigint' }, nullable: false }], primaryKey: ['id'], primaryKeyName: 'pk' });
  const catalog = parseSchema(
    {
      table: 'db.users',
      columns: [
        { name: 'id', type: 'bigint', nullable: false, columnLength: 20, defaultValue: 0, comment: 'key' },
        { name: 'name', type: 'string' },
      ],
      constraintKeys: [{ constraintName: 'uk_name', constraintType: 'UNIQUE_KEY', constraintColumns: [{ columnName: 'name', sortType: 'DESC' }] }],
    },
    't',
    'x',
  );
  assert.deepEqual(catalog?.fields[0], { name: 'id', type: { kind: 'bigint' }, nullable: false, columnLength: 20, defaultValue: 0n, comment: 'key' });
  assert.deepEqual(catalog?.constraintKeys, [{ name: 'uk_name', type: 'UNIQUE_KEY', columns: [{ name: 'name', sort: 'DESC' }] }]);
  assert.throws(() => parseSchema({ columns: [{ name: 'a' }], constraintKeys: [{ constraintType: 'CHECK', constraintColumns: [] }] }, 't', 'x'), /unknown constraintType 'CHECK'/);
});

test('SQL job files: config comment, CREATE TABLE WITH, AS SELECT, INSERT INTO', () => {
  const c = parseSqlConfig(`/* config
env {
  parallelism = 1
  job.mode = "BATCH"
}
*/
-- a comment
CREATE TABLE source_table WITH (
  'connector'='FakeSource',
  'type'='source',
  'row.num' = '3',
  'schema' = '{ fields { id = int, name = string } }'
);
CREATE TABLE named AS SELECT id, name FROM source_table WHERE id > 0;
CREATE TABLE sink_table WITH ('connector'='Console', 'type'='sink', 'note' = 'it''s; fine');
INSERT INTO sink_table SELECT * FROM named;
INSERT INTO sink_table SELECT id FROM source_table;`);
  assert.deepEqual(c.env, { parallelism: 1, 'job.mode': 'BATCH' });
  assert.deepEqual(c.source, [{ plugin_name: 'FakeSource', 'row.num': '3', schema: { fields: { id: 'int', name: 'string' } }, plugin_output: 'source_table' }]);
  assert.deepEqual(c.transform, [
    { plugin_name: 'Sql', plugin_input: 'source_table', plugin_output: 'named', query: 'SELECT id, name FROM source_table WHERE id > 0' },
    { plugin_name: 'Sql', plugin_input: 'source_table', plugin_output: '__insert_1', query: 'SELECT id FROM source_table' },
  ]);
  assert.deepEqual(c.sink, [
    { plugin_name: 'Console', note: "it's; fine", plugin_input: 'named' },
    { plugin_name: 'Console', note: "it's; fine", plugin_input: '__insert_1' },
  ]);
  assert.throws(() => parseSqlConfig('CREATE TABLE x WITH (\'type\'=\'source\')'), /line 1: table x has no 'connector'/);
  assert.throws(() => parseSqlConfig('\nDROP TABLE x'), /line 2: unsupported statement/);
});
