// GET /tasks/:id/:endpoint: the latest rows of a running task's httpOut node.

import type { FastifyInstance } from 'fastify';
import type { HttpOutService } from '../../pipeline/http-out-service.ts';
import { JSON_CONTENT_TYPE } from './reply.ts';

/** Registers the httpOut route relative to the dialect's base path. */
export function httpOutRoutes(service: HttpOutService) {
  return (app: FastifyInstance): void => {
    app.get('/tasks/:id/:endpoint', async (request, reply) => {
      const { id, endpoint } = request.params as { id: string; endpoint: string };
      // Domain errors (not_found while the task is not executing) go through the dialect's error handler.
      const body = service.body(id, endpoint);
      return reply.code(200).type(JSON_CONTENT_TYPE).send(body);
    });
  };
}
