// Runs a parsed SPL query over a row source: time range and source selectors pushed down, a
// columnar fast path for a leading `stats`, then the commands over rows.

import { columnValue, type FieldColumn } from '../../store/series-store.ts';
import type { Command, Query, SearchNode } from './ast.ts';
import { applyCommand, type PipelineContext, StatsGroups } from './commands.ts';
import { splRuntime, splTooManyRows } from './errors.ts';
import { compileSearch, type RowPredicate } from './search.ts';
import { addRowCount } from './stats.ts';
import { chunkRows, type RowChunk, type RowSource, type SourceRequest, splValue } from './row-source.ts';
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
  const { request, rest } = pushDown(query.search, startMs, endMs);
  const filter = new ChunkFilter(rest);
  const ctx: PipelineContext = { now: options.now, timezone, startMs, endMs };
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  let commands = query.commands;
  let rows: Row[];
  const first = commands[0];
  if (first?.name === 'stats' && first.aggs.every((a) => FAST_AGGS.has(a.fn))) {
    rows = await fastStats(first, source, request, filter);
    commands = commands.slice(1);
  } else {
    const withRaw = needsRaw(query, rest);
    rows = [];
    for await (const chunk of source.chunks(request)) {
      const predicate = filter.forChunk(chunk);
      if (predicate === false) continue;
      for (const row of chunkRows(chunk, withRaw)) {
        if (predicate === undefined || predicate(row)) rows.push(row);
      }
      if (rows.length > maxRows) throw splTooManyRows(maxRows);
    }
    // Newest first, as Splunk returns events (stable: ties keep the series order).
    if (orderMatters(commands)) rows.sort((a, b) => (b._time as number) - (a._time as number));
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
  return { request, rest };
}

/** The fields a search node reads, or undefined when it reads `_raw` (terms). */
function fieldsOf(node: SearchNode): string[] | undefined {
  switch (node.k) {
    case 'all':
      return [];
    case 'term':
      return undefined;
    case 'not':
      return fieldsOf(node.item);
    case 'and':
    case 'or': {
      const out: string[] = [];
      for (const item of node.items) {
        const fields = fieldsOf(item);
        if (fields === undefined) return undefined;
        out.push(...fields);
      }
      return out;
    }
    default:
      return [node.field];
  }
}

/**
 * The search conditions left after push-down, split per chunk: a condition that only reads the
 * chunk's constants (index, sourcetype, tags) is decided once for the whole chunk.
 */
class ChunkFilter {
  readonly #items: { fields: string[] | undefined; test: RowPredicate }[];

  /** Whether some condition matches terms against `_raw`. */
  readonly readsRaw: boolean;

  constructor(items: readonly SearchNode[]) {
    this.#items = items.map((node) => ({ fields: fieldsOf(node), test: compileSearch(node) }));
    this.readsRaw = items.some(hasTerms);
  }

  /** false: skip the chunk; undefined: every row passes; else the test for each row. */
  forChunk(chunk: RowChunk): false | RowPredicate | undefined {
    if (this.#items.length === 0) return undefined;
    let constants: Row | undefined;
    const perRow: RowPredicate[] = [];
    for (const item of this.#items) {
      const constant =
        item.fields?.every((f) => f !== '_time' && f !== '_raw' && !chunk.fields.has(f)) === true;
      if (!constant) {
        perRow.push(item.test);
        continue;
      }
      constants ??= { index: chunk.index, sourcetype: chunk.sourcetype, ...chunk.tags };
      if (!item.test(constants)) return false;
    }
    if (perRow.length === 0) return undefined;
    return perRow.length === 1 ? perRow[0] : (row) => perRow.every((p) => p(row));
  }
}

function hasTerms(node: SearchNode): boolean {
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
function needsRaw(query: Query, rest: readonly SearchNode[]): boolean {
  if (rest.some(hasTerms) || query.text.includes('_raw')) return true;
  for (const cmd of query.commands) {
    if (cmd.name === 'search' && hasTerms(cmd.body)) return true;
    if (cmd.name === 'rex' && cmd.field === '_raw') return true;
    if (PROJECTING.has(cmd.name)) return false;
  }
  return true;
}

/** Commands that keep or drop rows one by one without looking at their order. */
const ORDER_BLIND = new Set(['search', 'where', 'eval', 'rex', 'fields', 'rename']);

/**
 * Whether the event order can show in the result: not when the first command that looks at
 * more than one row is a `stats` without `list` or a `timechart` (both group by value or time).
 */
function orderMatters(commands: readonly Command[]): boolean {
  for (const cmd of commands) {
    if (ORDER_BLIND.has(cmd.name)) continue;
    if (cmd.name === 'timechart') return false;
    return !(cmd.name === 'stats' && cmd.aggs.every((a) => a.fn !== 'list'));
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
async function fastStats(
  cmd: Extract<Command, { name: 'stats' }>,
  source: RowSource,
  request: SourceRequest,
  filter: ChunkFilter,
): Promise<Row[]> {
  const groups = new StatsGroups(cmd.aggs, cmd.by);
  const byRows = (chunk: RowChunk, predicate: RowPredicate | undefined) => {
    for (const row of chunkRows(chunk, predicate !== undefined && filter.readsRaw)) {
      if (predicate === undefined || predicate(row)) groups.addRow(row);
    }
  };
  chunks: for await (const chunk of source.chunks(request)) {
    const predicate = filter.forChunk(chunk);
    if (predicate === false) continue;
    // Rows that need a per-row test, by-fields that vary within the chunk and aggregated tags
    // take the row path; the rest is folded straight from the columns.
    if (predicate !== undefined) {
      byRows(chunk, predicate);
      continue;
    }
    const byValues: Value[] = [];
    for (const f of cmd.by) {
      const where = constantOf(chunk, f);
      if (where === 'missing') continue chunks;
      if (where === 'column') {
        byRows(chunk, undefined);
        continue chunks;
      }
      byValues.push(where.value);
    }
    if (cmd.aggs.some((a) => a.field !== undefined && constantOf(chunk, a.field) !== 'column' && constantOf(chunk, a.field) !== 'missing')) {
      byRows(chunk, undefined);
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

function addColumn(acc: ReturnType<StatsGroups['group']>[number], column: FieldColumn, chunk: RowChunk): void {
  if (column.type === 'float' && acc.addFloats !== undefined) {
    acc.addFloats(column.values, column.valid, chunk.length);
    return;
  }
  for (let r = 0; r < chunk.length; r++) {
    const v = columnValue(column, r);
    if (v !== undefined) acc.add(splValue(v), chunk.timeMs[r]);
  }
}

function fieldOrder(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}
