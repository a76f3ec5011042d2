// Runs a parsed SPL query over a row source: time range and source selectors pushed down, a
// columnar fast path for a leading `stats`, then the commands over rows.

import type { Command, Query, SearchNode } from './ast.ts';
import { applyCommand, type PipelineContext, StatsGroups } from './commands.ts';
import { splRuntime, splTooManyRows } from './errors.ts';
import { compileSearch } from './search.ts';
import { addRowCount } from './stats.ts';
import { type ChunkColumn, chunkRows, chunkValue, type RowChunk, type RowSource, type SourceRequest, splValue } from './row-source.ts';
import { resolveTime } from './time-modifiers.ts';
import type { Row, Value } from './values.ts';

export interface SplRunOptions {
  /** "now" for relative times and `now()` (epoch ms). */
  now: number;
  /** Zone for relative-time snapping and strftime; default UTC. */
  timezone?: string;
  /** Time range used when the query sets no earliest / latest (an export run's window). */
  startMs?: number;
  endMs?: number;
  /** Most rows held in memory at once before the run fails; default 2,000,000. */
  maxRows?: number;
}

export interface SplResult {
  /** Column names in order of first appearance. */
  fields: string[];
  rows: Row[];
  /** The time range searched. */
  startMs: number | undefined;
  endMs: number | undefined;
}

const DEFAULT_MAX_ROWS = 2_000_000;

/** Commands after which only the fields they name survive, so `_raw` is not needed past them. */
const PROJECTING = new Set(['stats', 'timechart', 'top', 'table']);

export async function runSpl(query: Query, source: RowSource, options: SplRunOptions): Promise<SplResult> {
  const timezone = options.timezone ?? 'UTC';
  let startMs = options.startMs;
  let endMs = options.endMs;
  for (const modifier of query.time) {
    const t = resolveTime(modifier.value, options.now, timezone);
    if (typeof t === 'string') throw splRuntime('search', t);
    if (modifier.which === 'earliest') startMs = t;
    else endMs = t;
  }
  const { request, residual } = pushDown(query.search, startMs, endMs);
  const ctx: PipelineContext = { now: options.now, timezone, startMs, endMs };
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  let commands = query.commands;
  let rows: Row[];
  const first = commands[0];
  if (residual === undefined && first?.name === 'stats' && first.aggs.every((a) => FAST_AGGS.has(a.fn))) {
    rows = await fastStats(first, source, request);
    commands = commands.slice(1);
  } else {
    const withRaw = needsRaw(query, residual);
    const predicate = residual === undefined ? undefined : compileSearch(residual);
    rows = [];
    for await (const chunk of source.chunks(request)) {
      for (const row of chunkRows(chunk, withRaw)) {
        if (predicate === undefined || predicate(row)) rows.push(row);
      }
      if (rows.length > maxRows) throw splTooManyRows(maxRows);
    }
    // Newest first, as Splunk returns events (stable: ties keep the series order).
    rows.sort((a, b) => (b._time as number) - (a._time as number));
  }
  for (const cmd of commands) {
    rows = applyCommand(cmd, rows, ctx);
    if (rows.length > maxRows) throw splTooManyRows(maxRows);
  }
  return { fields: fieldOrder(rows), rows, startMs, endMs };
}

const FAST_AGGS = new Set(['count', 'sum', 'avg', 'min', 'max']);

/**
 * Top-level `index=` / `sourcetype=` (exact, no wildcard) narrow the source; whatever else the
 * search says is evaluated per row.
 */
