// Wiring of the SeaTunnel job engine and dialect for the composition root: reads `[seatunnel]`, restores jobs, registers routes.

import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import type { ConnectorServices } from '../../jobs/connectors/contract.ts';
import { builtinRegistry } from '../../jobs/builtins.ts';
import { JobService } from '../../jobs/job-service.ts';
import type { MetaStore } from '../../meta/meta-store.ts';
import { startSeatunnelListener } from './native-listener.ts';
import { seatunnelApi } from './plugin.ts';

/** The `[seatunnel]` config section. */
export interface SeatunnelSection {
  /** Native listener port serving only this dialect (5801 for drop-in use); 0 or absent = off. */
  port: number;
  /** Key for `shade.identifier = "aes-256-gcm"` (64 hex digits, or a passphrase). */
  shadeKey?: string;
  historyExpireMinutes: number;
  contextPath: string;
  /** Serve the deprecated `/hazelcast/rest/maps` alias. */
  v1: boolean;
}

export class SeatunnelConfigError extends Error {
  override name = 'SeatunnelConfigError';
}

export function readSeatunnelSection(raw: unknown): SeatunnelSection {
  const s = (raw ?? {}) as Record<string, unknown>;
  if (typeof s !== 'object' || Array.isArray(s)) throw new SeatunnelConfigError('[seatunnel] must be a table');
  const int = (key: string, fallback: number) => {
    const v = s[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new SeatunnelConfigError(`[seatunnel] ${key} must be a non-negative integer`);
    return v;
  };
  const shadeKey = s.shade_key;
  if (shadeKey !== undefined && typeof shadeKey !== 'string') throw new SeatunnelConfigError('[seatunnel] shade_key must be a string');
  const contextPath = String(s.context_path ?? '').replace(/\/+$/, '');
  if (contextPath !== '' && !contextPath.startsWith('/')) throw new SeatunnelConfigError('[seatunnel] context_path must start with /');
  return {
    port: int('port', 0),
    shadeKey,
    historyExpireMinutes: int('history_expire_minutes', 1440),
    contextPath,
    v1: s.v1 !== false,
  };
}

export interface SeatunnelSetup {
  jobs: JobService;
  /** `http://host:port` of the native listener, when one is configured. */
  nativeAddress?: string;
  close(): Promise<void>;
}

/** Creates the job service, restores jobs, registers the dialect on `app` and starts the optional native listener. */
export async function setupSeatunnel(options: {
  app: FastifyInstance;
  meta: MetaStore;
  dataDir: string;
  section: unknown;
  host: string;
  bindAddress: string;
  services?: ConnectorServices;
  /** Applied to the native listener (the shared port has the server's own hook). */
  authenticator?: Authenticator;
}): Promise<SeatunnelSetup> {
  const section = readSeatunnelSection(options.section);
  const jobs = new JobService({
    meta: options.meta,
    registry: builtinRegistry(),
    services: options.services,
    env: process.env,
    shadeKey: section.shadeKey,
    historyExpireMinutes: section.historyExpireMinutes,
    logDir: join(options.dataDir, 'logs', 'seatunnel'),
  });
  await jobs.init();
  const services = { jobs, env: process.env, contextPath: section.contextPath, v1: section.v1, host: options.host };
  await options.app.register(seatunnelApi(services));
  const native = section.port > 0 ? await startSeatunnelListener({ services, port: section.port, host: options.bindAddress, authenticator: options.authenticator }) : undefined;
  return {
    jobs,
    nativeAddress: native?.address,
    async close() {
      await native?.close();
      await jobs.close();
    },
  };
}
