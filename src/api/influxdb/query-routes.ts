// GET/POST /query in InfluxDB 1.x's form: q, db, rp, epoch, chunked, chunk_size, pretty, params;
// form-encoded POST bodies; JSON results, statement errors inside them, parse errors as 400.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, statusOfKind } from '../../core/errors.ts';
import type { InfluxQueryService } from '../../query/influxql/query-service.ts';
import type { StatementResult } from '../../query/influxql/result.ts';
import { parseEpoch, prettyJson, renderChunks, renderResults } from './render.ts';

/** The InfluxDB release whose /query behaviour we follow; Grafana and Chronograf read the header. */
export const INFLUXDB_VERSION = '1.8.10';

export interface InfluxdbApiOptions {
  queries: InfluxQueryService;
}

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(`{"error":${JSON.stringify(message)}}\n`);
}

function params(request: FastifyRequest): URLSearchParams {
  const url = new URL(request.url, 'http://localhost');
  const out = new URLSearchParams(url.searchParams);
  const body = request.body;
  if (typeof body === 'string' && body.length > 0 && /x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) {
    for (const [k, v] of new URLSearchParams(body)) out.set(k, v);
  }
  return out;
}

/** Registers /query in an encapsulated scope (its own body parser). */
export function influxdbApi(options: InfluxdbApiOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.addHook('onRequest', async (request, reply) => {
      reply.header('X-Influxdb-Version', INFLUXDB_VERSION);
      reply.header('X-Influxdb-Build', 'OSS');
      // Browser-side data sources (Grafana's "browser" access) need InfluxDB's CORS answers.
      const origin = request.headers.origin;
      if (origin !== undefined) {
        reply.header('Access-Control-Allow-Origin', origin);
        reply.header('Access-Control-Allow-Methods', 'DELETE, GET, OPTIONS, POST, PUT');
        reply.header('Access-Control-Allow-Headers', 'Accept, Accept-Encoding, Authorization, Content-Length, Content-Type, X-CSRF-Token, X-HTTP-Method-Override');
      }
    });
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const p = params(request);
      const q = p.get('q');
      if (q === null || q.trim() === '') return sendError(reply, 400, 'missing required parameter "q"');
      let bound: Record<string, unknown> | undefined;
      const rawParams = p.get('params');
      if (rawParams !== null && rawParams !== '') {
        try {
          bound = JSON.parse(rawParams) as Record<string, unknown>;
        } catch (err) {
          return sendError(reply, 400, `error parsing query parameters: ${(err as Error).message}`);
        }
      }
      let results: StatementResult[];
      try {
        results = await options.queries.query(q, {
          database: p.get('db') ?? undefined,
          retentionPolicy: p.get('rp') ?? undefined,
          params: bound,
          readOnlyContext: request.method === 'GET',
        });
      } catch (err) {
        if (isDomainError(err)) return sendError(reply, statusOfKind(err.kind), err.message);
        throw err;
      }
      const epoch = parseEpoch(p.get('epoch') ?? undefined);
      reply.code(200).type('application/json');
      if (p.get('chunked') === 'true') {
        const size = Number(p.get('chunk_size') ?? '10000');
        return reply.send([...renderChunks(results, epoch, Number.isFinite(size) ? size : 10_000)].join(''));
      }
      const body = renderResults(results, epoch);
      return reply.send(p.get('pretty') === 'true' ? `${prettyJson(body)}\n` : `${body}\n`);
    };
    app.get('/query', handler);
    app.post('/query', handler);
    app.options('/query', async (_request, reply) => reply.code(204).send());
  };
}
