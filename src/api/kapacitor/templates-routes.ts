// /kapacitor/v1/templates: TICKscript templates; updates are re-applied to every task created from them.

import type { FastifyInstance } from 'fastify';
import { TaskRequestError } from '../../tasks/errors.ts';
import type { TaskService } from '../../tasks/task-service.ts';
import { acceptRawBodies } from '../http/raw-body.ts';
import { sendJson } from './reply.ts';
import { jsonBody, listQuery, scriptFormat, sendTaskError } from './tasks-routes.ts';

export function templatesRoutes(service: TaskService) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      acceptRawBodies(scope);

      scope.get('/templates', async (request, reply) => {
        try {
          return sendJson(reply, 200, await service.listTemplates(listQuery(request, false)));
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.post('/templates', async (request, reply) => {
        try {
          return sendJson(reply, 200, await service.createTemplate(jsonBody(request)));
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.get('/templates/', async (_request, reply) =>
        sendTaskError(reply, new TaskRequestError('must specify template id on path')),
      );

      scope.get('/templates/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        try {
          const format = scriptFormat(request.query as Record<string, string | undefined>);
          return sendJson(reply, 200, await service.getTemplate(id, format));
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.patch('/templates/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        try {
          return sendJson(reply, 200, await service.updateTemplate(id, jsonBody(request)));
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.delete('/templates/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        await service.deleteTemplate(id);
        return reply.code(204).send();
      });
    });
  };
}
