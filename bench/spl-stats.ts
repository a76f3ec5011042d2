// SPL `| stats count, avg(v) by host` over 10,000,000 points stored in the embedded series store.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { runSpl } from '../src/query/spl/executor.ts';
import { parseSpl } from '../src/query/spl/parser.ts';
import { SeriesStoreRowSource } from '../src/query/spl/series-store-source.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { nodeDisk } from '../src/store/node-disk.ts';
import type { Figure } from './support/figure.ts';

const POINTS = 10_000_000;
const HOSTS = 100;
const BATCH_LINES = 100_000;
const T0 = 1_700_000_000_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-spl-'));
  const store = await openEmbeddedStore({ dir, disk: nodeDisk, fsync: 'never', snapshotIntervalMs: 0 });
  try {
    await store.createDatabase('bench');
    const loadStart = process.hrtime.bigint();
    // Each host gets its points a millisecond apart; lines interleave hosts as real ingest would.
    const perHost = POINTS / HOSTS;
    for (let first = 0; first < perHost; first += BATCH_LINES / HOSTS) {
      let body = '';
      for (let i = first; i < first + BATCH_LINES / HOSTS; i++) {
        for (let h = 0; h < HOSTS; h++) body += `cpu,host=h${h} v=${(i % 1000) / 10} ${T0 + i}\n`;
      }
      await store.write(parseLineProtocol(Buffer.from(body), { database: 'bench', retentionPolicy: '', precision: 'ms', now: { ms: 0, ns: 0 } }));
    }
    const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;

    const source = new SeriesStoreRowSource(store);
    const timeQuery = async (spl: string, check: (rows: Awaited<ReturnType<typeof runSpl>>['rows']) => void) => {
      const query = parseSpl(spl);
      const times: number[] = [];
      for (let round = 0; round < 4; round++) {
        const start = process.hrtime.bigint();
        const result = await runSpl(query, source, { now: T0 + POINTS });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (round > 0) times.push(ms);
        check(result.rows);
      }
      return median(times);
    };
    const all = await timeQuery('| stats count, avg(v) by host', (rows) => {
      const counted = rows.reduce((n, r) => n + (r.count as number), 0);
      if (rows.length !== HOSTS || counted !== POINTS) throw new Error(`wrong result: ${rows.length} groups, ${counted} points`);
    });
    // Two series through the row path: rows are built, evaluated and filtered one by one.
    const rowPath = await timeQuery('host IN (h1, h2) | eval x=v*2 | where x >= 0 | stats count, avg(x) by host', (rows) => {
      if (rows.length !== 2 || rows[0].count !== (2 * POINTS) / HOSTS / 2) throw new Error(`wrong result: ${JSON.stringify(rows)}`);
    });
    return [
      { name: `spl: | stats count, avg(v) by host over ${POINTS.toLocaleString('en-US')} points (median of 3)`, value: all, unit: 'ms', target: '< 1,000 ms' },
      { name: 'spl: rows aggregated per second (columnar stats)', value: POINTS / (all / 1000), unit: 'rows/s' },
      { name: `spl: eval | where | stats over ${((2 * POINTS) / HOSTS).toLocaleString('en-US')} rows (row path)`, value: rowPath, unit: 'ms' },
      { name: 'spl: loading the points (line protocol → store, not the target)', value: POINTS / loadSeconds, unit: 'points/s' },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
