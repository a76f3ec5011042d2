// The OpenTSDB 2.4 HTTP dialect as a fastify plugin: OpenTSDB's own routing (versions, case-insensitive
// endpoints, method_override), its error envelope, and the annotation, UID, suggest and query endpoints.

import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AnnotationService } from '../../annotations/annotation-service.ts';
import type { DataPointWriter } from '../../annotations/datapoint-writer.ts';
import type { OpentsdbQueryService } from '../../annotations/query-service.ts';
import type { TsuidService } from '../../annotations/uid/tsuid-service.ts';
import { isDomainError, statusOfKind } from '../../core/errors.ts';
import { type Clock, systemClock } from '../../core/time.ts';
import { handleAnnotation, handleAnnotationList } from './annotation-routes.ts';
import { OpentsdbHttpError, methodNotAllowed } from './http-error.ts';
import { handleAggregators, handleConfig, handleVersion } from './info-routes.ts';
import { handlePut } from './put-routes.ts';
import { handleQuery } from './query-routes.ts';
import { handleSearch } from './search-routes.ts';
import type { Reply } from './reply.ts';
import { handleSuggest, handleUid } from './uid-routes.ts';
import type { OpentsdbRequest } from './wire.ts';

export interface OpentsdbServices {
  annotations: AnnotationService;
  /** TSUIDs over the series store: enables `/api/suggest` and `/api/uid/...`. */
  tsuids?: TsuidService;
  /** Data queries over the series store: enables `/api/query`. */
  query?: OpentsdbQueryService;
  /** Data-point writes into the series store: enables `/api/put`. */
  put?: DataPointWriter;
  clock?: Clock;
  /** Inductor's own version, shown in `/api/version`. */
  serverVersion?: string;
  /** Paths under `/api/` that belong to another dialect (Pandora's `/api/v1/export/...`): left to fastify. */
  foreignPaths?: RegExp;
}

/** OpenTSDB's highest API version (`/api/v1/...`). */
const MAX_API_VERSION = 1;
const VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']);
/** Bodies on GET bypass fastify's limit; this one applies instead. */
const MAX_GET_BODY = 1024 * 1024;
const JSON_TYPE = 'application/json; charset=UTF-8';

type Handler = (req: OpentsdbRequest) => Promise<Reply>;

/** Builds the plugin. Register it without fastify-plugin so its body parsing stays in its own scope. */
export function opentsdbApi(services: OpentsdbServices): FastifyPluginAsync {
  const clock = services.clock ?? systemClock;
  const endpoints = new Map<string, Handler>([
    ['annotation', (req) => handleAnnotation(services.annotations, req)],
    ['annotations', (req) => handleAnnotationList(services.annotations, req)],
    ['version', (req) => handleVersion(services.serverVersion ?? 'dev', req)],
    ['aggregators', handleAggregators],
    ['config', handleConfig],
  ]);
  const { tsuids, query } = services;
  if (tsuids !== undefined) {
    endpoints.set('suggest', (req) => handleSuggest(tsuids, req));
    endpoints.set('uid', (req) => handleUid(tsuids, req));
    endpoints.set('search', (req) => handleSearch(tsuids, req));
  }
  if (query !== undefined) endpoints.set('query', (req) => handleQuery(query, req));
  const { put } = services;
  if (put !== undefined) endpoints.set('put', (req) => handlePut(put, req));

  return async (app: FastifyInstance) => {
    // OpenTSDB reads bodies itself (DELETE carries one, an empty JSON body is a domain error).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const url = new URL(request.url, 'http://localhost');
      if (services.foreignPaths?.test(url.pathname)) return reply.callNotFound();
      const jsonp = url.searchParams.get('jsonp');
      try {
        const result = await dispatch(endpoints, request, url, clock.now().ms);
        return send(reply, result, jsonp);
      } catch (err) {
        return send(reply, errorReply(err, request), jsonp);
      }
    };
    // Errors raised before the handler (body too large, bad content encoding) get the envelope too.
    app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
      const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
      const envelope = status === 500 ? errorReply(err, request) : { status, body: { error: { code: status, message: err.message } } };
      return send(reply, envelope, null);
    });
    const route = { method: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD', 'TRACE'], handler: handle };
    app.route({ ...route, url: '/api', exposeHeadRoute: false });
    app.route({ ...route, url: '/api/*', exposeHeadRoute: false });
  };
}

