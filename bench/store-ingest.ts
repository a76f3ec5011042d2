// Series-store ingest with the WAL on (fsync before every acknowledgement, group commit) against
// InfluxDB 1.x, both fed over HTTP by the same load generator in the same run. Ours goes through
// `inductor serve` when the server wires the store, else through a bare /write over the store.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/time.ts';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { nodeDisk } from '../src/store/node-disk.ts';
import type { Figure } from './support/figure.ts';
import { influxdPeerFigures } from './support/influxd.ts';
import { runIngestLoad } from './support/ingest-load.ts';
import { startInductor } from './support/processes.ts';

const LOAD = { points: 1_000_000, series: 1000, batch: 5000, conns: 4 };

/** A bare /write endpoint over the embedded store: parse, store, 204 once the WAL is synced. */
async function storeOverHttp(dir: string) {
  const store = await openEmbeddedStore({ dir, disk: nodeDisk, fsync: 'always', snapshotIntervalMs: 0 });
  await store.createDatabase('bench');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const batch = parseLineProtocol(Buffer.concat(chunks), { database: 'bench', retentionPolicy: '', precision: 'n', now: systemClock.now() });
      store.write(batch).then(
        () => res.writeHead(204).end(),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/write`,
    store,
    async stop() {
      await new Promise((r) => server.close(r));
      await store.close();
    },
  };
}

/**
 * Through `inductor serve` with a database that stores raw writes, when the server wires the store
 * (it serves /query); undefined otherwise.
 */
async function throughServer(dir: string): Promise<number | undefined> {
  const config = join(dir, 'inductor.toml');
  writeFileSync(config, '[storage]\nfsync = "always"\n\n[[storage.databases]]\nname = "bench"\nstore-raw-writes = true\n');
  const server = await startInductor(['--config', config]);
  try {
    const probe = await fetch(`${server.url}/query?q=${encodeURIComponent('SHOW DATABASES')}`);
    await probe.arrayBuffer();
    if (probe.status !== 200) return undefined;
    const rate = (await runIngestLoad(`${server.url}/write?db=bench`, LOAD)).points_per_s;
    const res = await fetch(`${server.url}/query?db=bench&q=${encodeURIComponent('SELECT count(usage_idle) FROM cpu')}`);
    const count = ((await res.json()) as { results: { series?: { values: number[][] }[] }[] }).results[0].series?.[0].values[0][1];
    if (count !== LOAD.points) throw new Error(`the server stored ${count} of ${LOAD.points} points`);
    return rate;
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'inductor-store-bench-'));
  let ours: number;
  try {
    const served = await throughServer(dir);
    if (served !== undefined) {
      ours = served;
      figures.push({ name: 'store ingest through inductor serve, WAL fsync per commit', value: ours, unit: 'points/s' });
    } else {
      const s = await storeOverHttp(dir);
      try {
        ours = (await runIngestLoad(s.url, LOAD)).points_per_s;
        if (s.store.pointCount !== LOAD.points) throw new Error(`stored ${s.store.pointCount} of ${LOAD.points} points`);
      } finally {
        await s.stop();
      }
      figures.push({ name: 'store ingest over a bare HTTP /write, WAL fsync per commit', value: ours, unit: 'points/s' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  figures.push(
    ...(await influxdPeerFigures({
      ours,
      label: 'store ingest over HTTP',
      setup: 'fsync per write, its default',
      target: '≥ 3×',
      run: async (url) => (await runIngestLoad(url, LOAD)).points_per_s,
    })),
  );
  return figures;
}
