// Alert node throughput: points/s through from().groupBy('host') → a three-level alert with
// stateChangesOnly over 10,000 groups, events collected into a topic (in-memory metadata store).

import type { Point } from '../src/core/point.ts';
import { ManualClock } from '../src/core/time.ts';
import { alertConfig } from '../src/alert/alert-config.ts';
import { AlertService } from '../src/alert/alert-service.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import { StreamEngine } from '../src/pipeline/engine.ts';
import { alertNodeFactory } from '../src/pipeline/nodes/alert.ts';
import { compileTask } from '../src/tick/index.ts';
import type { Figure } from './support/figure.ts';

const GROUPS = 10_000;
const PER_GROUP = 200;
/** Each group changes level every 50 points: 4 events per 200 points (2% of points fire). */
const RUN = 50;
const LEVEL_VALUES = [10, 65, 75, 85];

const SCRIPT = `stream
    |from()
        .measurement('cpu')
        .groupBy('host')
    |alert()
        .topic('bench')
        .id('{{ .Name }}/{{ index .Tags "host" }}')
        .info(lambda: "value" > 60.0)
        .warn(lambda: "value" > 70.0)
        .crit(lambda: "value" > 80.0)
        .stateChangesOnly()
`;

const TAGS = Array.from({ length: GROUPS }, (_, g) => ({ host: `host${g}` }));
const T0 = Date.UTC(2024, 0, 1);

/** Rounds [from, to) of every group, as fresh points (made outside the timed part, a chunk at a time). */
function points(from: number, to: number): Point[] {
  const out: Point[] = [];
  for (let i = from; i < to; i++) {
    for (let g = 0; g < GROUPS; g++) {
      const v = LEVEL_VALUES[(Math.floor(i / RUN) + g) % 4] + (i % 3) * 0.5;
      out.push({ database: 'bench', retentionPolicy: 'autogen', name: 'cpu', tags: TAGS[g], fields: { value: v }, timeMs: T0 + i * 1000, timeNs: 0 });
    }
  }
  return out;
}

/**
 * Wall and CPU time (ms) to ingest rounds [0, rounds), generating 10 rounds (100,000 points) per
 * chunk. CPU time is this process's user + system time: on a shared machine it is what one
 * dedicated core would take, while wall time includes waiting for other processes.
 */
async function feed(task: { ingestPoint(p: Point): void }, rounds: number, alerts: AlertService): Promise<{ wall: number; cpu: number }> {
  let wall = 0;
  let cpu = 0;
  for (let r = 0; r < rounds; r += 10) {
    const chunk = points(r, Math.min(rounds, r + 10));
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < chunk.length; i++) task.ingestPoint(chunk[i]);
    await alerts.idle();
    const used = process.cpuUsage(cpuStart);
    cpu += (used.user + used.system) / 1000;
    wall += performance.now() - start;
  }
  return { wall, cpu };
}

export async function run(): Promise<Figure[]> {
  const meta = new SqliteMetaStore({ path: ':memory:' });
  const alerts = new AlertService({ meta, config: alertConfig({}), logger: { log: () => {} } });
  await alerts.open();
  const engine = new StreamEngine({
    clock: new ManualClock({ ms: Date.UTC(2024, 0, 1), ns: 0 }),
    subscribe: () => () => {},
    repeat: () => () => {},
    logger: { log: () => {} },
  });
  engine.registry.register('alert', alertNodeFactory({ service: alerts, server: { hostname: 'bench', clusterId: '', serverId: '' } }));
  const figures: Figure[] = [];
  // A warm-up pass, then the measured pass on a fresh task (new groups, the same topic).
  for (const measured of [false, true]) {
    const task = engine.start({ id: measured ? 'bench' : 'warmup', pipeline: compileTask(SCRIPT).pipeline, dbrps: [] });
    const rounds = measured ? PER_GROUP : PER_GROUP / 4;
    const { wall, cpu } = await feed(task, rounds, alerts);
    if (measured) {
      const events = task.executionStats()['node-stats'].alert2.alerts_triggered.toLocaleString('en-US');
      const name = `alert, 3 levels + stateChangesOnly, ${GROUPS.toLocaleString('en-US')} groups, ${events} events`;
      figures.push({ name: `${name} (wall)`, value: (rounds * GROUPS * 1000) / wall, unit: 'points/s', target: '≥ 400,000' });
      figures.push({ name: `${name} (per CPU-second)`, value: (rounds * GROUPS * 1000) / cpu, unit: 'points/s', target: '≥ 400,000' });
    }
    engine.stop(task.id);
  }
  await alerts.close();
  await meta.close();
  return figures;
}
