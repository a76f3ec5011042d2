// /kapacitor/v1/alerts/topics: topics, their events and their handlers (Kapacitor's alert service API).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, statusOfKind } from '../../core/errors.ts';
import { formatGoDuration, formatRFC3339Nano } from '../../core/time.ts';
import type { AlertService, HandlerSpec, TopicStatus } from '../../alert/alert-service.ts';
import type { EventState } from '../../alert/event.ts';
import { levelName, parseLevel } from '../../alert/level.ts';
import { acceptRawBodies } from '../http/raw-body.ts';
import { sendError, sendJson } from './reply.ts';

const BASE = '/kapacitor/v1/alerts/topics';

function topicJson(t: TopicStatus): Record<string, unknown> {
  const href = `${BASE}/${t.id}`;
  return {
    link: { rel: 'self', href },
    id: t.id,
    level: levelName(t.level),
    collected: t.collected,
    'events-link': { rel: 'events', href: `${href}/events` },
    'handlers-link': { rel: 'handlers', href: `${href}/handlers` },
  };
}

function eventJson(topic: string, e: EventState): Record<string, unknown> {
  return {
    link: { rel: 'self', href: `${BASE}/${topic}/events/${e.id}` },
    id: e.id,
    state: {
      message: e.message,
      details: e.details,
      time: formatRFC3339Nano(e.time),
      duration: formatGoDuration(e.duration),
      level: levelName(e.level),
    },
  };
}

function handlerJson(h: HandlerSpec): Record<string, unknown> {
  return {
    link: { rel: 'self', href: `${BASE}/${h.topic}/handlers/${h.id}` },
    id: h.id,
    kind: h.kind,
    options: h.options,
    match: h.match,
  };
}

function query(request: FastifyRequest, key: string): string {
  const v = (request.query as Record<string, string | string[] | undefined>)[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** The request body as JSON; a malformed body is reported with the route's own prefix. */
function body(request: FastifyRequest, prefix: string): unknown {
  const raw = request.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(`${prefix}${(err as Error).message}`);
  }
}

class BodyError extends Error {}

function fail(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof BodyError) return sendError(reply, 400, err.message);
  if (isDomainError(err)) return sendError(reply, statusOfKind(err.kind), err.message);
  throw err;
}

export function alertsRoutes(service: AlertService) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      acceptRawBodies(scope);

      scope.get('/alerts/topics', async (request, reply) => {
        try {
          const pattern = query(request, 'pattern');
          const minLevel = parseLevel(query(request, 'min-level'));
          const topics = service.topicStates(pattern, minLevel).map(topicJson);
          // Kapacitor rewrites v1preview paths to v1 before routing, so the link names the v1 URL.
          const href = request.url.replace(/^\/kapacitor\/v1preview\//, '/kapacitor/v1/');
          return sendJson(reply, 200, { link: { rel: 'self', href }, topics });
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.get('/alerts/topics/:topic', async (request, reply) => {
        const { topic } = request.params as { topic: string };
        try {
          return sendJson(reply, 200, topicJson(service.topicState(topic)));
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.delete('/alerts/topics/:topic', async (request, reply) => {
        const { topic } = request.params as { topic: string };
        await service.deleteTopic(topic);
        return reply.code(204).send();
      });

      scope.get('/alerts/topics/:topic/events', async (request, reply) => {
        const { topic } = request.params as { topic: string };
        try {
          const minLevel = parseLevel(query(request, 'min-level'));
          const events = service.eventStates(topic, minLevel).map((e) => eventJson(topic, e));
          return sendJson(reply, 200, { link: { rel: 'self', href: `${BASE}/${topic}/events` }, topic, events });
        } catch (err) {
          return fail(reply, err);
        }
      });

      // Event ids may contain '/' (`kapacitor/cpu/serverA`): the rest of the path is the id.
      scope.get('/alerts/topics/:topic/events/*', async (request, reply) => {
        const { topic, '*': id } = request.params as { topic: string; '*': string };
        try {
          return sendJson(reply, 200, eventJson(topic, service.event(topic, decodeURIComponent(id))));
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.get('/alerts/topics/:topic/handlers', async (request, reply) => {
        const { topic } = request.params as { topic: string };
        try {
          const handlers = service.listHandlers(topic, query(request, 'pattern')).map(handlerJson);
          return sendJson(reply, 200, { link: { rel: 'self', href: `${BASE}/${topic}/handlers` }, topic, handlers });
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.post('/alerts/topics/:topic/handlers', async (request, reply) => {
        const { topic } = request.params as { topic: string };
        try {
          return sendJson(reply, 200, handlerJson(await service.createHandler(topic, body(request, 'invalid handler json: '))));
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.get('/alerts/topics/:topic/handlers/:handler', async (request, reply) => {
        const { topic, handler } = request.params as { topic: string; handler: string };
        try {
          return sendJson(reply, 200, handlerJson(service.handler(topic, handler)));
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.put('/alerts/topics/:topic/handlers/:handler', async (request, reply) => {
        const { topic, handler } = request.params as { topic: string; handler: string };
        try {
          service.handler(topic, handler);
          const spec = await service.replaceHandler(topic, handler, body(request, 'failed to unmarshal JSON: '));
          return sendJson(reply, 200, handlerJson(spec));
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.patch('/alerts/topics/:topic/handlers/:handler', async (request, reply) => {
        const { topic, handler } = request.params as { topic: string; handler: string };
        try {
          service.handler(topic, handler);
          const spec = await service.patchHandler(topic, handler, body(request, 'invalid patch json: '));
          return sendJson(reply, 200, handlerJson(spec));
        } catch (err) {
          return fail(reply, err);
        }
      });

      scope.delete('/alerts/topics/:topic/handlers/:handler', async (request, reply) => {
        const { topic, handler } = request.params as { topic: string; handler: string };
        await service.deleteHandler(topic, handler);
        return reply.code(204).send();
      });
    });
  };
}
