// HTTP write throughput of this server (no task attached) against InfluxDB 1.x, same client, same run.

import type { Figure } from './support/figure.ts';
import { influxdPeerFigures } from './support/influxd.ts';
import { runIngestLoad } from './support/ingest-load.ts';
import { startInductor } from './support/processes.ts';

const LOAD = { points: 2_000_000, series: 1000, batch: 5000, conns: 4 };

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const inductor = await startInductor();
  let ours: number;
  try {
    ours = (await runIngestLoad(`${inductor.url}/kapacitor/v1/write?db=bench&rp=autogen`, LOAD)).points_per_s;
  } finally {
    await inductor.stop();
  }
  figures.push({ name: 'HTTP ingest, accepted and routed, no task', value: ours, unit: 'points/s', target: '≥ 1,000,000' });

  figures.push(
    ...(await influxdPeerFigures({
      ours,
      label: 'HTTP ingest',
      setup: 'same client',
      target: '≈ 8×',
      run: async (url) => (await runIngestLoad(url, LOAD)).points_per_s,
    })),
  );
  return figures;
}