async function dispatch(
  endpoints: Map<string, Handler>,
  request: FastifyRequest,
  url: URL,
  nowMs: number,
): Promise<Reply> {
  const realMethod = request.method.toUpperCase();
  if (!VERBS.has(realMethod)) throw methodNotAllowed(realMethod);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  // segments[0] is 'api'; an optional version comes next (`v1`), then the endpoint.
  let index = 1;
  const maybeVersion = segments[1] ?? '';
  if (/^v\d/i.test(maybeVersion)) {
    const digits = maybeVersion.slice(1);
    if (!/^\d+$/.test(digits)) {
      throw new OpentsdbHttpError(400, 'Invalid API version format supplied', `API version [${digits}] cannot be parsed to an integer`);
    }
    const version = Number(digits);
    if (version > MAX_API_VERSION) {
      throw new OpentsdbHttpError(
        501,
        'Requested API version is greater than the max implemented',
        `API version [${version}] is greater than the max [${MAX_API_VERSION}]`,
      );
    }
    index = 2;
  }
  const endpoint = (segments[index] ?? '').toLowerCase();
  const handler = endpoints.get(endpoint);
  if (handler === undefined) throw new OpentsdbHttpError(404, 'Endpoint not found');
  const body = typeof request.body === 'string' ? request.body : await unparsedBody(request);
  return handler({
    method: effectiveMethod(realMethod, url.searchParams),
    realMethod,
    query: url.searchParams,
    body,
    rest: segments.slice(index + 1).map((s) => s.toLowerCase()),
    nowMs,
  });
}

/** Fastify leaves GET bodies unread; OpenTSDB reads a body on any verb, so read it here. */
async function unparsedBody(request: FastifyRequest): Promise<string> {
  const raw = request.raw;
  const length = Number(raw.headers['content-length'] ?? 0);
  if (!(length > 0) && raw.headers['transfer-encoding'] === undefined) return '';
  if (raw.readableEnded) return '';
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw) {
    size += (chunk as Buffer).length;
    if (size > MAX_GET_BODY) throw new OpentsdbHttpError(413, 'Request body too large');
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** `method_override` applies only to a real GET (HttpQuery.getAPIMethod). */
function effectiveMethod(realMethod: string, query: URLSearchParams): string {
  if (realMethod !== 'GET' || !query.has('method_override')) return realMethod;
  const value = (query.get('method_override') ?? '').toLowerCase();
  if (value === '') throw new OpentsdbHttpError(405, 'Missing method override value');
  if (value === 'get' || value === 'post' || value === 'put' || value === 'delete') return value.toUpperCase();
  throw new OpentsdbHttpError(405, 'Unknown or unsupported method override value');
}

function errorReply(err: unknown, request: FastifyRequest): Reply {
  let status = 500;
  let message = 'An unknown exception occurred';
  let details: unknown;
  if (err instanceof OpentsdbHttpError) {
    status = err.status;
    message = err.message;
    details = err.details;
  } else if (isDomainError(err)) {
    status = statusOfKind(err.kind);
    message = err.message;
    details = err.details;
  } else {
    request.log.error({ err }, 'opentsdb: unexpected error');
    if (err instanceof Error && err.message !== '') message = err.message;
  }
  const error: Record<string, unknown> = { code: status, message };
  if (details !== undefined && details !== '') error.details = details;
  return { status, body: { error } };
}

function send(reply: FastifyReply, result: Reply, jsonp: string | null): FastifyReply {
  reply.code(result.status);
  if (result.body === undefined || result.status === 204 || result.status === 304) {
    return reply.header('content-length', '0').send();
  }
  const json = JSON.stringify(result.body);
  if (jsonp) return reply.type('application/javascript').send(`${jsonp}(${json})`);
  return reply.type(JSON_TYPE).send(json);
}
