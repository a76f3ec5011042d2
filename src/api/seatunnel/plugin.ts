// The SeaTunnel 2.3.10 REST dialect as a fastify plugin: v2 unprefixed paths and the v1 /hazelcast/rest/maps alias.

import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../core/errors.ts';
import { type JsonObject, type JsonValue, parseJsonExact } from '../../jobs/config/hocon.ts';
import { type ConfigFormat, parseJobText } from '../../jobs/config/job-config.ts';
import { parseJobId } from '../../jobs/job-id.ts';
import type { JobService, SubmitOptions } from '../../jobs/job-service.ts';
import { isEndState, parseStatus } from '../../jobs/job-status.ts';
import { encryptConfig } from '../../jobs/shade.ts';
import { badFormat, badParams, badRequest, bodyEmpty, bodyTooLarge, bodyNotJson, jobIdEmpty, stopNeedsJobId, uploadMissing } from './errors.ts';
import { parseMultipart } from './multipart.ts';
import { renderMetrics } from './prometheus.ts';
import { SystemMonitor } from './system-info.ts';
import { finishedJobView, jobView, runningJobView } from './views.ts';

export interface SeatunnelServices {
  jobs: JobService;
  /** Where `${VAR}` in HOCON submissions looks (process.env in the server). */
  env?: Record<string, string | undefined>;
  /** v2 context path, e.g. `/seatunnel` (SeaTunnel's `context-path`); empty by default. */
  contextPath?: string;
  /** Also serve `/hazelcast/rest/maps/...` (default true). */
  v1?: boolean;
  /** Reported as `host`/`port` in system-monitoring-information. */
  host?: string;
  port?: number;
  monitor?: SystemMonitor;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
export const V1_PREFIX = '/hazelcast/rest/maps';
const VERSION = '2.3.10';

type Result = { json: unknown } | { text: string; type: string; status?: number } | { exactJson: string };

class BareStatus {
  constructor(readonly status: number) {}
}

function sendResult(reply: FastifyReply, r: Result): FastifyReply {
  if ('json' in r) return reply.code(200).type(JSON_TYPE).send(JSON.stringify(r.json));
  if ('exactJson' in r) return reply.code(200).type(JSON_TYPE).send(r.exactJson);
  return reply.code(r.status ?? 200).type(r.type).send(r.text);
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof BareStatus) return reply.code(err.status).send('');
  const kind = isDomainError(err) ? err.kind : 'internal';
  const message = err instanceof Error ? err.message : String(err);
  // SeaTunnel's Basic auth filter answers 401 with this challenge.
  if (kind === 'unauthorized') reply.header('WWW-Authenticate', 'Basic realm="SeaTunnel Web UI"');
  const status = kind === 'invalid' ? 400 : kind === 'unauthorized' ? 401 : kind === 'forbidden' ? 403 : kind === 'too_large' ? 413 : 500;
  return reply
    .code(status)
    .type(JSON_TYPE)
    .send(JSON.stringify({ status: 'fail', message }));
}

function bodyText(req: FastifyRequest): string {
  const b = req.body;
  if (b === undefined || b === null) return '';
  return Buffer.isBuffer(b) ? b.toString('utf8') : String(b);
}

/** The request body as exact JSON (big integers kept as digit strings), with SeaTunnel's messages. */
function jsonBody(req: FastifyRequest): JsonValue {
  const text = bodyText(req);
  if (text.trim() === '') throw bodyEmpty();
  try {
    return parseJsonExact(text);
  } catch {
    throw bodyNotJson();
  }
}

function jsonObjectBody(req: FastifyRequest): JsonObject {
  const v = jsonBody(req);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bodyNotJson();
  return v;
}

function query(req: FastifyRequest): Record<string, string> {
  const q = req.query as Record<string, string | string[] | undefined>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q ?? {})) if (v !== undefined) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

function submitOptions(p: Record<string, JsonValue | undefined>): SubmitOptions {
  const text = (v: JsonValue | undefined) => (v === undefined || v === null || v === '' ? undefined : String(v));
  return {
    jobId: text(p.jobId),
    jobName: text(p.jobName),
    isStartWithSavePoint: String(p.isStartWithSavePoint ?? 'false').toLowerCase() === 'true',
  };
}

