// Series-store ingest with the WAL on (durable before every acknowledgement, group commit) through
// `inductor serve`, against InfluxDB 1.x, both fed over HTTP by the same load generator. The two
// alternate over several rounds in one run, so that a change in the machine's load between them
// shows in one round's ratio rather than in all of them. Each side gets the same warm-up load into
// the same database just before the measured one (earlier times, the same series), so that both are
// measured in steady state: not our JIT's first second, nor InfluxDB's first writes to a new shard.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './support/figure.ts';
import { findInfluxd, type Influxd, startInfluxd } from './support/influxd.ts';
import { runIngestLoad, warmUpFor } from './support/ingest-load.ts';
import { startInductor } from './support/processes.ts';

const LOAD = { points: 1_000_000, series: 1000, batch: 5000, conns: 4 };
const ROUNDS = 3;
const WARM_UP = warmUpFor(LOAD);

/** The warm-up, then the measured load; the rate of the measured load. */
async function warmedLoad(writeUrl: string): Promise<number> {
  await runIngestLoad(writeUrl, WARM_UP);
  return (await runIngestLoad(writeUrl, LOAD)).points_per_s;
}

/** One load into a fresh `inductor serve` whose `bench` database stores raw writes; checks every point was stored. */
async function throughServer(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'inductor-store-bench-'));
  const config = join(dir, 'inductor.toml');
  writeFileSync(config, '[storage]\nfsync = "always"\n\n[[storage.databases]]\nname = "bench"\nstore-raw-writes = true\n');
  const server = await startInductor(['--config', config]);
  try {
    const rate = await warmedLoad(`${server.url}/write?db=bench`);
    const res = await fetch(`${server.url}/query?db=bench&q=${encodeURIComponent('SELECT count(usage_idle) FROM cpu')}`);
    const count = ((await res.json()) as { results: { series?: { values: number[][] }[] }[] }).results[0].series?.[0].values[0][1];
    const sent = WARM_UP.points + LOAD.points;
    if (count !== sent) throw new Error(`the server stored ${count} of ${sent} points`);
    return rate;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One load into a freshly created database of a running InfluxDB (warmed up as ours is). */
async function intoInfluxd(influx: Influxd): Promise<number> {
  for (const q of ['DROP DATABASE bench', 'CREATE DATABASE bench']) {
    const res = await fetch(`${influx.url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' });
    await res.arrayBuffer();
  }
  return warmedLoad(`${influx.url}/write?db=bench`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run(): Promise<Figure[]> {
  const binary = findInfluxd();
  if (binary === undefined) {
    console.log('  (influxd not installed: apt-get install -y influxdb for the side-by-side figure)');
    return [{ name: 'store ingest through inductor serve, WAL durable per commit', value: await throughServer(), unit: 'points/s' }];
  }
  const influx = await startInfluxd(binary);
  const ours: number[] = [];
  const theirs: number[] = [];
  const figures: Figure[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const load = loadavg()[0].toFixed(1);
      ours.push(await throughServer());
      theirs.push(await intoInfluxd(influx));
      const r = round - 1;
      figures.push({ name: `round ${round} (load ${load}): ${Math.round(ours[r] / 1000)}k vs InfluxDB ${Math.round(theirs[r] / 1000)}k, ratio`, value: ours[r] / theirs[r], unit: '×' });
    }
  } finally {
    await influx.stop();
  }
  const ratios = ours.map((o, i) => o / theirs[i]);
  return [
    ...figures,
    { name: 'store ingest through inductor serve, WAL durable per commit (median)', value: median(ours), unit: 'points/s' },
    { name: `store ingest over HTTP, InfluxDB ${influx.version} (fsync per write, its default; median)`, value: median(theirs), unit: 'points/s' },
    { name: 'store ingest over HTTP ratio, Inductor / InfluxDB (median of rounds)', value: median(ratios), unit: '×', target: '≥ 3×' },
  ];
}
