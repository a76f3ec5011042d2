// /api/annotation, /api/annotations and /api/annotation/bulk: OpenTSDB's AnnotationRpc over the service.

import type { AnnotationWrite } from '../../annotations/annotation.ts';
import { annotationJson } from '../../annotations/annotation.ts';
import type { AnnotationService } from '../../annotations/annotation-service.ts';
import {
  annotationNotFound,
  badJson,
  bulkMissingStart,
  bulkMissingTarget,
  deleteFailed,
  missingParameter,
  missingStartTime,
  startTimeNotSet,
  withDetails,
} from '../../annotations/errors.ts';
import { parseOpentsdbTime } from '../../annotations/opentsdb-time.ts';
import { methodNotAllowed } from './http-error.ts';
import type { Reply } from './reply.ts';
import { type OpentsdbRequest, hasContent, param, parseJsonBody, readAnnotationArray, readAnnotationObject } from './wire.ts';

/** Query-string times are parsed to ms and then cut to whole seconds, as OpenTSDB's parseQS does. */
function secondsParam(req: OpentsdbRequest, name: string): number {
  return Math.trunc(parseOpentsdbTime(param(req, name), req.nowMs) / 1000) || 0;
}

/** The annotation a query string describes (custom maps cannot come this way). */
function readAnnotationQuery(req: OpentsdbRequest): AnnotationWrite {
  const startTime = secondsParam(req, 'start_time');
  if (startTime < 1) throw missingStartTime();
  const write: AnnotationWrite = { tsuid: param(req, 'tsuid') ?? '', startTime };
  const endTime = secondsParam(req, 'end_time');
  if (endTime !== 0) write.endTime = endTime;
  const description = param(req, 'description');
  if (description) write.description = description;
  const notes = param(req, 'notes');
  if (notes) write.notes = notes;
  return write;
}

export async function handleAnnotation(service: AnnotationService, req: OpentsdbRequest): Promise<Reply> {
  if (req.rest[0] === 'bulk') return handleBulk(service, req);
  const fromBody = hasContent(req);
  const note = fromBody ? readAnnotationObject(parseJsonBody(req)) : readAnnotationQuery(req);
  switch (req.method) {
    case 'GET': {
      if (note.startTime < 1) throw startTimeNotSet();
      const stored = await service.get(note.tsuid, note.startTime);
      if (stored === undefined) throw annotationNotFound();
      return { status: 200, body: annotationJson(stored) };
    }
    case 'POST':
    case 'PUT': {
      const stored = await service.write(note, req.method === 'PUT' ? 'replace' : 'merge');
      return stored === undefined ? { status: 304 } : { status: 200, body: annotationJson(stored) };
    }
    case 'DELETE':
      if (note.startTime < 1) throw withDetails(deleteFailed(), 'The start timestamp has not been set');
      await service.delete(note.tsuid, note.startTime);
      return { status: 204 };
    default:
      throw methodNotAllowed(req.method);
  }
}

/**
 * `/api/annotations`: the global annotations whose start lies in [start_time, end_time] and whose
 * end is unset or not after end_time (end_time defaults to now). `tsuid=` narrows to one series'
 * annotations instead (an extension; OpenTSDB only lists globals here).
 */
export async function handleAnnotationList(service: AnnotationService, req: OpentsdbRequest): Promise<Reply> {
  if (req.rest[0] === 'bulk') return handleBulk(service, req);
  if (req.method !== 'GET') throw methodNotAllowed(req.method);
  const start = secondsParam(req, 'start_time');
  if (start < 1) throw missingStartTime();
  const end = parseOpentsdbTime(param(req, 'end_time'), req.nowMs);
  const range = { startMs: start * 1000, endMs: end < 1 ? req.nowMs : end };
  const notes = await service.listEndingWithin(param(req, 'tsuid') ?? '', range);
  return { status: 200, body: notes.map(annotationJson) };
}

async function handleBulk(service: AnnotationService, req: OpentsdbRequest): Promise<Reply> {
  switch (req.method) {
    case 'POST':
    case 'PUT': {
      const notes = readAnnotationArray(parseJsonBody(req));
      const stored = await service.writeMany(notes, req.method === 'PUT' ? 'replace' : 'merge');
      return { status: 200, body: stored.map(annotationJson) };
    }
    case 'DELETE':
      return bulkDelete(service, req);
    default:
      throw methodNotAllowed(req.realMethod);
  }
}

/** The bulk-delete request object (OpenTSDB's AnnotationBulkDelete, which rejects unknown fields). */
interface BulkDelete {
  tsuids: string[] | null;
  global: boolean;
  startTime: string;
  endTime: string;
}

const BULK_DELETE_FIELDS = new Set(['tsuids', 'global', 'startTime', 'endTime', 'totalDeleted']);

function readBulkDeleteBody(value: unknown): BulkDelete {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badJson('Can not deserialize instance of AnnotationBulkDelete out of START_ARRAY token');
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!BULK_DELETE_FIELDS.has(key)) {
      throw badJson(
        `Unrecognized field "${key}" (class net.opentsdb.tsd.AnnotationRpc$AnnotationBulkDelete), not marked as ignorable`,
      );
    }
  }
  const text = (v: unknown, field: string): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw badJson(`Can not deserialize value of field "${field}" as a String`);
  };
  let tsuids: string[] | null = null;
  if (o.tsuids !== undefined && o.tsuids !== null) {
    if (!Array.isArray(o.tsuids)) throw badJson('Can not deserialize value of field "tsuids" as a list of strings');
    tsuids = o.tsuids.map((t) => text(t, 'tsuids'));
  }
  if (o.global !== undefined && o.global !== null && typeof o.global !== 'boolean') {
    throw badJson('Can not deserialize value of field "global" as a boolean');
  }
  return { tsuids, global: o.global === true, startTime: text(o.startTime, 'startTime'), endTime: text(o.endTime, 'endTime') };
}

function readBulkDeleteQuery(req: OpentsdbRequest): BulkDelete {
  const startTime = param(req, 'start_time');
  if (startTime === undefined || startTime === '') throw missingParameter('start_time');
  const tsuidsText = param(req, 'tsuids');
  return {
    tsuids: tsuidsText === undefined ? null : tsuidsText.split(',').map((t) => t.trim()),
    // OpenTSDB sets the flag on the mere presence of the parameter, whatever its value.
    global: req.query.has('global'),
    startTime,
    endTime: param(req, 'end_time') ?? '',
  };
}

async function bulkDelete(service: AnnotationService, req: OpentsdbRequest): Promise<Reply> {
  const request = hasContent(req) ? readBulkDeleteBody(parseJsonBody(req)) : readBulkDeleteQuery(req);
  if (request.startTime === '') throw bulkMissingStart();
  if (!request.global && (request.tsuids === null || request.tsuids.length === 0)) throw bulkMissingTarget();
  const startMs = parseOpentsdbTime(request.startTime, req.nowMs);
  const endMs = request.endTime === '' ? req.nowMs : parseOpentsdbTime(request.endTime, req.nowMs);
  const totalDeleted = await service.deleteRange({
    tsuids: request.tsuids ?? [],
    global: request.global,
    startMs,
    endMs,
  });
  return {
    status: 200,
    body: { tsuids: request.tsuids, global: request.global, totalDeleted, startTime: startMs, endTime: endMs },
  };
}
