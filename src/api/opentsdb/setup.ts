// Wiring of the OpenTSDB dialect for the composition root: reads `[opentsdb]`, builds the annotation,
// TSUID and query services, registers the routes and starts the optional native listener.

import type { FastifyInstance } from 'fastify';
import { AlertAnnotator } from '../../annotations/alert-annotations.ts';
import { AnnotationService } from '../../annotations/annotation-service.ts';
import { DataPointWriter } from '../../annotations/datapoint-writer.ts';
import { OpentsdbQueryService } from '../../annotations/query-service.ts';
import { TsuidService } from '../../annotations/uid/tsuid-service.ts';
import { UidTables } from '../../annotations/uid/uid-table.ts';
import type { Clock } from '../../core/time.ts';
import type { MetaStore } from '../../meta/meta-store.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import { startOpentsdbListener } from './native-listener.ts';
import { type OpentsdbServices, opentsdbApi } from './plugin.ts';

/** The `[opentsdb]` config section. */
export interface OpentsdbSection {
  /** Native listener port serving only this dialect (4242 for drop-in use); 0 or absent = off. */
  port: number;
  /** The series-store database whose series are OpenTSDB time series (metric = measurement.field). */
  database: string;
  /** One retention policy of that database; empty = all of them. */
  retentionPolicy: string;
}

export class OpentsdbConfigError extends Error {
  override name = 'OpentsdbConfigError';
}

export function readOpentsdbSection(raw: unknown): OpentsdbSection {
  const s = (raw ?? {}) as Record<string, unknown>;
  if (typeof s !== 'object' || Array.isArray(s)) throw new OpentsdbConfigError('[opentsdb] must be a table');
  const port = s.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OpentsdbConfigError('[opentsdb] port must be an integer between 0 and 65535');
  }
  const text = (key: string, fallback: string) => {
    const v = s[key] ?? fallback;
    if (typeof v !== 'string') throw new OpentsdbConfigError(`[opentsdb] ${key} must be a string`);
    return v;
  };
  const database = text('database', 'opentsdb');
  if (database === '') throw new OpentsdbConfigError('[opentsdb] database must not be empty');
  return { port, database, retentionPolicy: text('retention_policy', '') };
}

export interface OpentsdbSetup {
  annotations: AnnotationService;
  /** For the alerting engine: writes an annotation per alert event on its series. */
  alerts: AlertAnnotator;
  /** `http://host:port` of the native listener, when one is configured. */
  nativeAddress?: string;
  close(): Promise<void>;
}

export async function setupOpentsdb(options: {
  app: FastifyInstance;
  meta: MetaStore;
  section: unknown;
  bindAddress: string;
  clock: Clock;
  /** Without a series store only the annotation endpoints are served (no TSUIDs, query or put). */
  store?: SeriesStore;
  serverVersion?: string;
  /** Paths under `/api/` that belong to another dialect. */
  foreignPaths?: RegExp;
}): Promise<OpentsdbSetup> {
  const section = readOpentsdbSection(options.section);
  const annotations = new AnnotationService(options.meta);
  const services: OpentsdbServices = {
    annotations,
    clock: options.clock,
    serverVersion: options.serverVersion,
    foreignPaths: options.foreignPaths,
  };
  if (options.store !== undefined) {
    const tsuids = new TsuidService(options.store, await UidTables.open(options.meta), {
      database: section.database,
      retentionPolicy: section.retentionPolicy === '' ? undefined : section.retentionPolicy,
    });
    services.tsuids = tsuids;
    services.query = new OpentsdbQueryService(options.store, tsuids, annotations);
    services.put = new DataPointWriter(options.store, section.database, section.retentionPolicy);
  }
  await options.app.register(opentsdbApi(services));
  // The native port serves OpenTSDB's paths only, so no other dialect's paths need excluding there.
  const native =
    section.port > 0
      ? await startOpentsdbListener({ services: { ...services, foreignPaths: undefined }, port: section.port, host: options.bindAddress })
      : undefined;
  return {
    annotations,
    alerts: new AlertAnnotator(annotations, services.tsuids),
    nativeAddress: native?.address,
    async close() {
      await native?.close();
    },
  };
}
