// The composition root: configuration → stores → engines → API dialects → listener.
// This is the only file that wires concrete classes together.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import pino, { type Logger } from 'pino';
import { alertConfig } from './alert/alert-config.ts';
import { AlertService } from './alert/alert-service.ts';
import { annotateAlerts } from './alert/annotations.ts';
import { influxdbApi } from './api/influxdb/query-routes.ts';
import { alertsRoutes } from './api/kapacitor/alerts-routes.ts';
import { httpOutRoutes } from './api/kapacitor/http-out-routes.ts';
import { registerKapacitorApi } from './api/kapacitor/kapacitor-api.ts';
import { type ExpvarStat, type ServerIdentity, systemRoutes } from './api/kapacitor/system-routes.ts';
import { tasksRoutes } from './api/kapacitor/tasks-routes.ts';
import { templatesRoutes } from './api/kapacitor/templates-routes.ts';
import { writeRoutes } from './api/kapacitor/write-routes.ts';
import { setupOpentsdb } from './api/opentsdb/setup.ts';
import { setupPandora } from './api/pandora/setup.ts';
import { setupSeatunnel } from './api/seatunnel/setup.ts';
import { installAuthentication } from './api/http/principal.ts';
import { RouteCatalogue } from './api/http/route-catalogue.ts';
import { Authenticator } from './auth/authenticator.ts';
import type { Config } from './config/config.ts';
import { clusterResolver, readInfluxdbClusters } from './config/output-clusters.ts';
import { readIngestSection } from './config/ingest-section.ts';
import { readHttpPostSection } from './config/httppost-section.ts';
import { readStreamSection } from './config/stream-section.ts';
import { type Clock, systemClock } from './core/time.ts';
import { prepareDataDir } from './data-dir.ts';
import { PointRouter } from './ingest/point-router.ts';
import { defaultParseWorkers, OFF_THREAD_MIN_BYTES, OffThreadParser } from './ingest/off-thread-parser.ts';
import { type WriteRequest, WriteService } from './ingest/write-service.ts';
import type { MetaStore } from './meta/meta-store.ts';
import { SqliteMetaStore } from './meta/sqlite-meta-store.ts';
import { StreamEngine } from './pipeline/engine.ts';
import { HttpOutService } from './pipeline/http-out-service.ts';
import type { LogLevel, PipelineLogger } from './pipeline/node.ts';
import { alertNodeFactory } from './pipeline/nodes/alert.ts';
import { fetchPoster } from './pipeline/outputs/fetch-poster.ts';
import { InfluxDBHttpWriter } from './pipeline/outputs/influxdb-http-writer.ts';
import type { PointWriter } from './pipeline/outputs/point-writer.ts';
import { SeriesStoreWriter } from './pipeline/outputs/series-store-writer.ts';
import { StreamTaskExecutor } from './pipeline/task-executor.ts';
import { InfluxHttpStore } from './store/influx-http-store.ts';
import { openSeriesStore } from './store/open-series-store.ts';
import type { SeriesStore } from './store/series-store.ts';
import { TaskService } from './tasks/task-service.ts';

export interface ServerOptions {
  config: Config;
  clock?: Clock;
  /**
   * Boot the parse workers before the server is ready instead of at the first large write (which
   * would otherwise wait a worker's start-up). `inductor serve` does; tests leave it off.
   */
  startParseWorkers?: boolean;
}

/** A running (or ready to run) server: its HTTP app and the services behind it. */
export interface Server {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly meta: MetaStore;
  readonly router: PointRouter;
  readonly writes: WriteService;
  /** Starts listening; resolves the bound address (`http://host:port`). */
  listen(): Promise<string>;
  /** Stops accepting requests, stops every engine and flushes every store to disk. */
  close(): Promise<void>;
}

export class ListenError extends Error {
  override name = 'ListenError';
}

