// Stream task throughput through the HTTP write path: points/s for three task shapes, each defined
// through the tasks API of a fresh `inductor serve` process and fed by the shared load generator
// (../shared/bench/ingest-load.mjs), plus the same load with no task as the baseline.

import type { Figure } from './support/figure.ts';
import { runIngestLoad, warmUpFor } from './support/ingest-load.ts';
import { startInductor } from './support/processes.ts';

const LOAD = { points: 2_000_000, series: 1000, batch: 5000, conns: 4 };
/** Before the measured load, each server gets the same data just before it (see `warmUpFor`). */
const WARM_UP = warmUpFor(LOAD);
/** The seed task joins against 10 minutes earlier: 1,000 s of data at 1,000 series, 400 s of it joined. */
const SEED_LOAD = { ...LOAD, points: 1_000_000 };

/** Seed 000 as its author wrote it (alert included), on the load generator's measurement and fields. */
export const SEED = `var data = stream
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
    |alert()
        .crit(lambda: "value" > 10)
        .stateChangesOnly()
        .message('')
        .id('bench-{{.Group}}')
        .idTag('alertID')
        .levelTag('level')
        .messageField('message')
        .durationField('duration')
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
  ['(c) seed 000 relative change (shift + join + eval + alert → influxDBOut, httpOut)', SEED, '≥ 500,000', SEED_LOAD],
];

async function measure(script: string | undefined, load: typeof LOAD): Promise<{ rate: number; processed: number; joined: number }> {
  const inductor = await startInductor();
  try {
    if (script !== undefined) {
      const res = await fetch(`${inductor.url}/kapacitor/v1/tasks`, {
        method: 'POST',
        body: JSON.stringify({ id: 'bench', type: 'stream', dbrps: [{ db: 'bench', rp: 'autogen' }], script, status: 'enabled' }),
      });
      if (res.status !== 200) throw new Error(`task not created: ${await res.text()}`);
    }
    const url = `${inductor.url}/kapacitor/v1/write?db=bench&rp=autogen`;
    await runIngestLoad(url, WARM_UP);
    const result = await runIngestLoad(url, load);
    if (script === undefined) return { rate: result.points_per_s, processed: load.points, joined: 0 };
    const task = (await (await fetch(`${inductor.url}/kapacitor/v1/tasks/bench`)).json()) as {
      stats: { 'node-stats': Record<string, Record<string, number>> };
    };
    const stats = task.stats['node-stats'];
    return { rate: result.points_per_s, processed: stats.from1.collected, joined: stats.join5?.emitted ?? 0 };
  } finally {
    await inductor.stop();
  }
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const baseline = await measure(undefined, LOAD);
  figures.push({ name: 'stream baseline: same load, no task (write path; raw writes not stored), after a warm-up', value: baseline.rate, unit: 'points/s' });
  for (const [name, script, target, load] of SHAPES) {
    const { rate, processed, joined } = await measure(script, load);
    const sent = WARM_UP.points + load.points;
    if (processed !== sent) throw new Error(`${name}: task saw ${processed} of ${sent} points`);
    if (script === SEED && joined === 0) throw new Error(`${name}: the join emitted nothing`);
    figures.push({ name: `stream task ${name}, after a warm-up`, value: rate, unit: 'points/s', target });
  }
  return figures;
}
