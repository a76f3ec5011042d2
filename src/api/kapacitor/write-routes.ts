// POST /write (Kapacitor and InfluxDB 1.x clients): line protocol in, 204 out.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { isDomainError, statusOfKind } from '../../core/errors.ts';
import type { WriteService } from '../../ingest/write-service.ts';
import { acceptRawBodiesInto, readRawBody } from '../http/raw-body.ts';
import { JSON_CONTENT_TYPE } from './reply.ts';

export interface WriteRoutesOptions {
  writes: WriteService;
  /** Largest body accepted, compressed or not. */
  maxBodySize: number;
}

/** Registers `POST /write` in the given scope (mounted under the base paths and at the root). */
export function writeRoutes({ writes, maxBodySize }: WriteRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      acceptRawBodiesInto(scope, (length) => writes.bodyMemory(length));
      scope.post('/write', { bodyLimit: maxBodySize }, async (request, reply) => {
        const query = request.query as Record<string, string | undefined>;
        try {
          const body = await readRawBody(request, maxBodySize);
          await writes.write({ database: query.db, retentionPolicy: query.rp, precision: query.precision, body });
        } catch (err) {
          if (isDomainError(err)) return sendPlainError(reply, statusOfKind(err.kind), err.message);
          throw err;
        }
        return reply.code(204).send();
      });
    });
  };
}

/** Kapacitor answers write errors as plain text with a newline, although the content type says JSON. */
function sendPlainError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type(JSON_CONTENT_TYPE).send(`${message}\n`);
}
