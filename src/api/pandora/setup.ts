// Wiring of the Pandora export tasks for the composition root: reads `[exports]`, starts the schedules, registers routes.

import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/time.ts';
import { exportSettings } from '../../exports/config.ts';
import { ExportService, type ExportServiceOptions } from '../../exports/export-service.ts';
import { builtinRegistry } from '../../jobs/builtins.ts';
import type { SinkFactory } from '../../jobs/connectors/contract.ts';
import type { MetaStore } from '../../meta/meta-store.ts';
import { SeriesStoreRowSource } from '../../query/spl/series-store-source.ts';
import { systemTimers, type Timers } from '../../schedule/timers.ts';
import type { SeriesStore } from '../../store/series-store.ts';
import { pandoraApi } from './pandora-api.ts';

export interface PandoraSetupOptions {
  app: FastifyInstance;
  meta: MetaStore;
  store: SeriesStore;
  clock: Clock;
  /** Default: Node's timers. */
  timers?: Timers;
  dataDir: string;
  /** The raw `[exports]` config section. */
  section: unknown;
  log?: ExportServiceOptions['log'];
}

export interface PandoraSetup {
  exports: ExportService;
  /** Stops firing and waits for runs in progress. */
  close(): Promise<void>;
}

/** Registers `/api/v1/export/...` on `app` and schedules every running task (catching up missed fires). */
export async function setupPandora(options: PandoraSetupOptions): Promise<PandoraSetup> {
  const plugins = builtinRegistry();
  const exports = new ExportService({
    ...exportSettings(options.section),
    meta: options.meta,
    source: new SeriesStoreRowSource(options.store),
    clock: options.clock,
    timers: options.timers ?? systemTimers,
    dataDir: options.dataDir,
    // `sink` destinations use the job engine's connectors (Jdbc, Redis, LocalFile, Inductor, ...).
    sinks: (plugin) => plugins.get(`sink:${plugin.toLowerCase()}`) as SinkFactory | undefined,
    sinkServices: { seriesStore: options.store },
    log: options.log,
  });
  await options.app.register(pandoraApi({ exports }));
  await exports.start();
  return { exports, close: () => exports.stop() };
}
