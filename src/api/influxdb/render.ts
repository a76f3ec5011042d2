// InfluxDB 1.x /query JSON: results with series, times as RFC 3339 or epoch numbers, int64 exact,
// and the chunked form (one JSON document per line, `partial` until a statement is complete).

import { formatRFC3339Nano, type Instant, toNsString } from '../../core/time.ts';
import type { Cell, ResultSeries, StatementResult } from '../../query/influxql/result.ts';
import { isInstant } from '../../query/influxql/result.ts';

export type Epoch = 'ns' | 'u' | 'µ' | 'ms' | 's' | 'm' | 'h';

const EPOCHS = new Set<string>(['ns', 'n', 'u', 'µ', 'ms', 's', 'm', 'h']);

/** The epoch parameter, or undefined for RFC 3339 strings (also for unknown values, as InfluxDB does). */
export function parseEpoch(text: string | undefined): Epoch | undefined {
  if (text === undefined || !EPOCHS.has(text)) return undefined;
  return text === 'n' ? 'ns' : (text as Epoch);
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** A time as InfluxDB prints it under `epoch` (integer division toward zero for positive times). */
export function renderTime(t: Instant, epoch: Epoch | undefined): string {
  switch (epoch) {
    case undefined:
      return JSON.stringify(formatRFC3339Nano(t));
    case 'ns':
      return toNsString(t);
    case 'u':
    case 'µ': {
      const us = t.ms * 1000 + floorDiv(t.ns, 1000);
      return Number.isSafeInteger(us) ? String(us) : ((BigInt(t.ms) * 1_000_000n + BigInt(t.ns)) / 1000n).toString();
    }
    case 'ms':
      return String(t.ms);
    case 's':
      return String(floorDiv(t.ms, 1000));
    case 'm':
      return String(floorDiv(t.ms, 60_000));
    default:
      return String(floorDiv(t.ms, 3_600_000));
  }
}

function renderCell(v: Cell, epoch: Epoch | undefined): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
  }
  return isInstant(v) ? renderTime(v, epoch) : 'null';
}

function renderSeries(s: ResultSeries, epoch: Epoch | undefined, values: Cell[][], partial: boolean): string {
  let out = '{';
  if (s.name !== undefined) out += `"name":${JSON.stringify(s.name)},`;
  if (s.tags !== undefined) out += `"tags":${JSON.stringify(s.tags)},`;
  out += `"columns":${JSON.stringify(s.columns)}`;
  if (values.length > 0) out += `,"values":[${values.map((row) => `[${row.map((c) => renderCell(c, epoch)).join(',')}]`).join(',')}]`;
  if (partial) out += ',"partial":true';
  return `${out}}`;
}

function renderResult(r: StatementResult, epoch: Epoch | undefined, series = r.series, partial = false, seriesText?: string[]): string {
  let out = `{"statement_id":${r.statement_id}`;
  const texts = seriesText ?? series?.map((s) => renderSeries(s, epoch, s.values, false));
  if (texts !== undefined && texts.length > 0) out += `,"series":[${texts.join(',')}]`;
  if (r.messages !== undefined && r.messages.length > 0) out += `,"messages":${JSON.stringify(r.messages)}`;
  if (r.error !== undefined) out += `,"error":${JSON.stringify(r.error)}`;
  if (partial) out += ',"partial":true';
  return `${out}}`;
}

/** The whole response body of a non-chunked query. */
export function renderResults(results: readonly StatementResult[], epoch: Epoch | undefined): string {
  return `{"results":[${results.map((r) => renderResult(r, epoch)).join(',')}]}`;
}

/** Chunked responses: every chunk of at most `chunkSize` rows is its own line. */
export function* renderChunks(results: readonly StatementResult[], epoch: Epoch | undefined, chunkSize: number): Generator<string> {
  const size = chunkSize > 0 ? chunkSize : 10_000;
  for (const r of results) {
    const series = r.series ?? [];
    if (series.length === 0) {
      yield `{"results":[${renderResult(r, epoch)}]}\n`;
      continue;
    }
    for (let si = 0; si < series.length; si++) {
      const s = series[si];
      const rows = s.values;
      const parts = Math.max(1, Math.ceil(rows.length / size));
      for (let p = 0; p < parts; p++) {
        const morePieces = p < parts - 1;
        const moreInStatement = morePieces || si < series.length - 1;
        const text = renderSeries(s, epoch, rows.slice(p * size, (p + 1) * size), morePieces);
        yield `{"results":[${renderResult(r, epoch, undefined, moreInStatement, [text])}]}\n`;
      }
    }
  }
}

/** Pretty-printed form (`pretty=true`): the same document, indented by four spaces. */
export function prettyJson(text: string): string {
  // The compact text has big integers as bare digits; re-indent without parsing numbers.
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if ((c === '{' || c === '[') && (text[i + 1] === '}' || text[i + 1] === ']')) {
      out += c + text[++i];
    } else if (c === '{' || c === '[') {
      depth++;
      out += `${c}\n${'    '.repeat(depth)}`;
    } else if (c === '}' || c === ']') {
      depth--;
      out += `\n${'    '.repeat(depth)}${c}`;
    } else if (c === ',') {
      out += `,\n${'    '.repeat(depth)}`;
    } else if (c === ':') {
      out += ': ';
    } else out += c;
  }
  return out;
}

