// Formats points back into line protocol; parse(format(p)) gives p again, to the nanosecond.

import type { FieldValue, Point, Tags, Fields } from '../core/point.ts';
import { toNsString } from '../core/time.ts';

export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, '\\$&');
}

export function escapeTag(text: string): string {
  return text.replace(/[,= ]/g, '\\$&');
}

export function escapeStringField(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}

export function formatFieldValue(value: FieldValue): string {
  switch (typeof value) {
    case 'number':
      return formatFloat(value);
    case 'bigint':
      return `${value}i`;
    case 'string':
      return `"${escapeStringField(value)}"`;
    default:
      return value ? 'true' : 'false';
  }
}

/** Shortest text that reads back as the same double; integral floats keep no decimal point, as InfluxDB prints them. */
function formatFloat(value: number): string {
  return String(value);
}

/** `measurement,k=v,k2=v2` with tags sorted by key: the series key InfluxDB uses. */
export function formatSeriesKey(name: string, tags: Tags): string {
  let key = escapeMeasurement(name);
  for (const k of Object.keys(tags).sort()) key += `,${escapeTag(k)}=${escapeTag(tags[k])}`;
  return key;
}

export function formatFields(fields: Fields): string {
  let out = '';
  for (const k of Object.keys(fields)) {
    if (out !== '') out += ',';
    out += `${escapeTag(k)}=${formatFieldValue(fields[k])}`;
  }
  return out;
}

/** One line, timestamp in nanoseconds, no trailing newline. */
export function formatPoint(point: Pick<Point, 'name' | 'tags' | 'fields' | 'timeMs' | 'timeNs'>): string {
  return `${formatSeriesKey(point.name, point.tags)} ${formatFields(point.fields)} ${toNsString({ ms: point.timeMs, ns: point.timeNs })}`;
}
