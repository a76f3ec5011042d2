// The seed-000 task in-process: microseconds of event-loop time per point in the stream engine
// alone, without HTTP, the parse worker or the load generator, so changes to the engine can be
// judged on this noisy VM (the HTTP figures of stream-throughput move by up to 2× between runs).

import { alertConfig } from '../src/alert/alert-config.ts';
import { AlertService } from '../src/alert/alert-service.ts';
import { ManualClock } from '../src/core/time.ts';
import { PointRouter } from '../src/ingest/point-router.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import { StreamEngine } from '../src/pipeline/engine.ts';
import { alertNodeFactory } from '../src/pipeline/nodes/alert.ts';
import { compileTask } from '../src/tick/index.ts';
import type { Figure } from './support/figure.ts';
import { SEED } from './stream-throughput.ts';

const SERIES = 1000;
const BATCH = 5000;
/** As in stream-throughput: a 200,000-point warm-up, then 1,000,000 points, 400 s of them joined. */
const WARM_UP = 200_000;
const POINTS = 1_200_000;
const START_NS = 1_700_000_000_000_000_000n - 200n * 1_000_000_000n;

/** Lines [from, to) in the shared load generator's format (one point per series per second). */
function body(from: number, to: number): Buffer {
  let s = '';
  for (let j = from; j < to; j++) {
    const sid = j % SERIES;
    const ts = START_NS + BigInt(Math.floor(j / SERIES)) * 1_000_000_000n;
    s += `cpu,host=server${sid},region=r${sid % 8},cpu=cpu-total usage_idle=${(j % 100) + 0.5},usage_user=${(j * 7) % 100}i,ok=true ${ts}\n`;
  }
  return Buffer.from(s);
}

export async function run(): Promise<Figure[]> {
  const meta = new SqliteMetaStore({ path: ':memory:' });
  const alerts = new AlertService({ meta, config: alertConfig({}), logger: { log: () => {} } });
  await alerts.open();
  const router = new PointRouter();
  const clock = new ManualClock({ ms: Date.now(), ns: 0 });
  const engine = new StreamEngine({
    clock,
    subscribe: (db, rp, fn) => router.subscribe(db, rp, fn),
    repeat: () => () => {},
    logger: { log: () => {} },
  });
  engine.registry.register('alert', alertNodeFactory({ service: alerts, server: { hostname: 'bench', clusterId: '', serverId: '' } }));
  const task = engine.start({ id: 'bench', pipeline: compileTask(SEED).pipeline, dbrps: [{ db: 'bench', rp: 'autogen' }] });
  let ns = 0n;
  const now = clock.now();
  for (let i = 0; i < POINTS; i += BATCH) {
    // Parsing (a worker's job in the server) stays outside the timed part.
    const batch = parseLineProtocol(body(i, i + BATCH), { database: 'bench', retentionPolicy: 'autogen', precision: 'n', now });
    const start = process.hrtime.bigint();
    router.publish(batch);
    if (i >= WARM_UP) ns += process.hrtime.bigint() - start;
    // The task's ticker, as in the server: coarse wall time for group activity.
    clock.advance(20e6);
    engine.tick();
  }
  const joined = task.executionStats()['node-stats'].join5?.emitted ?? 0;
  engine.stopAll();
  await alerts.close();
  await meta.close();
  if (joined === 0) throw new Error('the join emitted nothing');
  const name = `stream engine in-process, seed 000 (${joined.toLocaleString('en-US')} joined), after a warm-up`;
  return [{ name, value: Number(ns) / 1000 / (POINTS - WARM_UP), unit: 'µs/point' }];
}
