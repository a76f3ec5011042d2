// Stream task throughput through the HTTP write path: points/s for three task shapes, fed by the
// shared load generator (../shared/bench/ingest-load.mjs) against a listening server.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/config.ts';
import { systemClock } from '../src/core/time.ts';
import { StreamEngine } from '../src/pipeline/engine.ts';
import { SeriesStoreWriter } from '../src/pipeline/outputs/series-store-writer.ts';
import { createServer } from '../src/server.ts';
import { EmbeddedSeriesStore } from '../src/store/embedded-store.ts';
import { MemoryDisk } from '../src/store/memory-disk.ts';
import { evaluateProgram } from '../src/tick/evaluate.ts';
import { parse } from '../src/tick/parser.ts';
import type { Figure } from './support/figure.ts';
import { runIngestLoad } from './support/ingest-load.ts';

const LOAD = { points: 2_000_000, series: 1000, batch: 5000, conns: 4 };
/** The seed task joins against 10 minutes earlier: 1,000 s of data at 1,000 series, 400 s of it joined. */
const SEED_LOAD = { ...LOAD, points: 1_000_000 };

/** Seed 000 without its alert node (another module): shift + join + eval, into influxDBOut and httpOut. */
const SEED = `var data = stream
    |from()
        .database('bench')
        .retentionPolicy('autogen')
        .measurement('cpu')
        .groupBy(['host'])
        .where(lambda: TRUE)
    |eval(lambda: "usage_idle")
        .as('value')
var past = data
    |shift(10m)
var current = data
var trigger = past
    |join(current)
        .as('past', 'current')
    |eval(lambda: abs(float("current.value" - "past.value")) / float("past.value") * 100.0)
        .keep()
        .as('value')
trigger
    |eval(lambda: float("value"))
        .as('value')
        .keep()
    |influxDBOut()
        .create()
        .database('chronograf')
        .retentionPolicy('autogen')
        .measurement('alerts')
        .tag('alertName', 'bench')
        .tag('triggerType', 'relative')
trigger
    |httpOut('output')
`;

const SHAPES: [string, string, string, typeof LOAD][] = [
  ['(a) from → where → httpOut', `stream|from().measurement('cpu').where(lambda: "usage_idle" > 50.0)|httpOut('out')`, '≥ 1,000,000', LOAD],
  [
    '(b) from → groupBy(host) → window → mean → httpOut, 1,000 hosts',
    `stream|from().measurement('cpu')|groupBy('host')|window().period(10s).every(10s)|mean('usage_idle')|httpOut('out')`,
    '≥ 500,000',
    LOAD,
  ],
  ['(c) seed 000 relative change (shift + join + eval → influxDBOut, httpOut)', SEED, '≥ 500,000', SEED_LOAD],
];

async function measure(script: string, load: typeof LOAD): Promise<{ rate: number; processed: number; joined: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'inductor-bench-stream-'));
  const config = defaultConfig();
  config.dataDir = dataDir;
  config.http.port = 0;
  config.logging.level = 'silent';
  config.http.maxBodySize = 64 * 1024 * 1024;
  const server = await createServer({ config });
  const store = await EmbeddedSeriesStore.open({ dir: '/bench', disk: new MemoryDisk(), fsync: 'never' });
  const writer = new SeriesStoreWriter(store);
  const engine = new StreamEngine({
    clock: systemClock,
    subscribe: (db, rp, fn) => server.router.subscribe(db, rp, fn),
    repeat: (ms, fn) => {
      const t = setInterval(fn, ms);
      return () => clearInterval(t);
    },
    logger: { log: () => {} },
    writers: () => writer,
  });
  engine.start({ id: 'bench', pipeline: evaluateProgram(parse(script), 'stream').pipeline, dbrps: [{ db: 'bench', rp: 'autogen' }] });
  const url = await server.listen();
  try {
    const result = await runIngestLoad(`${url}/kapacitor/v1/write?db=bench&rp=autogen`, load);
    const stats = engine.stats('bench')!['node-stats'];
    return { rate: result.points_per_s, processed: stats.from1.collected, joined: stats.join5?.emitted ?? 0 };
  } finally {
    engine.stopAll();
    await server.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [name, script, target, load] of SHAPES) {
    const { rate, processed, joined } = await measure(script, load);
    if (processed !== load.points) throw new Error(`${name}: task saw ${processed} of ${load.points} points`);
    if (script === SEED && joined === 0) throw new Error(`${name}: the join emitted nothing`);
    figures.push({ name: `stream task ${name}`, value: rate, unit: 'points/s', target });
  }
  return figures;
}
