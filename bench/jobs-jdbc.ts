// FakeSource → Sql → Jdbc sink into PostgreSQL, against `psql \copy` of the same rows into the same table.
// The schema is the reference's submit example (name string, age int, card int). Both sides load the same
// rows (checked by a checksum) into the same table with no index; each timing covers connecting, loading and
// committing (psql's includes starting the process, the job's includes submitting it and its Sql transform).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../src/jobs/builtins.ts';
import type { JsonObject } from '../src/jobs/config/hocon.ts';
import { JobService } from '../src/jobs/job-service.ts';
import { metricsJson } from '../src/jobs/metrics.ts';
import { SqliteMetaStore } from '../src/meta/sqlite-meta-store.ts';

const ROWS = 500_000;
const URL = 'jdbc:postgresql://127.0.0.1:5432/test';

function psql(sql: string): string {
  return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' });
}

export async function run(): Promise<{ name: string; value: number; unit: string; target?: string }[]> {
  const table = `bench_jobs_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-jobs-'));
  const jobs = new JobService({ meta: new SqliteMetaStore({ path: ':memory:' }), registry: builtinRegistry() });
  const source = { plugin_name: 'FakeSource', plugin_output: 'fake', 'row.num': ROWS, schema: { fields: { name: 'string', age: 'int', card: 'int' } } };
  const sql = { plugin_name: 'Sql', plugin_input: 'fake', plugin_output: 'out', query: 'select name, age, card from fake' };
  const runJob = async (sink: JsonObject) => {
    const { jobId } = await jobs.submit({ env: { 'job.mode': 'BATCH' }, source: [source], transform: [sql], sink: [sink] });
    const rec = await jobs.waitFor(jobId);
    if (rec?.status !== 'FINISHED' || metricsJson(rec.metrics).SinkWriteCount !== String(ROWS)) throw new Error(`job failed: ${rec?.errorMsg}`);
  };
  try {
    psql(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (name text, age integer, card integer)`);
    // The same rows (FakeSource is deterministic) as a CSV file for psql.
    await runJob({ plugin_name: 'LocalFile', plugin_input: 'out', path: join(dir, 'csv'), tmp_path: join(dir, 'tmp'), file_format_type: 'csv' });
    const csv = join(dir, 'csv', readdirSync(join(dir, 'csv'))[0]);

    const jdbcSink = { plugin_name: 'Jdbc', plugin_input: 'out', url: URL, user: 'postgres', generate_sink_sql: true, database: 'test', table, batch_size: 5000 };
    await runJob(jdbcSink); // warm-up
    const checksum = () => psql(`SELECT count(*), sum(hashtext(name)::bigint), sum(age::bigint), sum(card::bigint) FROM ${table}`).trim();
    // The machine is shared: each side runs five times, alternating, and keeps its best time.
    let jobSeconds = Number.POSITIVE_INFINITY;
    let copySeconds = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5; round++) {
      psql(`TRUNCATE ${table}`);
      let start = performance.now();
      await runJob(jdbcSink);
      jobSeconds = Math.min(jobSeconds, (performance.now() - start) / 1000);
      const loaded = checksum();
      psql(`TRUNCATE ${table}`);
      start = performance.now();
      psql(`\\copy ${table} from '${csv}' csv`);
      copySeconds = Math.min(copySeconds, (performance.now() - start) / 1000);
      if (checksum() !== loaded || !loaded.startsWith(`${ROWS}|`)) throw new Error(`the job and \\copy loaded different rows: ${loaded} / ${checksum()}`);
    }

    const jobRate = ROWS / jobSeconds;
    const copyRate = ROWS / copySeconds;
    return [
      { name: 'jobs FakeSource → Sql → Jdbc (PostgreSQL)', value: Math.round(jobRate), unit: 'rows/s' },
      { name: 'psql \\copy of the same rows', value: Math.round(copyRate), unit: 'rows/s' },
      { name: 'jobs Jdbc sink / psql \\copy', value: jobRate / copyRate, unit: 'ratio', target: '≥ 0.8' },
    ];
  } finally {
    await jobs.close();
    psql(`DROP TABLE IF EXISTS ${table}`);
    rmSync(dir, { recursive: true, force: true });
  }
}
