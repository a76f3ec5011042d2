// Delivers a run's rows through one of the job engine's sink connectors (a database table with Jdbc, Redis, ...).

import type { JsonObject } from '../jobs/config/hocon.ts';
import type { ConnectorServices, Sink, SinkFactory } from '../jobs/connectors/contract.ts';
import { RowKind, type Row as JobRow, type SeaType, type TableSchema, type Value as JobValue } from '../jobs/row.ts';
import type { SplResult } from '../query/spl/executor.ts';
import type { Value } from '../query/spl/values.ts';

/** Finds a sink plugin by its SeaTunnel name (`Jdbc`, `LocalFile`, ...), case-insensitively. */
export type SinkLookup = (plugin: string) => SinkFactory | undefined;

export interface SinkDestination {
  type: 'sink';
  plugin: string;
  options: JsonObject;
}

/** Rows per `write` call. */
const BATCH = 1000;

/**
 * Column types from the values: integers (within 2^53) → bigint, other numbers → double,
 * booleans → boolean, everything else (text, multivalues, mixed) → string. `_time` is epoch ms.
 */
export function jobTable(result: SplResult, table: string): { schema: TableSchema; rows: JobRow[] } {
  const kinds = result.fields.map((field) => columnKind(result.rows.map((r) => r[field])));
  const schema: TableSchema = {
    table,
    fields: result.fields.map((name, i) => ({ name, type: { kind: kinds[i] } as SeaType, nullable: true })),
  };
  const rows = result.rows.map((r) => ({
    kind: RowKind.INSERT,
    values: result.fields.map((f, i) => jobValue(r[f], kinds[i])),
  }));
  return { schema, rows };
}

type Kind = 'bigint' | 'double' | 'boolean' | 'string';

function columnKind(values: (Value | undefined)[]): Kind {
  let kind: Kind | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const k: Kind =
      typeof v === 'number' ? (Number.isSafeInteger(v) ? 'bigint' : 'double') : typeof v === 'boolean' ? 'boolean' : 'string';
    if (kind === undefined || kind === k) kind = k;
    else if ((kind === 'bigint' && k === 'double') || (kind === 'double' && k === 'bigint')) kind = 'double';
    else return 'string';
  }
  return kind ?? 'string';
}

function jobValue(v: Value | undefined, kind: Kind): JobValue {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'bigint':
      return BigInt(v as number);
    case 'double':
    case 'boolean':
      return v as number | boolean;
    default:
      return Array.isArray(v) ? v.map((x) => (x === null ? '' : String(x))).join('\n') : String(v);
  }
}

export interface SinkRun {
  factory: SinkFactory;
  destination: SinkDestination;
  taskId: string;
  count: number;
  result: SplResult;
  services: ConnectorServices;
  log: (line: string) => void;
}

/** Builds the sink (validates its options); the ids name the run in the sink's own logs and files. */
export function createSink(factory: SinkFactory, destination: SinkDestination, jobId: string, services: ConnectorServices, log: (line: string) => void): Sink {
  return factory.create({
    jobId,
    mode: 'BATCH',
    pluginName: destination.plugin,
    options: destination.options,
    services,
    log,
  });
}

/** Opens the sink, writes every row, commits once, and closes it as a finished batch. */
export async function deliverToSink(run: SinkRun): Promise<void> {
  const jobId = `export-${run.taskId}-${run.count}`;
  const sink = createSink(run.factory, run.destination, jobId, run.services, run.log);
  const { schema, rows } = jobTable(run.result, `export_${run.taskId.replaceAll('-', '_')}`);
  try {
    await sink.open(schema);
    for (let i = 0; i < rows.length; i += BATCH) await sink.write(rows.slice(i, i + BATCH));
    const info = await sink.prepareCommit(1);
    if (info !== undefined) await sink.commit(info);
  } catch (err) {
    await sink.abort().catch(() => undefined);
    await sink.close(false).catch(() => undefined);
    throw err;
  }
  await sink.close(true);
}
