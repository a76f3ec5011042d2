// Reading OpenTSDB request bodies and query strings into domain values, as Jackson and HttpQuery do.

import type { AnnotationWrite } from '../../annotations/annotation.ts';
import { badJson, missingContent, withDetails } from '../../annotations/errors.ts';

/** The request as the handlers see it: effective verb, query string, raw body. */
export interface OpentsdbRequest {
  /** The verb after `method_override`. */
  method: string;
  /** The verb on the wire. */
  realMethod: string;
  query: URLSearchParams;
  /** The raw body ('' when none). */
  body: string;
  /** Path segments after the endpoint, lower-cased (`['bulk']` for `/api/annotation/bulk`). */
  rest: string[];
  nowMs: number;
}

/** OpenTSDB's "request has content" test: a body with something in it. */
export function hasContent(req: OpentsdbRequest): boolean {
  return req.body.trim().length > 0;
}

/** Parses a required JSON body; an empty one is OpenTSDB's `Missing message content`. */
export function parseJsonBody(req: OpentsdbRequest): unknown {
  if (!hasContent(req)) {
    throw withDetails(missingContent(), 'Supply valid JSON formatted data in the body of your request');
  }
  try {
    return JSON.parse(req.body);
  } catch (err) {
    throw badJson(`Unable to parse the given JSON: ${(err as Error).message}`);
  }
}

/** A query-string parameter: undefined when absent, the first value otherwise. */
export function param(req: OpentsdbRequest, name: string): string | undefined {
  const value = req.query.get(name);
  return value === null ? undefined : value;
}

/** Jackson's coercion of a JSON value into a Java `long`: integers and numeric strings. */
export function readLong(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
    const n = Number(value.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  throw badJson(`Unable to parse value for field "${field}": ${JSON.stringify(value)} is not a long integer`);
}

function readString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badJson(`Unable to parse value for field "${field}": expected a string`);
}

function readCustom(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badJson('Unable to parse value for field "custom": expected an object of strings');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = readString(v, `custom.${k}`);
  }
  return out;
}

/**
 * One annotation object from JSON, keeping OpenTSDB's "changed" rules: a field counts only when it
 * differs from its default, `custom` whenever it is non-null. Unknown fields are ignored.
 */
export function readAnnotationObject(value: unknown): AnnotationWrite {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badJson('Unable to parse the annotation: expected a JSON object');
  }
  const o = value as Record<string, unknown>;
  const write: AnnotationWrite = {
    tsuid: o.tsuid === undefined || o.tsuid === null ? '' : readString(o.tsuid, 'tsuid'),
    startTime: o.startTime === undefined || o.startTime === null ? 0 : readLong(o.startTime, 'startTime'),
  };
  if (o.endTime !== undefined && o.endTime !== null) {
    const end = readLong(o.endTime, 'endTime');
    if (end !== 0) write.endTime = end;
  }
  if (o.description !== undefined && o.description !== null) {
    const d = readString(o.description, 'description');
    if (d !== '') write.description = d;
  }
  if (o.notes !== undefined && o.notes !== null) {
    const n = readString(o.notes, 'notes');
    if (n !== '') write.notes = n;
  }
  if (o.custom !== undefined && o.custom !== null) write.custom = readCustom(o.custom);
  return write;
}

/** A JSON array of annotation objects (bulk writes). */
export function readAnnotationArray(value: unknown): AnnotationWrite[] {
  if (!Array.isArray(value)) {
    throw badJson('Can not deserialize instance of java.util.ArrayList out of START_OBJECT token');
  }
  return value.map(readAnnotationObject);
}
