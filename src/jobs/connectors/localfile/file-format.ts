// Row encodings shared by the file and message connectors: text (delimited), csv (quoted) and json (one object per line).

import { coerce } from '../../config/schema.ts';
import { optionInvalid } from '../../errors.ts';
import type { TableSchema, Value } from '../../row.ts';
import { formatValue } from '../console/console-sink.ts';

export type FileFormat = 'text' | 'csv' | 'json';

export function parseFormat(text: string | undefined, fallback: FileFormat | undefined, where: string): FileFormat {
  const f = (text ?? fallback ?? '').toLowerCase();
  if (f === 'text' || f === 'csv' || f === 'json') return f;
  throw optionInvalid(where, `file_format_type '${text ?? ''}' is not supported (text, csv, json)`);
}

export function suffixOf(format: FileFormat): string {
  return format === 'text' ? '.txt' : `.${format}`;
}

/** Splits one CSV record, honouring double quotes ("" inside quotes is a quote). */
export function splitCsv(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      out.push(cur);
      cur = '';
      i += delimiter.length - 1;
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function csvCell(v: Value, delimiter: string): string {
  if (v === null) return '';
  const s = formatValue(v);
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Decodes one line into values of `schema` (text without a schema is one `content` column). */
export function decodeLine(line: string, format: FileFormat, schema: TableSchema, delimiter: string, where: string): Value[] {
  const fields = schema.fields;
  if (format === 'json') {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw optionInvalid(where, `bad JSON line: ${line.slice(0, 80)}`);
    }
    if (obj === null || typeof obj !== 'object') throw optionInvalid(where, `a JSON line must be an object: ${line.slice(0, 80)}`);
    return fields.map((f) => coerce((obj as Record<string, unknown>)[f.name], f.type, where));
  }
  const parts = format === 'csv' ? splitCsv(line, delimiter) : line.split(delimiter);
  return fields.map((f, i) => {
    const p = parts[i];
    if (p === undefined || (p === '' && f.type.kind !== 'string')) return null;
    if (f.type.kind === 'array' || f.type.kind === 'map' || f.type.kind === 'row') return coerce(JSON.parse(p), f.type, where);
    return coerce(p, f.type, where);
  });
}

export function encodeRow(values: Value[], format: FileFormat, schema: TableSchema, delimiter: string): string {
  if (format === 'json') {
    const obj: Record<string, Value> = {};
    schema.fields.forEach((f, i) => {
      obj[f.name] = values[i];
    });
    return JSON.stringify(obj, (_k, x) => (typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : x.toString()) : x instanceof Uint8Array ? Array.from(x) : x));
  }
  if (format === 'csv') return values.map((v) => csvCell(v, delimiter)).join(delimiter);
  return values.map((v) => (v === null ? '' : formatValue(v))).join(delimiter);
}
