// Bytes held per idle group with 1,000,000 groups through from → groupBy → window → last → httpOut,
// and what idle expiry gives back.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock } from '../src/core/time.ts';
import { PointRouter } from '../src/ingest/point-router.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { StreamEngine } from '../src/pipeline/engine.ts';
import { evaluateProgram } from '../src/tick/evaluate.ts';
import { parse } from '../src/tick/parser.ts';
import type { Figure } from './support/figure.ts';

const GROUPS = 1_000_000;
const BATCH = 10_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The JS heap plus ArrayBuffer backing stores, where per-group typed columns live (outside heapUsed). */
function heap(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export async function run(): Promise<Figure[]> {
  const router = new PointRouter();
  const clock = new ManualClock({ ms: 1_700_000_000_000, ns: 0 });
  const engine = new StreamEngine({
    clock,
    subscribe: (db, rp, fn) => router.subscribe(db, rp, fn),
    repeat: () => () => {},
    logger: { log: () => {} },
    groupIdleMs: 60_000,
  });
  const script = `stream|from().measurement('cpu')|groupBy('host')|window().period(10s).every(10s)|last('value')|httpOut('out')`;
  const before = heap();
  const task = engine.start({ id: 'mem', pipeline: evaluateProgram(parse(script), 'stream').pipeline, dbrps: [{ db: 'b', rp: 'r' }] });
  const t0 = 1_700_000_000;
  // Two points per group, 10 s apart, so every window has emitted once and holds one point.
  for (const offset of [0, 10]) {
    for (let i = 0; i < GROUPS; i += BATCH) {
      let body = '';
      for (let j = i; j < i + BATCH; j++) body += `cpu,host=h${j} value=${j}.5 ${t0 + offset}\n`;
      router.publish(parseLineProtocol(Buffer.from(body), { database: 'b', retentionPolicy: 'r', precision: 's', now: clock.now() }));
    }
  }
  const loaded = heap();
  const cardinality = task.executionStats()['node-stats'].window3.working_cardinality;
  if (cardinality !== GROUPS) throw new Error(`window holds ${cardinality} groups, expected ${GROUPS}`);
  clock.advance(61e9);
  engine.tick();
  const expired = heap();
  const left = task.workingCardinality();
  engine.stopAll();
  return [
    { name: 'stream memory per idle group (1M groups, groupBy→window→last→httpOut)', value: (loaded - before) / GROUPS, unit: 'bytes', target: '≤ 300' },
    { name: 'stream memory per group after idle expiry', value: Math.max(0, expired - before) / GROUPS, unit: 'bytes' },
    { name: 'groups left after idle expiry', value: left, unit: 'groups' },
  ];
}
