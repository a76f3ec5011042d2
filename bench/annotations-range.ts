// Annotation range listings over 1,000,000 stored annotations (SQLite metadata store on disk):
// a day of global annotations (/api/annotations) and a day of one TSUID's (/api/query).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnnotationWrite } from '../src/annotations/annotation.ts';
import { AnnotationService } from '../src/annotations/annotation-service.ts';
import { buildTsuid } from '../src/annotations/uid/tsuid.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';
import type { Figure } from './support/figure.ts';

const TOTAL = 1_000_000;
const TSUIDS = 900;
/** Per TSUID 1,000 notes, one a minute; 100,000 globals, one every 10 s. */
const PER_TSUID = 1000;
const GLOBALS = TOTAL - TSUIDS * PER_TSUID;
const T0 = 1_700_000_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeIt(rounds: number, work: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  await work(); // warm the page cache and statement
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    rows = await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: median(times), rows };
}

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-annotations-'));
  const meta = new SqliteMetaStore({ path: join(dir, 'meta.db') });
  try {
    const service = new AnnotationService(meta);
    const tsuids = Array.from({ length: TSUIDS }, (_, i) => buildTsuid(1 + (i % 30), [[1, 1 + Math.floor(i / 30)]]));
    const loadStart = process.hrtime.bigint();
    let batch: AnnotationWrite[] = [];
    const flush = async () => {
      await service.writeMany(batch, 'replace');
      batch = [];
    };
    for (let g = 0; g < GLOBALS; g++) {
      batch.push({ tsuid: '', startTime: T0 + g * 10, endTime: T0 + g * 10 + 5, description: `global ${g}`, notes: 'n' });
      if (batch.length === 20_000) await flush();
    }
    for (let n = 0; n < PER_TSUID; n++) {
      for (const tsuid of tsuids) {
        batch.push({ tsuid, startTime: T0 + n * 60, description: `note ${n}`, custom: { host: tsuid.slice(-6) } });
        if (batch.length === 20_000) await flush();
      }
    }
    await flush();
    const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
    const stored = (await service.count('')) + (await service.count(tsuids[0])) * TSUIDS;
    if (stored !== TOTAL) throw new Error(`stored ${stored} annotations, expected ${TOTAL}`);

    // One day of globals in the middle of the timeline: 8,640 annotations.
    const dayStart = (T0 + 200_000) * 1000;
    const globalDay = await timeIt(21, async () =>
      (await service.listGlobal({ startMs: dayStart, endMs: dayStart + 86_400_000 })).length,
    );
    // One TSUID over 6 hours: 360 annotations.
    const local = await timeIt(21, async () =>
      (await service.list(tsuids[450], { startMs: (T0 + 20_000) * 1000, endMs: (T0 + 20_000 + 21_600) * 1000 })).length,
    );
    // A narrow window, the shape of a dashboard refresh: 1 hour of globals (360).
    const hour = await timeIt(21, async () =>
      (await service.listGlobal({ startMs: dayStart, endMs: dayStart + 3_600_000 })).length,
    );
    return [
      {
        name: `annotation range: 1 day of globals (${globalDay.rows} of 1,000,000), median`,
        value: globalDay.ms,
        unit: 'ms',
        target: '< 50 ms',
      },
      { name: `annotation range: 6 h of one TSUID (${local.rows} rows), median`, value: local.ms, unit: 'ms', target: '< 50 ms' },
      { name: `annotation range: 1 h of globals (${hour.rows} rows), median`, value: hour.ms, unit: 'ms', target: '< 50 ms' },
      { name: 'annotation load through writeMany (1,000,000)', value: TOTAL / loadSeconds, unit: 'notes/s' },
    ];
  } finally {
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
