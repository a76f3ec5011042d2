// CPU seconds per million points in each of the server's threads, for the store-ingest load and for
// the seed-000 stream task: far steadier on a shared VM than points/s, and it shows which thread
// limits the rate (the event loop, the parse worker, or the helper threads of V8 and libuv).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './support/figure.ts';
import { type LoadOptions, runIngestLoad, warmUpFor } from './support/ingest-load.ts';
import { type InductorProcess, startInductor } from './support/processes.ts';
import { threadCpuDelta, threadCpuReadable, threadCpuSeconds } from './support/thread-cpu.ts';
import { SEED } from './stream-throughput.ts';

const LOAD: LoadOptions = { points: 1_000_000, series: 1000, batch: 5000, conns: 4 };

interface Case {
  name: string;
  /** Starts the server and prepares it; returns it and the write URL. */
  start(): Promise<{ server: InductorProcess; writeUrl: string; cleanUp(): void }>;
}

const CASES: Case[] = [
  {
    name: 'store ingest, WAL durable per commit (as store-ingest)',
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'inductor-cpu-bench-'));
      const config = join(dir, 'inductor.toml');
      writeFileSync(config, '[storage]\nfsync = "always"\n\n[[storage.databases]]\nname = "bench"\nstore-raw-writes = true\n');
      const server = await startInductor(['--config', config]);
      return { server, writeUrl: `${server.url}/write?db=bench`, cleanUp: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'stream task seed 000 (as stream-throughput (c))',
    async start() {
      const server = await startInductor();
      const res = await fetch(`${server.url}/kapacitor/v1/tasks`, {
        method: 'POST',
        body: JSON.stringify({ id: 'bench', type: 'stream', dbrps: [{ db: 'bench', rp: 'autogen' }], script: SEED, status: 'enabled' }),
      });
      if (res.status !== 200) throw new Error(`task not created: ${await res.text()}`);
      return { server, writeUrl: `${server.url}/kapacitor/v1/write?db=bench&rp=autogen`, cleanUp: () => {} };
    },
  },
];

async function measure(c: Case): Promise<Figure[]> {
  const { server, writeUrl, cleanUp } = await c.start();
  try {
    await runIngestLoad(writeUrl, warmUpFor(LOAD));
    const before = threadCpuSeconds(server.pid);
    const result = await runIngestLoad(writeUrl, LOAD);
    const delta = threadCpuDelta(before, threadCpuSeconds(server.pid));
    const perMillion = 1_000_000 / LOAD.points;
    const eventLoop = (delta.get(server.pid) ?? 0) * perMillion;
    // Node names every thread "node"; the parse worker is the busiest one besides the main thread.
    const others = [...delta].filter(([tid]) => tid !== server.pid).map(([, s]) => s * perMillion);
    const worker = Math.max(0, ...others);
    const helpers = others.reduce((a, b) => a + b, 0) - worker;
    const unit = 's/M points';
    return [
      { name: `${c.name}: rate`, value: result.points_per_s, unit: 'points/s' },
      { name: `${c.name}: event loop`, value: eventLoop, unit },
      { name: `${c.name}: parse worker (busiest other thread)`, value: worker, unit },
      { name: `${c.name}: V8 and libuv helper threads`, value: helpers, unit },
      { name: `${c.name}: all threads`, value: eventLoop + worker + helpers, unit },
    ];
  } finally {
    await server.stop();
    cleanUp();
  }
}

export async function run(): Promise<Figure[]> {
  if (!threadCpuReadable()) {
    console.log('  (no /proc here: per-thread CPU needs Linux)');
    return [];
  }
  const figures: Figure[] = [];
  for (const c of CASES) figures.push(...(await measure(c)));
  return figures;
}
