// The Kapacitor dialect: mounts its routes under /kapacitor/v1 and /kapacitor/v1preview, plus /write.

import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, statusOfKind } from '../../core/errors.ts';
import { sendCompactJson, sendError } from './reply.ts';

/** The Kapacitor release whose API we speak; clients such as Chronograf read it from X-Kapacitor-Version. */
export const KAPACITOR_VERSION = '1.8.3';

export const KAPACITOR_PREFIX = '/kapacitor/v1';
export const KAPACITOR_PREVIEW_PREFIX = '/kapacitor/v1preview';

/** A group of routes registered relative to the dialect's base path (`/ping`, `/tasks`, ...). */
export type KapacitorRoutes = (app: FastifyInstance) => void | Promise<void>;

export interface KapacitorApiOptions {
  /** Route groups mounted under both base paths, in order. */
  routes: readonly KapacitorRoutes[];
  /** Route groups mounted at the server root (the InfluxDB-compatible `/write`). */
  rootRoutes: readonly KapacitorRoutes[];
}

const gzipAsync = promisify(gzip);

const CORS_METHODS = 'DELETE, GET, OPTIONS, POST, PATCH';
const CORS_HEADERS =
  'Accept, Accept-Encoding, Authorization, Content-Length, Content-Type, X-CSRF-Token, X-HTTP-Method-Override';

/** Registers the dialect on `app` (the server root). */
export async function registerKapacitorApi(app: FastifyInstance, options: KapacitorApiOptions): Promise<void> {
  for (const prefix of [KAPACITOR_PREFIX, KAPACITOR_PREVIEW_PREFIX]) {
    await app.register(
      async (scope) => {
        installConventions(scope);
        scope.setNotFoundHandler((request, reply) => {
          sendError(reply, 404, `not found: ${request.method} ${request.url.split('?')[0]}`);
        });
        for (const routes of options.routes) await routes(scope);
      },
      { prefix },
    );
  }
  await app.register(async (scope) => {
    installConventions(scope);
    for (const routes of options.rootRoutes) await routes(scope);
  });
}

/** Headers, CORS and the error envelope every Kapacitor response carries. */
function installConventions(scope: FastifyInstance): void {
  scope.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Access-Control-Allow-Methods', CORS_METHODS);
      reply.header('Access-Control-Allow-Headers', CORS_HEADERS);
    }
    if (request.method === 'OPTIONS') {
      // Kapacitor's CORS layer answers every preflight itself: 200, empty, no version header.
      return reply.code(200).send();
    }
    const requestId = randomUUID();
    request.headers['request-id'] = requestId;
    reply.header('Request-Id', requestId);
    reply.header('X-Kapacitor-Version', KAPACITOR_VERSION);
  });
  scope.addHook('onSend', async (request, reply, payload) => {
    // Kapacitor gzips every response when the client accepts it.
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (payload.length === 0 || !/\bgzip\b/i.test(request.headers['accept-encoding'] ?? '')) return payload;
    reply.header('Content-Encoding', 'gzip');
    reply.removeHeader('content-length');
    return gzipAsync(payload);
  });
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isDomainError(error)) {
      if (error.kind === 'unauthorized' || error.kind === 'forbidden') {
        // The authentication layer answers compactly, unlike the API handlers.
        const message = error.message;
        return sendCompactJson(reply, statusOfKind(error.kind), { error: message, message });
      }
      return sendError(reply, statusOfKind(error.kind), error.message);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, `request body too large: the limit is ${request.routeOptions.bodyLimit} bytes`);
    }
    if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode < 500)) {
      return sendError(reply, error.statusCode ?? 400, error.message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, error.message);
  });
}
