// The shared conformance suite: every source and sink implementation runs these same cases.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../config/hocon.ts';
import type { Row, TableSchema, Value } from '../row.ts';
import type { Sink, Source, SourceSplit } from './contract.ts';

/**
 * Reads every split to its end with one reader; returns the rows in read order. `tables`, when
 * given, receives each row's table index (multi-table sources).
 */
export async function drain(source: Source, splits: SourceSplit[], limit = Number.POSITIVE_INFINITY, tables?: number[]): Promise<Row[]> {
  const reader = await source.reader(0);
  const rows: Row[] = [];
  try {
    for (const split of splits) {
      for (let guard = 0; guard < 100_000 && rows.length < limit; guard++) {
        const status = await reader.read(split, (batch, table = 0) => {
          rows.push(...batch);
          if (tables) for (let i = 0; i < batch.length; i++) tables.push(table);
        });
        if (status !== 'more') break;
      }
    }
  } finally {
    await reader.close();
  }
  return rows;
}

const key = (values: Value[]) => JSON.stringify(values, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v));

export interface SourceCase {
  /** A fresh source over a fixture of known size (the case may call it several times). */
  make(): Promise<Source> | Source;
  /** How many rows a full read yields. */
  expectedRows: number;
  parallelism?: number;
  /** Called once after the cases (drop fixtures). */
  cleanup?: () => Promise<void>;
}

export function sourceConformance(name: string, c: SourceCase): void {
  test(`${name} (source contract): schema, JSON splits with unique ids, full read`, async () => {
    const source = await c.make();
    const schema = source.schema();
    const tables = source.tables?.() ?? [schema];
    assert.deepEqual(tables[0], schema, 'schema() is the first table');
    for (const t of tables) {
      assert.ok(t.fields.length > 0, 'a schema with fields');
      assert.equal(typeof t.table, 'string');
    }
    const splits = await source.splits(c.parallelism ?? 1);
    assert.equal(new Set(splits.map((s) => s.id)).size, splits.length, 'unique split ids');
    assert.deepEqual(JSON.parse(JSON.stringify(splits)), splits, 'splits are plain JSON');
    const indexes: number[] = [];
    const rows = await drain(source, splits, Number.POSITIVE_INFINITY, indexes);
    assert.equal(rows.length, c.expectedRows);
    rows.forEach((r, i) => {
      const table = tables[indexes[i]];
      assert.ok(table, `table index ${indexes[i]} is one of the ${tables.length} declared tables`);
      assert.equal(r.values.length, table.fields.length, 'every row has one value per field of its table');
    });
    await source.close();
  });

  test(`${name} (source contract): a restored split continues without loss or duplicates`, async () => {
    const source = await c.make();
    if (!source.resumable) return;
    const splits = await source.splits(c.parallelism ?? 1);
    const reader = await source.reader(0);
    const first: Row[] = [];
    // Read one step of the first split, then "checkpoint" every split's offset.
    await reader.read(splits[0], (b) => {
      first.push(...b);
    });
    await reader.close();
    const saved = JSON.parse(JSON.stringify(splits)) as SourceSplit[];
    const rest = await drain(await c.make(), saved);
    const all = [...first, ...rest];
    assert.equal(all.length, c.expectedRows, 'rows before and after the checkpoint add up');
    const fresh = await drain(await c.make(), await (await c.make()).splits(c.parallelism ?? 1));
    assert.deepEqual(all.map((r) => key(r.values)).sort(), fresh.map((r) => key(r.values)).sort(), 'the same rows as an uninterrupted read');
    await source.close();
  });

  if (c.cleanup) test(`${name} (source contract): cleanup`, c.cleanup);
}

export interface SinkCase {
  make(): Promise<Sink> | Sink;
  schema: TableSchema;
  rows: Row[];
  /** The rows visible in the target system, as value arrays (order-insensitive comparison). */
  readBack(): Promise<Value[][]>;
  /** Prepared but uncommitted data is invisible and abort drops it (two-phase sinks). */
  transactional: boolean;
  /** Starts each case from an empty target. */
  reset(): Promise<void>;
}

export function sinkConformance(name: string, c: SinkCase): void {
  const sorted = (rows: Value[][]) => rows.map(key).sort();

  test(`${name} (sink contract): write, prepare, commit makes every row visible once`, async () => {
    await c.reset();
    const sink = await c.make();
    await sink.open(c.schema);
    const half = Math.ceil(c.rows.length / 2);
    await sink.write(c.rows.slice(0, half));
    await sink.write(c.rows.slice(half));
    const info = await sink.prepareCommit(1);
    if (info !== undefined) {
      assert.deepEqual(JSON.parse(JSON.stringify(info)), info, 'commit info is plain JSON');
      await sink.commit(info);
      // A restore may commit the same info again.
      await sink.commit(info as JsonValue);
    }
    await sink.close(true);
    assert.deepEqual(sorted(await c.readBack()), sorted(c.rows.map((r) => r.values)));
  });

  test(`${name} (sink contract): abort drops what was not committed`, async () => {
    await c.reset();
    const sink = await c.make();
    await sink.open(c.schema);
    await sink.write(c.rows.slice(0, 1));
    const info = await sink.prepareCommit(1);
    if (info !== undefined) await sink.commit(info);
    await sink.write(c.rows.slice(1));
    await sink.abort();
    await sink.close(false);
    const visible = await c.readBack();
    if (c.transactional) assert.deepEqual(sorted(visible), sorted([c.rows[0].values]));
    else assert.ok(visible.length >= 1, 'committed rows stay');
  });
}
