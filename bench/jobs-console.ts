// FakeSource → Console (output discarded): rows per second through the whole job engine (target ≥ 1,000,000).
// The schema is the reference's submit example (name string, age int, card int).

import { builtinRegistry } from '../src/jobs/builtins.ts';
import { JobService } from '../src/jobs/job-service.ts';
import { metricsJson } from '../src/jobs/metrics.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';

const ROWS = 2_000_000;

export async function run(): Promise<{ name: string; value: number; unit: string; target?: string }[]> {
  let bytes = 0;
  const jobs = new JobService({
    meta: new SqliteMetaStore({ path: ':memory:' }),
    registry: builtinRegistry(),
    // The Console sink formats every row; the text is counted and thrown away.
    services: { consoleOut: (text: string) => void (bytes += text.length) },
  });
  const config = {
    env: { 'job.mode': 'BATCH' },
    source: [{ plugin_name: 'FakeSource', 'row.num': ROWS, schema: { fields: { name: 'string', age: 'int', card: 'int' } } }],
    sink: [{ plugin_name: 'Console' }],
  };
  // Warm-up run so that the JIT has compiled the hot path.
  await jobs.waitFor((await jobs.submit({ ...config, source: [{ ...config.source[0], 'row.num': 200_000 }] })).jobId);
  const start = performance.now();
  const { jobId } = await jobs.submit(config);
  const rec = await jobs.waitFor(jobId);
  const seconds = (performance.now() - start) / 1000;
  if (rec?.status !== 'FINISHED' || metricsJson(rec.metrics).SinkWriteCount !== String(ROWS) || bytes === 0) throw new Error(`job did not finish cleanly: ${rec?.status} ${rec?.errorMsg}`);
  await jobs.close();
  return [{ name: 'jobs FakeSource → Console (discarded), 3 columns', value: Math.round(ROWS / seconds), unit: 'rows/s', target: '≥ 1000000' }];
}
