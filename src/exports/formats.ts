// Encodes a run's rows: CSV (RFC 4180, header from the result's fields), JSON lines, or one JSON document.

import type { SplResult } from '../query/spl/executor.ts';
import type { Value } from '../query/spl/values.ts';

export type ExportFormat = 'csv' | 'jsonl' | 'json';

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

function csvCell(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  // Multivalue fields become one cell with a value per line, as Splunk's CSV export writes them.
  const text = Array.isArray(v) ? v.map((x) => (x === null ? '' : String(x))).join('\n') : String(v);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(result: SplResult): string {
  const lines = [result.fields.map((f) => csvCell(f)).join(',')];
  for (const row of result.rows) lines.push(result.fields.map((f) => csvCell(row[f])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJsonLines(result: SplResult): string {
  let out = '';
  for (const row of result.rows) out += `${JSON.stringify(row)}\n`;
  return out;
}

export function encode(result: SplResult, format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return toCsv(result);
    case 'jsonl':
      return toJsonLines(result);
    default:
      return JSON.stringify({ fields: result.fields, rows: result.rows });
  }
}
