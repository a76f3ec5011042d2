// InfluxQL over the embedded store: `SELECT mean(v) ... GROUP BY time(1m), host` across 10,000,000
// stored points (10 hosts × 1,000,000 points, one a second).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { executeInfluxQL } from '../src/query/influxql/executor.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { nodeDisk } from '../src/store/node-disk.ts';
import type { Figure } from './support/figure.ts';

const HOSTS = 10;
const PER_HOST = 1_000_000;
const T0_S = 1_700_000_000;
const CHUNK = 100_000;

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'inductor-query-bench-'));
  const store = await openEmbeddedStore({ dir, disk: nodeDisk, fsync: 'never', snapshotIntervalMs: 0, snapshotWalBytes: 2 ** 40 });
  try {
    await store.createDatabase('bench');
    const loadStart = performance.now();
    // Written in time order, all hosts interleaved, the way a collector would send them.
    let lines: string[] = [];
    const flush = async () => {
      const batch = parseLineProtocol(Buffer.from(lines.join('\n')), { database: 'bench', retentionPolicy: '', precision: 's', now: { ms: 0, ns: 0 } });
      await store.write(batch);
      lines = [];
    };
    for (let i = 0; i < PER_HOST; i++) {
      for (let h = 0; h < HOSTS; h++) lines.push(`cpu,host=host${h} v=${(i * 7 + h * 13) % 1000}.25 ${T0_S + i}`);
      if (lines.length >= CHUNK) await flush();
    }
    if (lines.length > 0) await flush();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    if (store.pointCount !== HOSTS * PER_HOST) throw new Error(`stored ${store.pointCount} points`);

    const q = `SELECT mean(v) FROM cpu WHERE time >= ${T0_S}s AND time < ${T0_S + PER_HOST}s GROUP BY time(1m), host`;
    const times: number[] = [];
    let rows = 0;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      const [r] = await executeInfluxQL(store, q, { database: 'bench' });
      times.push(performance.now() - t);
      rows = (r.series ?? []).reduce((n, s) => n + s.values.length, 0);
    }
    const expected = HOSTS * Math.ceil(PER_HOST / 60);
    if (rows !== expected) throw new Error(`query returned ${rows} rows, expected ${expected}`);
    times.sort((a, b) => a - b);
    return [
      { name: 'store load of 10,000,000 points (parse + write, WAL without fsync)', value: (HOSTS * PER_HOST) / loadSeconds, unit: 'points/s' },
      { name: 'SELECT mean(v) GROUP BY time(1m), host over 10,000,000 points (median of 3)', value: times[1], unit: 'ms', target: '< 1000 ms' },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
