// Assert sink: per-table rules (tables_configs), table-names and catalog_table_rule with SeaTunnel's failure texts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject } from '../../config/hocon.ts';
import { parseSchema } from '../../config/schema.ts';
import type { Row, TableSchema } from '../../row.ts';
import { assertSinkFactory } from './assert-sink.ts';

const make = (rules: JsonObject) => assertSinkFactory.create({ jobId: '1', mode: 'BATCH', pluginName: 'Assert', options: { rules }, services: {}, log: () => {} });

const t1: TableSchema = { table: 'test.table1', fields: [{ name: 'id', type: { kind: 'int' } }] };
const t2: TableSchema = { table: 'test.table2', fields: [{ name: 'name', type: { kind: 'string' } }] };
const ints = (...xs: number[]): Row[] => xs.map((x) => ({ kind: 0, values: [x] }));
const strs = (...xs: string[]): Row[] => xs.map((x) => ({ kind: 0, values: [x] }));

test('Assert is one sink for every table; tables_configs rules apply per table path and count rows per table', async () => {
  const rules: JsonObject = {
    tables_configs: [
      { table_path: 'test.table1', row_rules: [{ rule_type: 'MAX_ROW', rule_value: 3 }], field_rules: [{ field_name: 'id', field_value: [{ rule_type: 'MAX', rule_value: 10 }] }] },
      { table_path: 'test.table2', row_rules: [{ rule_type: 'MIN_ROW', rule_value: 2 }] },
    ],
    'table-names': ['test.table1', 'test.table2'],
  };
  assert.equal(assertSinkFactory.multiTable, true);
  const ok = make(rules);
  await ok.open(t1);
  await ok.open(t2);
  ok.write(ints(1, 2, 3), 0);
  ok.write(strs('a', 'b'), 1);
  await ok.close(true);

  const tooMany = make(rules);
  await tooMany.open(t1);
  await tooMany.open(t2);
  tooMany.write(ints(1, 2), 0);
  tooMany.write(ints(3, 4), 0);
  tooMany.write(strs('a', 'b'), 1);
  await assert.rejects(tooMany.close(true), { message: 'row num :4 fail rule: {"rule_type":"MAX_ROW","rule_value":3}' });

  const badField = make(rules);
  await badField.open(t1);
  assert.throws(() => badField.write(ints(11), 0), { message: /^row :SeaTunnelRow\{tableId=test.table1, kind=INSERT, fields=\[11\]\} fail rule: \{"field_name":"id"/ });
  // A string column of table 2 is not checked against table 1's numeric rule.
  await badField.open(t2);
  badField.write(strs('zzz'), 1);
});

test('Assert table-names: the set of tables that reached the sink must equal the list', async () => {
  const sink = make({ 'table-names': ['test.table1', 'test.table2'] });
  await sink.open(t1);
  await sink.open(t2);
  sink.write(ints(1), 0);
  sink.write([], 1);
  await assert.rejects(sink.close(true), { message: 'table names: [test.table1] is not equal to [test.table1, test.table2]' });
});

test('Assert without tables_configs applies its rules to every table, each counted on its own', async () => {
  const sink = make({ row_rules: [{ rule_type: 'MIN_ROW', rule_value: 2 }] });
  await sink.open(t1);
  await sink.open(t2);
  sink.write(ints(1, 2), 0);
  sink.write(strs('a'), 1);
  await assert.rejects(sink.close(true), { message: 'row num :1 fail rule: {"rule_type":"MIN_ROW","rule_value":2}' });
});

const users = parseSchema(
  {
    table: 'db.users',
    columns: [
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'name', type: 'string', columnLength: 64, comment: 'who' },
    ],
    primaryKey: { name: 'pk_users', columnNames: ['id'] },
    constraintKeys: [{ constraintName: 'uk_name', constraintType: 'UNIQUE_KEY', constraintColumns: [{ columnName: 'name', sortType: 'ASC' }] }],
  },
  'users',
  'test',
) as TableSchema;

const catalogRule = (over: JsonObject = {}): JsonObject => ({
  catalog_table_rule: {
    primary_key_rule: { primary_key_name: 'pk_users', primary_key_columns: ['id'] },
    constraint_key_rule: [
      { constraint_key_name: 'uk_name', constraint_key_type: 'UNIQUE_KEY', constraint_key_columns: [{ constraint_key_column_name: 'name', constraint_key_sort_type: 'ASC' }] },
    ],
    column_rule: [
      { name: 'name', type: 'string', column_length: 64, comment: 'who' },
      { name: 'id', type: 'bigint', nullable: false },
    ],
    ...over,
  },
});

test('Assert catalog_table_rule passes for the declared keys and columns (columns in any order)', async () => {
  await make(catalogRule()).open(users);
});

test('Assert catalog_table_rule failures carry SeaTunnel texts', async () => {
  const fails = async (rules: JsonObject, table: TableSchema, message: string | RegExp) =>
    assert.rejects(make(rules).open(table), { message });
  await fails(catalogRule({ primary_key_rule: { primary_key_name: 'pk', primary_key_columns: ['id'] } }), users, 'primaryKey: pk_users is not equal to pk');
  await fails(catalogRule({ primary_key_rule: { primary_key_name: 'pk_users', primary_key_columns: ['id', 'name'] } }), users, 'primaryKey columns: [id] is not equal to [id, name]');
  await fails(catalogRule(), { ...users, primaryKey: undefined }, 'primaryKey is null');
  await fails(catalogRule(), { ...users, constraintKeys: [] }, 'constraintKeys is null');
  await fails(
    catalogRule({ constraint_key_rule: [{ constraint_key_name: 'uk_name', constraint_key_type: 'INDEX_KEY', constraint_key_columns: [{ constraint_key_column_name: 'name', constraint_key_sort_type: 'ASC' }] }] }),
    users,
    /^constraintKeys: \[ConstraintKey\(constraintType=UNIQUE_KEY, constraintName=uk_name, columnNames=\[ConstraintKeyColumn\(columnName=name, sortType=ASC\)\]\)\] is not equal to \[ConstraintKey\(constraintType=INDEX_KEY/,
  );
  await fails(
    catalogRule({ column_rule: [{ name: 'id', type: 'int', nullable: false }, { name: 'name', type: 'string', column_length: 64, comment: 'who' }] }),
    users,
    /^columns: \[PhysicalColumn\(name=id, dataType=BIGINT, columnLength=0, nullable=false, defaultValue=null, comment=null\), .*\] is not equal to \[PhysicalColumn\(name=id, dataType=INT,/,
  );
  assert.throws(() => make(catalogRule({ constraint_key_rule: [{ constraint_key_type: 'CHECK' }] })), /unknown constraint_key_type 'CHECK'/);
});