function page<T>(list: T[], q: Record<string, string>): T[] {
  if (q.page === undefined && q.rows === undefined) return list;
  const rows = Math.max(1, Number(q.rows ?? 10) || 10);
  const pageNo = Math.max(1, Number(q.page ?? 1) || 1);
  return list.slice((pageNo - 1) * rows, pageNo * rows);
}

/** fastify's own errors (a body over the limit) keep their status class; the rest are internal. */
function bodyLimitOr(err: unknown): unknown {
  const e = err as { statusCode?: number; message?: string };
  if (e.statusCode === 413) return bodyTooLarge(e.message ?? 'Request body is too large.');
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return badRequest(e.message ?? 'Bad request.');
  return err;
}

function wellFormedQuery(url: string): boolean {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return true;
  return url
    .slice(q + 1)
    .split('&')
    .every((pair) => pair === '' || pair.includes('='));
}

/** Builds the plugin. Register it without fastify-plugin so its body parsing stays in its own scope. */
export function seatunnelApi(services: SeatunnelServices): FastifyPluginAsync {
  const jobs = services.jobs;
  const monitor = services.monitor ?? new SystemMonitor();
  const ownsMonitor = services.monitor === undefined;

  const submitOne = async (config: JsonObject, options: SubmitOptions) => {
    const r = await jobs.submit(config, options);
    return { jobId: r.jobId, jobName: r.jobName };
  };

  const handlers = {
    async overview(req: FastifyRequest): Promise<Result> {
      const filters = query(req);
      const tags = await jobs.tags();
      const matches = Object.entries(filters).every(([k, v]) => tags[k] === v);
      const all = await jobs.all();
      const running = all.filter((j) => !isEndState(j.status));
      const count = (s: string) => String(all.filter((j) => j.status === s).length);
      return {
        json: {
          projectVersion: VERSION,
          gitCommitAbbrev: 'inductor',
          totalSlot: '0',
          unassignedSlot: '0',
          workers: matches ? '1' : '0',
          runningJobs: String(running.length),
          pendingJobs: String(running.filter((j) => j.status === 'PENDING').length),
          finishedJobs: count('FINISHED'),
          failedJobs: count('FAILED'),
          cancelledJobs: count('CANCELED'),
        },
      };
    },
    async runningJobs(req: FastifyRequest): Promise<Result> {
      return { json: page(jobs.running(), query(req)).map(runningJobView) };
    },
    async jobInfo(req: FastifyRequest, v1: boolean): Promise<Result> {
      const raw = (req.params as { jobId?: string }).jobId ?? '';
      if (raw === '') {
        if (v1) throw new BareStatus(400);
        throw jobIdEmpty();
      }
      const jobId = parseJobId(raw);
      const rec = jobs.get(jobId);
      return { json: rec ? jobView(rec) : { jobId: raw } };
    },
    async finishedJobs(req: FastifyRequest): Promise<Result> {
      const stateText = (req.params as { state?: string }).state ?? '';
      if (stateText === '') return { json: page(await jobs.finished(), query(req)).map(finishedJobView) };
      const state = parseStatus(stateText);
      if (!state || !isEndState(state)) return { json: [] };
      return { json: page(await jobs.finished(state), query(req)).map(finishedJobView) };
    },
    async system(req: FastifyRequest): Promise<Result> {
      const conns = await new Promise<number>((resolve) => req.server.server.getConnections((_e, n) => resolve(n ?? 0)));
      return { json: [monitor.snapshot(services.host ?? 'localhost', services.port ?? req.socket.localPort ?? 0, conns)] };
    },
    async threadDump(): Promise<Result> {
      // Node runs JavaScript on one thread: report it, with the current stack as its trace.
      const stack = (new Error('thread dump').stack ?? '').split('\n').slice(1).map((l) => l.trim()).join('\n');
      return { json: [{ threadName: 'main', threadId: 1, threadState: 'RUNNABLE', stackTrace: stack }] };
    },
    async submitJob(req: FastifyRequest): Promise<Result> {
      const q = query(req);
      const format = (q.format ?? 'json').toLowerCase();
      if (format !== 'json' && format !== 'hocon' && format !== 'sql') throw badFormat(format);
      const text = bodyText(req);
      if (text.trim() === '') throw bodyEmpty();
      let config: JsonObject;
      if (format === 'json') config = jsonObjectBody(req);
      else config = parseJobText(text, format, services.env);
      return { json: await submitOne(config, submitOptions(q)) };
    },
    async upload(req: FastifyRequest): Promise<Result> {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(bodyText(req));
      const parts = parseMultipart(String(req.headers['content-type'] ?? ''), body);
      const file = parts?.find((p) => p.name === 'config_file');
      if (!file) throw uploadMissing();
      const text = file.body.toString('utf8');
      if (text.trim() === '') throw bodyEmpty();
      const name = (file.filename ?? '').toLowerCase();
      const format: ConfigFormat = name.endsWith('.json') ? 'json' : name.endsWith('.sql') ? 'sql' : 'hocon';
      let config: JsonObject;
      try {
        config = parseJobText(text, format, services.env);
      } catch (err) {
        if (format === 'json' && isDomainError(err) && err.code === 'E_JOB_CONFIG_SYNTAX') throw bodyNotJson();
        throw err;
      }
      return { json: await submitOne(config, submitOptions(query(req))) };
    },
    async submitJobs(req: FastifyRequest): Promise<Result> {
      const list = jsonBody(req);
      if (!Array.isArray(list)) throw bodyNotJson();
      const out: { jobId: string; jobName: string }[] = [];
      // Not atomic, as in SeaTunnel: jobs are submitted in order and the first failure stops the rest.
      for (const item of list) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) throw bodyNotJson();
        const { params, ...config } = item;
        const p = params && typeof params === 'object' && !Array.isArray(params) ? params : {};
        out.push(await submitOne(config, submitOptions(p)));
      }
      return { json: out };
    },
    async stopJob(req: FastifyRequest): Promise<Result> {
      const body = jsonObjectBody(req);
      if (body.jobId === undefined || body.jobId === null || body.jobId === '') throw stopNeedsJobId();
      const id = await jobs.stop(String(body.jobId), String(body.isStopWithSavePoint ?? 'false') === 'true', String(body.force ?? 'false') === 'true');
      return { json: { jobId: id } };
    },
    async stopJobs(req: FastifyRequest): Promise<Result> {
      const list = jsonBody(req);
      if (!Array.isArray(list)) throw bodyNotJson();
      const ids: string[] = [];
      for (const item of list) {
        if (item === null || typeof item !== 'object' || Array.isArray(item) || item.jobId === undefined || item.jobId === null)
          throw stopNeedsJobId();
        ids.push(await jobs.stop(String(item.jobId), String(item.isStopWithSavePoint ?? 'false') === 'true', String(item.force ?? 'false') === 'true'));
      }
      // SeaTunnel echoes numeric ids here; the digits are written as they are, never through Number.
      return { exactJson: `[${ids.map((id) => `{"jobId":${id}}`).join(',')}]` };
    },
    async encrypt(req: FastifyRequest): Promise<Result> {
      return { json: encryptConfig(jsonObjectBody(req), jobs.shades) };
    },
    async updateTags(req: FastifyRequest): Promise<Result> {
      const body = jsonObjectBody(req);
      const tags: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) tags[k] = typeof v === 'string' ? v : JSON.stringify(v);
      await jobs.setTags(tags);
      return { json: { status: 'success', message: 'update node tags done.' } };
    },
    async logs(req: FastifyRequest, filter: string | undefined, local: boolean): Promise<Result> {
      const q = query(req);
      const names = (await jobs.logNames()).filter((n) => filter === undefined || n.includes(filter));
      const base = `${req.protocol}://${req.headers.host ?? 'localhost'}${req.url.startsWith(V1_PREFIX) ? V1_PREFIX : (services.contextPath ?? '')}`;
      const node = `${services.host ?? 'localhost'}:${services.port ?? req.socket.localPort ?? 0}`;
      const entries = names.map((n) => ({ node, logLink: `${base}/${local ? 'log' : 'logs'}/${n}`, logName: n }));
      if ((q.format ?? 'html').toLowerCase() === 'json') return { json: entries };
      const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
      const items = entries.map((e) => `<li><a href="${esc(e.logLink)}">${esc(e.logName)}</a></li>`).join('\n');
      return { text: `<html><head><title>Seatunnel log</title></head><body><h2></h2><ul>\n${items}\n</ul></body></html>`, type: 'text/html;charset=UTF-8' };
    },
    async logFile(name: string): Promise<Result> {
      const text = await jobs.readLog(name);
      if (text === undefined) throw new BareStatus(400);
      return { text, type: 'text/plain;charset=UTF-8' };
    },
    async metrics(openMetrics: boolean): Promise<Result> {
      return {
        text: renderMetrics(await jobs.all(), openMetrics),
        type: openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8',
      };
    },
  };

  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // Errors raised before a handler runs (authentication hooks, body limits) use this dialect's envelope too.
    app.setErrorHandler((err, _req, reply) => sendError(reply, isDomainError(err) ? err : bodyLimitOr(err)));
    if (ownsMonitor) app.addHook('onClose', async () => monitor.close());
    app.addHook('onRequest', async () => monitor.countOperation());

    const route = (methods: string[], url: string, fn: (req: FastifyRequest) => Promise<Result>) => {
      const v1 = url.startsWith(V1_PREFIX);
      app.route({
        method: methods as never,
        url,
        exposeHeadRoute: false,
        handler: async (req, reply) => {
          try {
            // v1 splits the query itself and rejects a pair without '='.
            if (v1 && !wellFormedQuery(req.url)) throw badParams();
            return sendResult(reply, await fn(req));
          } catch (err) {
            return sendError(reply, err);
          }
        },
      });
    };

    const prefixes: { prefix: string; v1: boolean }[] = [{ prefix: services.contextPath ?? '', v1: false }];
    if (services.v1 !== false) prefixes.push({ prefix: V1_PREFIX, v1: true });
    for (const { prefix, v1 } of prefixes) {
      // v1 sends POST and PUT alike to its POST handler; v2 servlets answer only POST.
      const post = v1 ? ['POST', 'PUT'] : ['POST'];
      route(['GET'], `${prefix}/overview`, handlers.overview);
      route(['GET'], `${prefix}/running-jobs`, handlers.runningJobs);
      for (const name of ['job-info', 'running-job']) {
        route(['GET'], `${prefix}/${name}`, (req) => handlers.jobInfo(req, v1));
        route(['GET'], `${prefix}/${name}/`, (req) => handlers.jobInfo(req, v1));
        route(['GET'], `${prefix}/${name}/:jobId`, (req) => handlers.jobInfo(req, v1));
      }
      route(['GET'], `${prefix}/finished-jobs`, handlers.finishedJobs);
      route(['GET'], `${prefix}/finished-jobs/`, handlers.finishedJobs);
      route(['GET'], `${prefix}/finished-jobs/:state`, handlers.finishedJobs);
      route(['GET'], `${prefix}/system-monitoring-information`, handlers.system);
      route(['GET'], `${prefix}/thread-dump`, handlers.threadDump);
      route(post, `${prefix}/submit-job`, handlers.submitJob);
      route(post, `${prefix}/submit-job/upload`, handlers.upload);
      route(post, `${prefix}/submit-jobs`, handlers.submitJobs);
      route(post, `${prefix}/stop-job`, handlers.stopJob);
      route(post, `${prefix}/stop-jobs`, handlers.stopJobs);
      route(post, `${prefix}/encrypt-config`, handlers.encrypt);
      route(post, `${prefix}/update-tags`, handlers.updateTags);
      route(['GET'], `${prefix}/logs`, (req) => handlers.logs(req, undefined, false));
      route(['GET'], `${prefix}/logs/:name`, (req) => {
        const name = (req.params as { name: string }).name;
        return name.endsWith('.log') ? handlers.logFile(name) : handlers.logs(req, name, false);
      });
      route(['GET'], `${prefix}/log`, (req) => handlers.logs(req, undefined, true));
      route(['GET'], `${prefix}/log/:name`, (req) => handlers.logFile((req.params as { name: string }).name));
      route(['GET'], `${prefix}/get-all-log-name`, async () => ({ json: await jobs.logNames() }));
    }
    route(['GET'], `${services.contextPath ?? ''}/metrics`, () => handlers.metrics(false));
    route(['GET'], `${services.contextPath ?? ''}/openmetrics`, () => handlers.metrics(true));
    if (services.v1 !== false) {
      route(['GET'], '/hazelcast/rest/instance/metrics', () => handlers.metrics(false));
      route(['GET'], '/hazelcast/rest/instance/openmetrics', () => handlers.metrics(true));
    }
  };
}