export async function createServer(options: ServerOptions): Promise<Server> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const dataDir = prepareDataDir(config.dataDir);
  /** Closed in reverse order of opening. */
  const closers: Array<() => Promise<void> | void> = [];

  const log = pino({ level: config.logging.level });
  const pipelineLog = pipelineLogger(log);
  const streamSection = readStreamSection(config.sections.stream);
  const clusters = readInfluxdbClusters(config.sections.influxdb);

  // ── Stores ───────────────────────────────────────────────────────────────────────────────
  const meta = new SqliteMetaStore({ path: join(dataDir, 'meta.db') });
  closers.push(() => meta.close());
  const identity = await loadIdentity(meta, config.hostname);
  const series = await openSeriesStore({
    dataDir,
    section: config.sections.storage,
    clock,
    onRawWriteError: (err, batch) => log.error({ err, database: batch.database }, 'storing raw points failed'),
    onBackgroundError: (err) => log.error({ err }, 'series store background work failed'),
  });
  closers.push(() => series.close());

  // ── Engines ──────────────────────────────────────────────────────────────────────────────
  const router = new PointRouter();
  router.subscribeAll(series.rawWrites.subscriber);
  // Field values of writes the series store keeps are decoded on the parse workers too.
  const parser = new OffThreadParser(readIngestSection(config.sections.ingest, defaultParseWorkers()).parseWorkers, OFF_THREAD_MIN_BYTES, (db) =>
    series.rawWrites.keptRecently(db),
  );
  closers.push(() => parser.close());
  if (options.startParseWorkers) await parser.start();
  const writes = new WriteService(router, clock, {
    durable: (batch) => series.rawWrites.settled(batch),
    parse: (body, parseOptions) => parser.parse(body, parseOptions),
    allocate: (length) => parser.allocate(length),
    release: (batch) => parser.release(batch),
  });
  const engine = new StreamEngine({
    clock,
    subscribe: (db, rp, fn) => router.subscribe(db, rp, fn),
    repeat: (ms, fn) => {
      const timer = setInterval(fn, ms);
      return () => clearInterval(timer);
    },
    logger: pipelineLog,
    // `.cluster('name')` selects an [[influxdb]] entry; no name, the `default = true` one or the series store.
    writers: clusterResolver<PointWriter>(clusters, (c) => new InfluxDBHttpWriter(c), new SeriesStoreWriter(series.store)),
    http: fetchPoster(readHttpPostSection(config.sections.httppost), streamSection.httpPostQueueSize),
    groupIdleMs: streamSection.groupIdleMs,
    queryStores: clusterResolver<SeriesStore>(clusters, (c) => new InfluxHttpStore(c), series.store),
  });
  closers.push(() => engine.stopAll());

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Per-request log lines would dominate the write path; errors are logged by the dialects.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.maxBodySize,
    // Request ids are Kapacitor's `Request-Id` header, generated by the dialect.
    genReqId: () => randomUUID(),
  });
  const catalogue = new RouteCatalogue();
  catalogue.watch(app);
  const authenticator = config.http.authEnabled
    ? new Authenticator({
        users: config.auth.users,
        tokens: config.auth.tokens,
        sharedSecret: config.http.sharedSecret,
        nowSeconds: () => Math.floor(clock.now().ms / 1000),
      })
    : undefined;
  installAuthentication(app, authenticator);

  // OpenTSDB dialect (/api/annotation, /api/query ...; [opentsdb] section, optional native port);
  // /api/v1/export/... belongs to Pandora.
  const opentsdb = await setupOpentsdb({
    app,
    meta,
    section: config.sections.opentsdb,
    bindAddress: config.http.bindAddress,
    clock,
    store: series.store,
    foreignPaths: /^\/api\/v1\/export(\/|$)/i,
  });
  closers.push(() => opentsdb.close());

  // Alerting: topics, events and handlers ([alert], [slack], [pagerduty], [smtp], [[mqtt]], [[httppost]] sections).
  const alerts = new AlertService({ meta, config: alertConfig(config.sections), logger: pipelineLog });
  await alerts.open();
  closers.push(() => alerts.close());
  engine.registry.register(
    'alert',
    alertNodeFactory({
      service: alerts,
      server: { hostname: identity.hostname, clusterId: identity.clusterId, serverId: identity.serverId },
      groupTtlMs: alerts.config.groupTtlMs,
      annotate: alerts.config.annotations ? annotateAlerts(opentsdb.alerts, pipelineLog) : undefined,
    }),
  );

  // Kapacitor tasks and templates; enabled tasks start again here.
  const tasks = new TaskService({ meta, clock, executor: new StreamTaskExecutor(engine) });
  await tasks.open();
  closers.push(() => tasks.close());

  const statSources: Array<() => ExpvarStat[]> = [() => ingressStats(router), () => httpdStats(writes)];
  const write = writeRoutes({ writes, maxBodySize: config.http.maxBodySize });
  await registerKapacitorApi(app, {
    routes: [
      systemRoutes({
        identity,
        catalogue,
        taskCounts: () => tasks.counts(),
        statSources,
        setLogLevel: (level) => {
          app.log.level = level;
        },
      }),
      write,
      tasksRoutes(tasks),
      templatesRoutes(tasks),
      httpOutRoutes(new HttpOutService(engine)),
      alertsRoutes(alerts),
    ],
    rootRoutes: [write],
  });
  // InfluxDB 1.x /query (Grafana's and Chronograf's InfluxDB data sources).
  await app.register(influxdbApi({ queries: series.queries }));
  // Pandora export tasks (/api/v1/export/...; [exports] section); missed runs are caught up here.
  const pandora = await setupPandora({
    app,
    meta,
    store: series.store,
    clock,
    dataDir,
    section: config.sections.exports,
    log,
  });
  closers.push(() => pandora.close());
  // SeaTunnel dialect (/submit-job, /job-info/..., /hazelcast/rest/maps/...) and its job engine.
  const seatunnel = await setupSeatunnel({
    app,
    meta,
    dataDir,
    section: config.sections.seatunnel,
    host: config.hostname,
    bindAddress: config.http.bindAddress,
    authenticator,
    // The Inductor connector reads and writes the series store, or writes through /write's path.
    services: { seriesStore: series.store, ingest: (request: WriteRequest) => writes.write(request) },
  });
  closers.push(() => seatunnel.close());
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `not found: ${request.method} ${request.url.split('?')[0]}` });
  });

  let closed = false;
  return {
    app,
    config,
    meta,
    router,
    writes,
    async listen() {
      try {
        return await app.listen({ port: config.http.port, host: config.http.bindAddress });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE') {
          throw new ListenError(`port ${config.http.port} on ${config.http.bindAddress} is already in use`);
        }
        if (e.code === 'EACCES') {
          throw new ListenError(`no permission to listen on ${config.http.bindAddress}:${config.http.port}`);
        }
        throw err;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      for (const close of closers.reverse()) await close();
    },
  };
}