function pushDown(search: SearchNode, startMs: number | undefined, endMs: number | undefined) {
  const items = search.k === 'and' ? search.items : search.k === 'all' ? [] : [search];
  let index: string | undefined;
  let sourcetype: string | undefined;
  const rest: SearchNode[] = [];
  for (const item of items) {
    if (item.k === 'cmp' && item.op === '=' && !item.value.includes('*')) {
      if (item.field === 'index' && index === undefined) {
        index = item.value;
        continue;
      }
      if (item.field === 'sourcetype' && sourcetype === undefined) {
        sourcetype = item.value;
        continue;
      }
    }
    rest.push(item);
  }
  const request: SourceRequest = { startMs, endMs, index, sourcetype };
  const residual: SearchNode | undefined = rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : { k: 'and', items: rest };
  return { request, residual };
}

function hasTerms(node: SearchNode | undefined): boolean {
  if (node === undefined) return false;
  switch (node.k) {
    case 'term':
      return true;
    case 'and':
    case 'or':
      return node.items.some(hasTerms);
    case 'not':
      return hasTerms(node.item);
    default:
      return false;
  }
}

/** Whether rows need `_raw`, which costs a line-protocol formatting per point. */
function needsRaw(query: Query, residual: SearchNode | undefined): boolean {
  if (hasTerms(residual) || query.text.includes('_raw')) return true;
  for (const cmd of query.commands) {
    if (cmd.name === 'search' && hasTerms(cmd.body)) return true;
    if (cmd.name === 'rex' && cmd.field === '_raw') return true;
    if (PROJECTING.has(cmd.name)) return false;
  }
  return true;
}

/** Where a by-field or aggregated field lives in a chunk. */
function constantOf(chunk: RowChunk, field: string): { value: Value } | 'column' | 'missing' {
  if (field === 'index') return { value: chunk.index };
  if (field === 'sourcetype') return { value: chunk.sourcetype };
  if (field === '_time' || field === '_raw') return 'column';
  if (chunk.fields.has(field)) return 'column';
  const tag = chunk.tags[field];
  return tag === undefined ? 'missing' : { value: tag };
}

/** `stats` straight over columns: group keys that are tags, index or sourcetype are constant per chunk. */
async function fastStats(cmd: Extract<Command, { name: 'stats' }>, source: RowSource, request: SourceRequest): Promise<Row[]> {
  const groups = new StatsGroups(cmd.aggs, cmd.by);
  chunks: for await (const chunk of source.chunks(request)) {
    const byValues: Value[] = [];
    for (const f of cmd.by) {
      const where = constantOf(chunk, f);
      if (where === 'missing') continue chunks;
      if (where === 'column') {
        for (const row of chunkRows(chunk, false)) groups.addRow(row);
        continue chunks;
      }
      byValues.push(where.value);
    }
    // Aggregated fields that are constants of the chunk (tags) go through the row path too.
    if (cmd.aggs.some((a) => a.field !== undefined && constantOf(chunk, a.field) !== 'column' && constantOf(chunk, a.field) !== 'missing')) {
      for (const row of chunkRows(chunk, false)) groups.addRow(row);
      continue;
    }
    const accs = groups.group(byValues);
    for (let i = 0; i < cmd.aggs.length; i++) {
      const field = cmd.aggs[i].field;
      const acc = accs[i];
      if (field === undefined) {
        addRowCount(acc, chunk.length);
        continue;
      }
      const column = field === '_time' ? undefined : chunk.fields.get(field);
      if (field === '_time') {
        for (let r = 0; r < chunk.length; r++) acc.add(chunk.timeMs[r], chunk.timeMs[r]);
      } else if (column !== undefined) addColumn(acc, column, chunk);
    }
  }
  return groups.rows();
}

function addColumn(acc: ReturnType<StatsGroups['group']>[number], column: ChunkColumn, chunk: RowChunk): void {
  if (column.type === 'float' && acc.addFloats !== undefined) {
    acc.addFloats(column.values, column.valid, chunk.length);
    return;
  }
  for (let r = 0; r < chunk.length; r++) {
    const v = chunkValue(column, r);
    if (v !== undefined) acc.add(splValue(v), chunk.timeMs[r]);
  }
}

function fieldOrder(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}
