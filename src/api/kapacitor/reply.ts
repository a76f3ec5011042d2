// Kapacitor's response conventions: pretty JSON bodies and the {"error","message"} envelope.

import type { FastifyReply } from 'fastify';
import { stringifyJson } from '../../core/json.ts';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Sends `body` as Kapacitor does: 4-space indented JSON, bigint values kept exact. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_CONTENT_TYPE).send(stringifyJson(body, 4));
}

/** Compact JSON, as httpOut endpoints answer. */
export function sendCompactJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_CONTENT_TYPE).send(stringifyJson(body));
}

/** `{"error": msg, "message": msg}` — both keys since Kapacitor 1.6. */
export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendJson(reply, status, { error: message, message });
}
