// SeaTunnel's REST shapes for jobs and the overview: string ids, string metrics, local-time timestamps.

import { isEndState } from '../../jobs/job-status.ts';
import type { JobRecord } from '../../jobs/job-service.ts';
import { metricsJson } from '../../jobs/metrics.ts';

const p2 = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm:ss` in the server's local time zone, as SeaTunnel prints createTime/finishTime. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

function diagnostics(r: JobRecord) {
  return { restarts: r.restarts, pipelineRestarts: r.pipelineRestarts ?? {}, transitions: r.transitions.map((t) => ({ status: t.status, time: formatTime(t.time) })) };
}

/** A job that has not ended (BaseService#convertToJson). */
export function runningJobView(r: JobRecord) {
  return {
    jobId: r.jobId,
    jobName: r.jobName,
    jobStatus: r.status,
    envOptions: r.envOptions,
    createTime: formatTime(r.createTime),
    jobDag: r.dag,
    pluginJarsUrls: [],
    isStartWithSavePoint: r.isStartWithSavePoint,
    metrics: metricsJson(r.metrics),
    diagnostics: diagnostics(r),
  };
}

/** An ended job (getJobInfoJson): no top-level envOptions, with errorMsg and finishTime. */
export function finishedJobView(r: JobRecord) {
  return {
    jobId: r.jobId,
    jobName: r.jobName,
    jobStatus: r.status,
    errorMsg: r.errorMsg,
    createTime: formatTime(r.createTime),
    finishTime: formatTime(r.finishTime ?? r.createTime),
    jobDag: r.dag,
    pluginJarsUrls: [],
    metrics: metricsJson(r.metrics),
    diagnostics: diagnostics(r),
  };
}

export function jobView(r: JobRecord) {
  return isEndState(r.status) ? finishedJobView(r) : runningJobView(r);
}
