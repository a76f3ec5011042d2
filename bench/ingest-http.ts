// HTTP write throughput of this server (no task attached) against InfluxDB 1.x, same client, same run.

import type { Figure } from './support/figure.ts';
import { findInfluxd, startInfluxd } from './support/influxd.ts';
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

  const binary = findInfluxd();
  if (binary === undefined) {
    console.log('  (influxd not installed: apt-get install -y influxdb for the side-by-side figure)');
    return figures;
  }
  const influx = await startInfluxd(binary);
  try {
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE bench')}`, { method: 'POST' });
    const theirs = (await runIngestLoad(`${influx.url}/write?db=bench`, LOAD)).points_per_s;
    figures.push({ name: `HTTP ingest, InfluxDB ${influx.version} (same client)`, value: theirs, unit: 'points/s' });
    figures.push({ name: 'HTTP ingest ratio, Inductor / InfluxDB', value: ours / theirs, unit: '×', target: '≈ 8×' });
  } finally {
    await influx.stop();
  }
  return figures;
}
