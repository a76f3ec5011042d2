// Kapacitor's service routes: ping, the route map, /debug/vars and the log level.

import type { FastifyInstance } from 'fastify';
import type { RouteCatalogue } from '../http/route-catalogue.ts';
import { KAPACITOR_VERSION } from './kapacitor-api.ts';
import { sendError, sendJson } from './reply.ts';

/** One expvar statistic as Telegraf's kapacitor input and Chronograf read them. */
export interface ExpvarStat {
  name: string;
  tags: Record<string, string>;
  values: Record<string, number | string>;
}

export interface ServerIdentity {
  clusterId: string;
  serverId: string;
  hostname: string;
}

export interface SystemRoutesOptions {
  identity: ServerIdentity;
  catalogue: RouteCatalogue;
  /** Numbers of tasks for `num_tasks` / `num_enabled_tasks`. */
  taskCounts: () => { total: number; enabled: number };
  /** Every module that reports statistics (ingress, httpd, nodes, edges, topics, ...). */
  statSources: ReadonlyArray<() => ExpvarStat[]>;
  /** Changes the log level of the whole server. */
  setLogLevel: (level: 'debug' | 'info' | 'error') => void;
}

export function systemRoutes(options: SystemRoutesOptions) {
  return (app: FastifyInstance): void => {
    app.get('/ping', async (_request, reply) => reply.code(204).send());

    app.get('/::routes', async (_request, reply) => sendJson(reply, 200, options.catalogue.toJSON()));

    app.get('/debug/vars', async (_request, reply) => {
      // expvar's own format: compact, one object.
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(debugVars(options)));
    });

    app.post('/loglevel', async (request, reply) => {
      let level: unknown;
      try {
        level = (JSON.parse(bodyText(request.body)) as { level?: unknown }).level;
      } catch (err) {
        return sendError(reply, 400, `invalid json: ${(err as Error).message}`);
      }
      const normalised = typeof level === 'string' ? level.toLowerCase() : '';
      if (normalised !== 'debug' && normalised !== 'info' && normalised !== 'error') {
        return sendError(reply, 400, 'invalid log level');
      }
      options.setLogLevel(normalised);
      return reply.code(204).send();
    });
  };
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body ?? null);
}

function debugVars(options: SystemRoutesOptions): Record<string, unknown> {
  const { identity } = options;
  const counts = options.taskCounts();
  const stats: Record<string, ExpvarStat> = {};
  let n = 0;
  for (const source of options.statSources) {
    for (const stat of source()) {
      stats[`${stat.name}:${n++}`] = {
        ...stat,
        tags: { ...stat.tags, cluster_id: identity.clusterId, server_id: identity.serverId, host: identity.hostname },
      };
    }
  }
  const mem = process.memoryUsage();
  return {
    cluster_id: identity.clusterId,
    server_id: identity.serverId,
    host: identity.hostname,
    product: 'kapacitor',
    version: KAPACITOR_VERSION,
    platform: 'OSS',
    num_tasks: counts.total,
    num_enabled_tasks: counts.enabled,
    num_subscriptions: 0,
    cmdline: process.argv,
    // Go's runtime.MemStats names, filled with the closest figures Node has.
    memstats: {
      Alloc: mem.heapUsed,
      Sys: mem.rss,
      HeapAlloc: mem.heapUsed,
      HeapSys: mem.heapTotal,
      HeapInuse: mem.heapUsed,
      HeapIdle: mem.heapTotal - mem.heapUsed,
      ExternalBytes: mem.external,
      ArrayBuffersBytes: mem.arrayBuffers,
    },
    kapacitor: stats,
  };
}