/** The engines' logger, writing through the server's pino logger. */
function pipelineLogger(log: Logger): PipelineLogger {
  const method: Record<LogLevel, 'debug' | 'info' | 'warn' | 'error'> = {
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  return { log: (level, message, context) => log[method[level]](context, message) };
}

/** Cluster and server ids are made once and kept, as Kapacitor keeps them in its store. */
async function loadIdentity(meta: MetaStore, hostname: string): Promise<ServerIdentity> {
  const docs = meta.documents<{ clusterId: string; serverId: string }>('server');
  let ids = await docs.get('identity');
  if (ids === undefined) {
    ids = { clusterId: randomUUID(), serverId: randomUUID() };
    await docs.put('identity', ids);
  }
  return { ...ids, hostname };
}

function ingressStats(router: PointRouter): ExpvarStat[] {
  return router.ingress().map((c) => ({
    name: 'ingress',
    tags: { task_master: 'main', database: c.database, retention_policy: c.retentionPolicy, measurement: c.measurement },
    values: { points_received: c.points },
  }));
}

function httpdStats(writes: WriteService): ExpvarStat[] {
  const s = writes.stats;
  return [
    {
      name: 'httpd',
      tags: { bind: '' },
      values: {
        write_req: s.writeRequests,
        write_req_bytes: s.writeBytes,
        points_written_ok: s.pointsWrittenOk,
        points_written_fail: s.pointsWrittenFail,
      },
    },
  ];
}
