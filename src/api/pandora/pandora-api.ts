// The Pandora 2.0 export-task dialect: /api/v1/export/..., errors as {"RequestId","Code","Message"}.

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, statusOfKind } from '../../core/errors.ts';
import type { Caller, ExportService, PageQuery, TaskView } from '../../exports/export-service.ts';
import type { RunRecord } from '../../exports/task.ts';
import { pandoraBadRequest, pandoraBodyTooLarge, pandoraRouteNotFound, pandoraUnsupportedMediaType } from './errors.ts';

export interface PandoraApiServices {
  exports: ExportService;
}

const BASE = '/api/v1/export';

/** Builds the dialect as a fastify plugin; register it at the server root (it mounts itself under /api/v1/export). */
export function pandoraApi(services: PandoraApiServices) {
  return async function pandora(root: FastifyInstance): Promise<void> {
    await root.register(exportRoutes(services), { prefix: BASE });
  };
}

function exportRoutes(services: PandoraApiServices) {
  const { exports } = services;
  return async (app: FastifyInstance): Promise<void> => {
    // Pandora's clients send `Content-Type: application/json` on every call, also on DELETE
    // without a body: an empty JSON body is "no body" here, not an error.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = (body as string).trim();
      if (text === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch (err) {
        done(pandoraBadRequest(`request body is not valid JSON: ${(err as Error).message}`), undefined);
      }
    });
    app.addHook('onRequest', async (request, reply) => {
      const id = randomUUID();
      (request as RequestWithId).pandoraRequestId = id;
      reply.header('X-Reqid', id);
    });
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => sendError(error, request, reply));
    app.post('/task', async (request, reply) => {
      const task = await exports.create(request.body, callerOf(request));
      reply.header('Location', `${BASE}/task/${task.id}`);
      return {};
    });
    app.put('/tasks/status', async (request) => {
      await exports.setStatus(request.body, callerOf(request));
      return {};
    });
    app.get('/task/list', async (request) => {
      const page = await exports.list(request.query as PageQuery, callerOf(request));
      return { total: page.total, pageNo: page.pageNo, pageSize: page.pageSize, tasks: page.items.map(taskJson) };
    });
    app.get<{ Params: { id: string } }>('/task/:id', async (request) => {
      return taskJson(await exports.get(request.params.id, callerOf(request)));
    });
    app.put<{ Params: { id: string } }>('/task/:id', async (request) => {
      await exports.update(request.params.id, request.body, callerOf(request));
      return {};
    });
    app.delete<{ Params: { id: string } }>('/task/:id', async (request) => {
      await exports.delete(request.params.id, callerOf(request));
      return {};
    });
    app.get<{ Params: { id: string } }>('/task/:id/history', async (request) => {
      const page = await exports.history(request.params.id, request.query as PageQuery);
      return { total: page.total, pageNo: page.pageNo, pageSize: page.pageSize, histories: page.items.map(historyJson) };
    });
    app.get<{ Params: { id: string; count: string } }>('/task/:id/history/:count/download', async (request, reply) => {
      const count = Number(request.params.count);
      if (!/^\d+$/.test(request.params.count) || count < 1) throw pandoraBadRequest('the run number must be a positive integer');
      const file = await exports.exportedFile(request.params.id, count);
      const name = `export-${request.params.id}-${count}${file.path.slice(file.path.lastIndexOf('.'))}`;
      reply.header('Content-Type', file.contentType);
      reply.header('Content-Length', file.size);
      reply.header('Content-Disposition', `attachment; filename="${name}"`);
      return reply.send(createReadStream(file.path));
    });
    // Anything else under the prefix: a wildcard route (not a not-found handler) so that it wins
    // over other dialects' catch-alls such as OpenTSDB's `/api/*`.
    app.all('/*', async (request) => {
      throw pandoraRouteNotFound(request.method, request.url.split('?')[0]);
    });
  };
}

interface RequestWithId extends FastifyRequest {
  pandoraRequestId?: string;
}

function callerOf(request: FastifyRequest): Caller {
  const principal = (request as { principal?: { username: string; role: Caller['role'] } }).principal;
  return principal ?? { username: '', role: 'admin' };
}

/** The task as Pandora lists it, field for field, with our extensions after. */
function taskJson(task: TaskView) {
  const out: Record<string, unknown> = {
    id: task.id,
    name: task.name,
    description: task.description,
    operations: task.operations,
    spl: task.spl,
    owner: task.owner,
    interval: task.interval,
    status: task.status,
    count: task.count,
    updateTime: task.updateTime,
    createTime: task.createTime,
    lastRunTime: task.lastRunTime,
  };
  if (task.destination !== undefined) out.destination = task.destination;
  if (task.timezone !== undefined) out.timezone = task.timezone;
  return out;
}

function historyJson(run: RunRecord) {
  return {
    taskId: run.taskId,
    count: run.count,
    time: run.time,
    status: run.status,
    message: run.message,
    tookMillis: run.tookMillis,
    rows: run.rows,
    file: run.file,
  };
}

/** Fastify's own request errors, turned into catalogue errors so that `Code` stays ours. */
function asDomainError(error: FastifyError, request: FastifyRequest): Error {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return pandoraUnsupportedMediaType(request.headers['content-type'] ?? '');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return pandoraBodyTooLarge(request.routeOptions.bodyLimit ?? 0);
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return pandoraBadRequest(error.message);
      return error;
  }
}

function sendError(error: Error, request: FastifyRequest, reply: FastifyReply) {
  const requestId = (request as RequestWithId).pandoraRequestId ?? randomUUID();
  const e = isDomainError(error) ? error : asDomainError(error as FastifyError, request);
  let status = 500;
  let code = 'E_PANDORA_INTERNAL';
  if (isDomainError(e)) {
    status = statusOfKind(e.kind);
    code = e.code;
  } else request.log.error({ err: error }, 'pandora request failed');
  reply.header('X-Reqid', requestId);
  return reply.code(status).send({ RequestId: requestId, Code: code, Message: e.message });
}
