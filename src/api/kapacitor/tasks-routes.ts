// /kapacitor/v1/tasks: list, create, get, update and delete TICKscript tasks (Kapacitor's task store API).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, statusOfKind } from '../../core/errors.ts';
import { TaskRequestError, taskNotFound } from '../../tasks/errors.ts';
import { type JsonValue, parseJsonExact } from '../../tasks/json-body.ts';
import type { DotView, ListQuery, ScriptFormat, TaskService } from '../../tasks/task-service.ts';
import { acceptRawBodies } from '../http/raw-body.ts';
import { sendJson } from './reply.ts';

export function tasksRoutes(service: TaskService) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (scope) => {
      acceptRawBodies(scope);

      scope.get('/tasks', async (request, reply) => {
        try {
          return sendJson(reply, 200, await service.listTasks(listQuery(request, true)));
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.post('/tasks', async (request, reply) => {
        try {
          return sendJson(reply, 200, await service.createTask(jsonBody(request)));
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.get('/tasks/', async (_request, reply) => sendTaskError(reply, new TaskRequestError('must specify task id on path')));

      scope.get('/tasks/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        try {
          const q = request.query as Record<string, string | undefined>;
          // Kapacitor looks the task up first (404), then validates the parameters.
          if (!(await service.hasTask(id))) return sendTaskError(reply, taskNotFound());
          const format = scriptFormat(q);
          const view = dotView(q);
          const replay = q['replay-id'];
          const task = await service.getTask(id, format, view);
          if (replay !== undefined && replay !== '' && replay !== 'main') {
            throw new TaskRequestError(`no running replay with ID: ${replay}`);
          }
          return sendJson(reply, 200, task);
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.patch('/tasks/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        try {
          return sendJson(reply, 200, await service.updateTask(id, jsonBody(request)));
        } catch (err) {
          return sendTaskError(reply, err);
        }
      });

      scope.delete('/tasks/:id', async (request, reply) => {
        const { id } = request.params as { id: string };
        await service.deleteTask(id);
        return reply.code(204).send();
      });
    });
  };
}

// ── request decoding shared with templates-routes.ts ──

/** The JSON body, numbers kept exact; any malformed body is Kapacitor's `invalid JSON`. */
export function jsonBody(request: FastifyRequest): JsonValue {
  const raw = request.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  try {
    return parseJsonExact(text);
  } catch {
    throw new TaskRequestError('invalid JSON');
  }
}

type Query = Record<string, string | string[] | undefined>;

function one(q: Query, key: string): string {
  const v = q[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

export function scriptFormat(q: Query): ScriptFormat {
  const f = one(q, 'script-format');
  if (f === '' || f === 'formatted') return 'formatted';
  if (f === 'raw') return 'raw';
  throw new TaskRequestError(`invalid script-format parameter ${JSON.stringify(f)}`);
}

export function dotView(q: Query): DotView {
  const v = one(q, 'dot-view');
  if (v === '' || v === 'attributes') return 'attributes';
  if (v === 'labels') return 'labels';
  throw new TaskRequestError(`invalid dot-view parameter ${JSON.stringify(v)}`);
}

function intParam(q: Query, key: 'offset' | 'limit', fallback: number): number {
  const text = one(q, key);
  if (text === '') return fallback;
  if (!/^[+-]?\d+$/.test(text)) {
    throw new TaskRequestError(
      `invalid ${key} parameter ${JSON.stringify(text)} must be an integer: strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`,
    );
  }
  const n = BigInt(text);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    throw new TaskRequestError(
      `invalid ${key} parameter ${JSON.stringify(text)} must be an integer: strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`,
    );
  }
  return Number(n);
}

/** pattern, fields, script-format, dot-view, offset, limit — validated in Kapacitor's order. */
export function listQuery(request: FastifyRequest, withDot: boolean): ListQuery {
  const q = request.query as Query;
  const fieldsRaw = q.fields;
  const fields = Array.isArray(fieldsRaw) ? fieldsRaw : fieldsRaw === undefined ? [] : [fieldsRaw];
  const out: ListQuery = { pattern: one(q, 'pattern'), fields, scriptFormat: scriptFormat(q) };
  if (withDot) out.dotView = dotView(q);
  out.offset = intParam(q, 'offset', 0);
  out.limit = intParam(q, 'limit', 100);
  return out;
}

/** Kapacitor's envelope, plus `hint` (and where in the script) when we know the likely fix. */
export function sendTaskError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof TaskRequestError) {
    const body: Record<string, unknown> = { error: err.message, message: err.message };
    if (err.hint) body.hint = err.hint;
    if (err.position) body.position = err.position;
    return sendJson(reply, 400, body);
  }
  if (isDomainError(err)) return sendJson(reply, statusOfKind(err.kind), { error: err.message, message: err.message });
  throw err;
}
