// /api/put: OpenTSDB's PutDataPointRpc (204 when all stored; summary/details replies; per-point errors).

import type { DataPointWriter, IncomingDataPoint } from '../../annotations/datapoint-writer.ts';
import { badJson } from '../../annotations/errors.ts';
import { OpentsdbHttpError, methodNotAllowed } from './http-error.ts';
import type { Reply } from './reply.ts';
import { type OpentsdbRequest, parseJsonBody } from './wire.ts';

export async function handlePut(writer: DataPointWriter, req: OpentsdbRequest): Promise<Reply> {
  if (req.method !== 'POST') throw methodNotAllowed(req.method);
  const first = req.body.trimStart()[0];
  if (first !== undefined && first !== '{' && first !== '[') {
    throw badJson('The JSON must start as an object or an array');
  }
  const body = parseJsonBody(req);
  const points = (Array.isArray(body) ? body : [body]) as IncomingDataPoint[];
  const outcome = await writer.put(points);
  const details = req.query.has('details');
  const summary = details || req.query.has('summary');
  if (!summary) {
    if (outcome.failed === 0) return { status: 204 };
    throw new OpentsdbHttpError(400, 'One or more data points had errors', 'Please see the TSD logs or append "details" to the put request');
  }
  const reply: Record<string, unknown> = { success: outcome.success, failed: outcome.failed };
  if (details) reply.errors = outcome.errors;
  return { status: outcome.failed === 0 ? 200 : 400, body: reply };
}
