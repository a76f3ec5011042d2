// Kapacitor's result rows ({name, tags, columns, values}) built from points and batches, as compact JSON.

import type { FieldValue, Tags } from '../core/point.ts';
import { formatRFC3339Nano } from '../core/time.ts';

export { stringifyJson as toJson } from '../core/json.ts';
import type { Batch, BatchPoint } from './messages.ts';

/** A row as Kapacitor's models.Row marshals it; empty parts are left out. */
export interface ResultRow {
  name?: string;
  tags?: Tags;
  columns?: string[];
  values?: (FieldValue | string | null)[][];
}

function sortedTags(tags: Tags): Tags | undefined {
  const keys = Object.keys(tags);
  if (keys.length === 0) return undefined;
  keys.sort();
  const out: Tags = {};
  for (const k of keys) out[k] = tags[k];
  return out;
}

function timeText(ms: number, ns: number): string {
  return formatRFC3339Nano({ ms, ns });
}

/** A single point: all its tags, its fields as sorted columns. */
export function pointRow(name: string, p: BatchPoint): ResultRow {
  const columns = ['time', ...Object.keys(p.fields).sort()];
  const values: (FieldValue | string)[] = [timeText(p.timeMs, p.timeNs)];
  for (let i = 1; i < columns.length; i++) values.push(p.fields[columns[i]]);
  return compact({ name, tags: sortedTags(p.tags), columns, values: [values] });
}

/** A batch: group tags as row tags; other point tags (from the first point) become extra columns. */
export function batchRow(b: Batch): ResultRow {
  const row: ResultRow = { name: b.name, tags: sortedTags(b.group.tags) };
  if (b.points.length === 0) return compact(row);
  const first = b.points[0];
  const groupTags = b.group.tags;
  const fieldCols = Object.keys(first.fields);
  const tagCols = Object.keys(first.tags).filter((t) => groupTags[t] === undefined);
  const isTag = new Set(tagCols);
  const cols = [...fieldCols, ...tagCols].sort();
  row.columns = ['time', ...cols];
  row.values = b.points.map((p) => {
    const out: (FieldValue | string | null)[] = [timeText(p.timeMs, p.timeNs)];
    for (const c of cols) {
      const v = isTag.has(c) ? p.tags[c] : p.fields[c];
      out.push(v === undefined ? null : v);
    }
    return out;
  });
  return compact(row);
}

function compact(row: ResultRow): ResultRow {
  const out: ResultRow = {};
  if (row.name) out.name = row.name;
  if (row.tags) out.tags = row.tags;
  if (row.columns && row.columns.length > 0) out.columns = row.columns;
  if (row.values && row.values.length > 0) out.values = row.values;
  return out;
}
