// Prometheus text (0.0.4) and OpenMetrics renderings of job counts and per-job counters.

import type { JobRecord } from '../../jobs/job-service.ts';
import { JOB_STATUSES } from '../../jobs/job-status.ts';

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string>): string {
  return `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`;
}

/** One family: HELP, TYPE and samples. */
function family(
  out: string[],
  name: string,
  type: 'gauge' | 'counter',
  help: string,
  samples: [Record<string, string>, number][],
  sampleName = name,
): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [l, v] of samples) out.push(`${sampleName}${labels(l)} ${Number.isInteger(v) ? v : v.toFixed(3)}`);
}

export function renderMetrics(jobs: JobRecord[], openMetrics: boolean): string {
  const out: string[] = [];
  const counts = new Map<string, number>(JOB_STATUSES.map((s) => [s, 0]));
  for (const j of jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
  family(
    out,
    'job_count',
    'gauge',
    'All job counts of seatunnel cluster',
    [...counts].map(([s, n]) => [{ cluster: 'seatunnel', type: s.toLowerCase() }, n]),
  );
  const perJob = (name: string, help: string, pick: (j: JobRecord) => Record<string, number>) => {
    const samples: [Record<string, string>, number][] = [];
    for (const j of jobs)
      for (const [table, v] of Object.entries(pick(j))) samples.push([{ job_id: j.jobId, job_name: j.jobName, table }, v]);
    // OpenMetrics names the counter family without `_total` and keeps it on the samples.
    family(out, openMetrics ? name.replace(/_total$/, '') : name, 'counter', help, samples, name);
  };
  perJob('seatunnel_job_source_received_count_total', 'Rows read by the job sources', (j) => j.metrics.sourceCount);
  perJob('seatunnel_job_source_received_bytes_total', 'Bytes read by the job sources', (j) => j.metrics.sourceBytes);
  perJob('seatunnel_job_sink_write_count_total', 'Rows written by the job sinks', (j) => j.metrics.sinkCount);
  perJob('seatunnel_job_sink_write_bytes_total', 'Bytes written by the job sinks', (j) => j.metrics.sinkBytes);
  perJob('seatunnel_job_sink_committed_count_total', 'Rows the job sinks committed at checkpoints', (j) => j.metrics.committedCount ?? {});
  const mem = process.memoryUsage();
  family(out, 'process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', [[{}, mem.rss]]);
  family(out, 'nodejs_heap_used_bytes', 'gauge', 'V8 heap used in bytes', [[{}, mem.heapUsed]]);
  const cpu = process.cpuUsage();
  family(out, 'process_cpu_seconds_total', 'counter', 'User and system CPU time spent in seconds', [[{}, (cpu.user + cpu.system) / 1e6]]);
  if (openMetrics) out.push('# EOF');
  return `${out.join('\n')}\n`;
}
