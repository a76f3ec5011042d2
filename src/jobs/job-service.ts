// The job service: submit, stop, inspect and persist SeaTunnel-style jobs; restores running jobs after a restart.

import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetaStore } from '../meta/meta-store.ts';
import type { JsonObject } from './config/hocon.ts';
import { buildJobConfig, envOptionsAsStrings, type JobConfig } from './config/job-config.ts';
import type { ConnectorServices } from './connectors/contract.ts';
import { jobIdTaken, savepointNeedsJobId, serverRestarted, shadeFailed } from './errors.ts';
import { JobIdGenerator, parseJobId } from './job-id.ts';
import { type Checkpoint, JobRun } from './job-run.ts';
import { checkTransition, finalStatus, isEndState, type JobStatus } from './job-status.ts';
import { emptySnapshot, JobMetrics, type MetricsSnapshot, mergeSnapshots } from './metrics.ts';
import { buildPlan, type JobDag, type JobPlan, jobDagOf, pipelinePlan, type Registry } from './plan.ts';
import { decryptConfig, maskConfig, SENSITIVE_KEYS, ShadeRegistry, sealConfig, unsealConfig } from './shade.ts';

/** What is persisted per job (the metadata store's `seatunnel.jobs` documents). */
export interface JobRecord {
  jobId: string;
  jobName: string;
  status: JobStatus;
  /**
   * The config as submitted (values the user encrypted stay encrypted). With a server shade key,
   * sensitive values are sealed with it as well before they are stored (`sealed`).
   */
  config: JsonObject;
  sealed?: boolean;
  envOptions: Record<string, string>;
  mode: 'BATCH' | 'STREAMING';
  createTime: number;
  finishTime?: number;
  errorMsg: string | null;
  isStartWithSavePoint: boolean;
  dag: JobDag;
  metrics: MetricsSnapshot;
  /** Every status change with its time: the diagnostics SeaTunnel users ask for. */
  transitions: { status: JobStatus; time: number }[];
  /** Times the job was restored after a server restart, plus every pipeline restart after a failure. */
  restarts: number;
  /** Restarts after a failure, by pipeline id (absent in records written before pipelines restarted alone). */
  pipelineRestarts?: Record<string, number>;
}

export interface SubmitOptions {
  jobId?: string;
  jobName?: string;
  isStartWithSavePoint?: boolean;
}

export interface JobServiceOptions {
  meta: MetaStore;
  registry: Registry;
  services?: ConnectorServices;
  /** Where `${VAR}` substitutions look (process.env in the server). */
  env?: Record<string, string | undefined>;
  /** Enables `shade.identifier = "aes-256-gcm"`. */
  shadeKey?: string;
  now?: () => number;
  /** Finished jobs are forgotten after this many minutes (SeaTunnel's history-job-expire-minutes). */
  historyExpireMinutes?: number;
  /** Per-job log files `job-<id>.log` go here when set. */
  logDir?: string;
}

/** One pipeline of a running job: it runs, checkpoints and restarts on its own. */
interface PipelineRun {
  id: number;
  run: JobRun;
  metrics: JobMetrics;
}

interface LiveJob {
  record: JobRecord;
  config: JobConfig;
  pipelines: PipelineRun[];
  done: Promise<void>;
}

type PipelineEnd = { status: 'FINISHED' | 'CANCELED' | 'FAILED'; errorMsg?: string };

/** Pipeline 1 keeps the job id as its checkpoint key (as checkpoints were stored before pipelines ran alone). */
function checkpointKey(jobId: string, pipeline: number): string {
  return pipeline === 1 ? jobId : `${jobId}/${pipeline}`;
}

function pipelineIds(rec: JobRecord): number[] {
  const ids = Object.keys(rec.dag.pipelineEdges).map(Number);
  return ids.length > 0 ? ids : [1];
}

const MAX_LOG_LINES = 2000;

export class JobService {
  readonly #meta: MetaStore;
  readonly #opts: JobServiceOptions;
  readonly #now: () => number;
  readonly #ids: JobIdGenerator;
  readonly #shades: ShadeRegistry;
  readonly #records = new Map<string, JobRecord>();
  readonly #live = new Map<string, LiveJob>();
  readonly #logs = new Map<string, string[]>();
  readonly #jobs;
  readonly #checkpoints;
  #closing = false;

  constructor(opts: JobServiceOptions) {
    this.#opts = opts;
    this.#meta = opts.meta;
    this.#now = opts.now ?? Date.now;
    this.#ids = new JobIdGenerator(this.#now);
    this.#shades = new ShadeRegistry(opts.shadeKey);
    this.#jobs = this.#meta.documents<JobRecord>('seatunnel.jobs');
    this.#checkpoints = this.#meta.documents<Checkpoint>('seatunnel.checkpoints');
  }

  get shades(): ShadeRegistry {
    return this.#shades;
  }

  /** Loads history and restarts streaming jobs that were running, from their last checkpoint. */
  async init(): Promise<void> {
    for (const { doc } of await this.#jobs.list()) this.#records.set(doc.jobId, doc);
    for (const rec of [...this.#records.values()]) {
      if (isEndState(rec.status)) continue;
      if (rec.mode === 'STREAMING' && (rec.status === 'RUNNING' || rec.status === 'PENDING' || rec.status === 'CREATED')) {
        try {
          rec.restarts++;
          this.#log(rec.jobId, 'restoring after a server restart from the last checkpoints');
          await this.#start(rec, this.#prepare(this.#submitted(rec)), true, rec.status !== 'RUNNING');
        } catch (err) {
          await this.#end(rec, 'FAILED', this.#errorText(err, this.#forRedaction(rec)));
        }
      } else {
        await this.#end(rec, rec.status === 'CANCELING' ? 'CANCELED' : 'FAILED', rec.status === 'CANCELING' ? null : serverRestarted(rec.status).message);
      }
    }
  }

  /** For redacting error texts: the unsealed config when possible, else the stored one. */
  #forRedaction(rec: JobRecord): JsonObject {
    try {
      return this.#submitted(rec);
    } catch {
      return rec.config;
    }
  }

  /** The config as the user submitted it (unsealed). */
  #submitted(rec: JobRecord): JsonObject {
    if (!rec.sealed) return rec.config;
    const sealer = this.#shades.sealer;
    if (!sealer) throw shadeFailed('the stored config is sealed, but no [seatunnel] shade_key is configured');
    return unsealConfig(rec.config, sealer);
  }

  #prepare(raw: JsonObject): JobConfig {
    return buildJobConfig(decryptConfig(raw, this.#shades));
  }

  async submit(raw: JsonObject, options: SubmitOptions = {}): Promise<{ jobId: string; jobName: string }> {
    if (options.isStartWithSavePoint && !options.jobId) throw savepointNeedsJobId();
    const jobId = options.jobId !== undefined ? parseJobId(options.jobId) : this.#ids.next();
    const live = this.#live.get(jobId);
    // A job that is running already: SeaTunnel accepts the call as a no-op.
    if (live) return { jobId, jobName: live.record.jobName };
    const previous = this.#records.get(jobId) ?? (await this.#jobs.get(jobId));
    if (previous && !options.isStartWithSavePoint) throw jobIdTaken(jobId);
    const config = this.#prepare(raw);
    const jobName = options.jobName ?? config.env.jobName ?? 'SeaTunnel_Job';
    const now = this.#now();
    const record: JobRecord = {
      jobId,
      jobName,
      status: 'INITIALIZING',
      config: this.#shades.sealer ? sealConfig(raw, this.#shades.sealer) : raw,
      sealed: this.#shades.sealer !== undefined,
      envOptions: envOptionsAsStrings(config.env.raw),
      mode: config.env.mode,
      createTime: now,
      errorMsg: null,
      isStartWithSavePoint: options.isStartWithSavePoint === true,
      dag: { jobId, envOptions: {}, pipelineEdges: {}, vertexInfoMap: [] },
      metrics: emptySnapshot(),
      transitions: [{ status: 'INITIALIZING', time: now }],
      restarts: previous?.restarts ?? 0,
    };
    if (!options.isStartWithSavePoint) this.#logs.delete(jobId);
    // The config goes to the job log desensitized, as SeaTunnel prints it.
    this.#log(jobId, `submitted config: ${JSON.stringify(maskConfig(raw))}`);
    await this.#start(record, config, options.isStartWithSavePoint === true, true);
    return { jobId, jobName };
  }

  /**
   * Builds the plan with fresh connectors (a restarted pipeline never reuses a failed run's) and a
   * run for each pipeline in `only` (every pipeline when absent), restored from its checkpoint when
   * `restore` is set. Sources built for other pipelines are closed again.
   */
  async #prepareRuns(record: JobRecord, config: JobConfig, restore: boolean, only?: number): Promise<{ plan: JobPlan; pipelines: PipelineRun[] }> {
    const jobId = record.jobId;
    const plan = await buildPlan(config, {
      jobId,
      env: config.env,
      registry: this.#opts.registry,
      services: this.#opts.services ?? {},
      log: (line) => this.#log(jobId, line),
    });
    const pipelines: PipelineRun[] = [];
    for (const p of plan.pipelines) {
      if (only !== undefined && p.id !== only) {
        for (const i of p.sources) await plan.sources[i].source.close();
        continue;
      }
      const key = checkpointKey(jobId, p.id);
      const checkpoint = restore ? await this.#checkpoints.get(key) : undefined;
      const metrics = new JobMetrics(this.#now, checkpoint?.metrics);
      const run = new JobRun(pipelinePlan(plan, p), {
        mode: config.env.mode,
        checkpointInterval: config.env.checkpointInterval ?? (config.env.mode === 'STREAMING' ? 10_000 : undefined),
        checkpointTimeout: config.env.checkpointTimeout,
        restore: checkpoint,
        metrics,
        now: this.#now,
        saveCheckpoint: async (cp) => {
          await this.#checkpoints.put(key, cp);
          this.#log(jobId, `pipeline ${p.id} checkpoint ${cp.id} completed`);
        },
      });
      if (checkpoint) this.#log(jobId, `pipeline ${p.id} restores checkpoint ${checkpoint.id}`);
      pipelines.push({ id: p.id, run, metrics });
    }
    return { plan, pipelines };
  }

  /** Builds the plan (option errors surface to the caller), persists the record and starts the run. */
  async #start(record: JobRecord, config: JobConfig, restore: boolean, fresh: boolean): Promise<void> {
    const jobId = record.jobId;
    const { plan, pipelines } = await this.#prepareRuns(record, config, restore);
    record.dag = jobDagOf(plan, jobId, record.envOptions);
    if (fresh) {
      this.#transition(record, 'CREATED');
      this.#transition(record, 'PENDING');
    }
    this.#transition(record, 'RUNNING');
    this.#records.set(jobId, record);
    await this.#jobs.put(jobId, record);
    this.#log(jobId, `job ${record.jobName} (${jobId}) is RUNNING`);
    const live: LiveJob = { record, config, pipelines, done: Promise.resolve() };
    this.#live.set(jobId, live);
    live.done = this.#drive(live);
  }

  async #drive(live: LiveJob): Promise<void> {
    const rec = live.record;
    const ends = await Promise.all(live.pipelines.map((p) => this.#drivePipeline(live, p)));
    this.#live.delete(rec.jobId);
    // A server shutdown stops running jobs but leaves them RUNNING, to be restored on start; a stop
    // that was already under way (savepoint, cancel) still records its end.
    if (this.#closing && rec.status === 'RUNNING') return;
    rec.metrics = mergeSnapshots(live.pipelines.map((p) => p.metrics.snapshot()));
    try {
      const status = finalStatus(
        ends.map((e) => e.status),
        rec.status === 'DOING_SAVEPOINT',
      );
      await this.#end(rec, status, status === 'FAILED' ? (ends.find((e) => e.errorMsg !== undefined)?.errorMsg ?? null) : null);
    } catch (err) {
      this.#log(rec.jobId, `could not record the end of the job: ${(err as Error).message}`);
    }
  }

  /**
   * Runs one pipeline to its end. A failure restarts it from its last checkpoint up to
   * `job.retry.times` times while the job is RUNNING (a user stop disables restore); once the
   * retries are spent the job is FAILING and its other pipelines are cancelled.
   */
  async #drivePipeline(live: LiveJob, p: PipelineRun): Promise<PipelineEnd> {
    const rec = live.record;
    const { retryTimes, retryIntervalSeconds } = live.config.env;
    for (;;) {
      let errorMsg: string;
      try {
        const outcome = await p.run.run();
        return { status: outcome === 'CANCELED' || rec.status === 'CANCELING' ? 'CANCELED' : 'FINISHED' };
      } catch (err) {
        errorMsg = this.#errorText(err, this.#forRedaction(rec));
      }
      if (this.#closing && rec.status === 'RUNNING') return { status: 'CANCELED' };
      const restarts = (rec.pipelineRestarts ??= {});
      const done = restarts[p.id] ?? 0;
      if (!this.#closing && !p.run.stopping && rec.status === 'RUNNING' && done < retryTimes) {
        restarts[p.id] = done + 1;
        rec.restarts++;
        this.#log(rec.jobId, `pipeline ${p.id} failed (${errorMsg.split('\n')[0]}); restart ${done + 1} of ${retryTimes} in ${retryIntervalSeconds}s`);
        await this.#retryPause(live);
        if (rec.status !== 'RUNNING' || this.#closing) return { status: 'CANCELED' };
        try {
          const [fresh] = (await this.#prepareRuns(rec, live.config, true, p.id)).pipelines;
          p.run = fresh.run;
          p.metrics = fresh.metrics;
          // A stop that arrived while the pipeline was being rebuilt applies to the new run (the
          // status may have changed during the awaits above, which the compiler cannot see).
          const status = rec.status as JobStatus;
          if (this.#closing || status !== 'RUNNING') p.run.stop(status === 'DOING_SAVEPOINT' || (this.#closing && rec.mode === 'STREAMING') ? 'savepoint' : 'cancel');
          await this.#jobs.put(rec.jobId, rec);
          continue;
        } catch (again) {
          errorMsg = this.#errorText(again, this.#forRedaction(rec));
        }
      }
      this.#log(rec.jobId, `pipeline ${p.id} failed: ${errorMsg}`);
      await this.#failing(live, p);
      return { status: 'FAILED', errorMsg };
    }
  }

  /** A pipeline failed for good: the job goes FAILING and the other pipelines are cancelled. */
  async #failing(live: LiveJob, failed: PipelineRun): Promise<void> {
    const rec = live.record;
    if (rec.status === 'FAILING') return;
    this.#transition(rec, 'FAILING');
    for (const other of live.pipelines) if (other !== failed) other.run.stop('cancel');
    await this.#jobs.put(rec.jobId, rec).catch(() => {});
  }

  /** Waits the retry interval, or less when the job is stopped meanwhile. */
  async #retryPause(live: LiveJob): Promise<void> {
    const until = Date.now() + live.config.env.retryIntervalSeconds * 1000;
    while (Date.now() < until && live.record.status === 'RUNNING' && !this.#closing) await new Promise((r) => setTimeout(r, Math.min(50, until - Date.now())));
  }

  async #end(rec: JobRecord, status: JobStatus, errorMsg: string | null): Promise<void> {
    if (status === 'FAILED' && rec.status !== 'FAILING') this.#transition(rec, 'FAILING');
    if (status === 'CANCELED' && rec.status !== 'CANCELING') this.#transition(rec, 'CANCELING');
    this.#transition(rec, status);
    rec.finishTime = this.#now();
    rec.errorMsg = errorMsg;
    await this.#jobs.put(rec.jobId, rec);
    if (status === 'FINISHED') await this.#dropCheckpoints(rec);
    this.#log(rec.jobId, `job ${rec.jobId} ended ${status}`);
  }

  async #dropCheckpoints(rec: JobRecord): Promise<void> {
    for (const id of pipelineIds(rec)) await this.#checkpoints.delete(checkpointKey(rec.jobId, id));
  }

  #transition(rec: JobRecord, to: JobStatus): void {
    if (checkTransition(rec.status, to)) {
      rec.status = to;
      rec.transitions.push({ status: to, time: this.#now() });
    }
  }

  /** The error text for errorMsg and logs, with every secret of the config replaced by `******`. */
  #errorText(err: unknown, raw: JsonObject): string {
    let text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (err instanceof Error && !text.includes(err.message)) text = `${err.message}\n${text}`;
    let plain: JsonObject;
    try {
      plain = decryptConfig(raw, this.#shades);
    } catch {
      plain = raw;
    }
    for (const cfg of [raw, plain])
      for (const section of ['source', 'sink'])
        for (const item of (Array.isArray(cfg[section]) ? cfg[section] : []) as JsonObject[])
          for (const k of SENSITIVE_KEYS) {
            const v = item?.[k];
            if (typeof v === 'string' && v.length >= 3) text = text.replaceAll(v, '******');
          }
    return text;
  }

  /** Cancels, or stops with a savepoint. Unknown or finished jobs: a no-op, as in SeaTunnel. */
  async stop(jobIdText: string, withSavepoint: boolean, force = false): Promise<string> {
    const jobId = parseJobId(jobIdText);
    const live = this.#live.get(jobId);
    if (!live) return jobId;
    if (force && live.record.status === 'DOING_SAVEPOINT') {
      // A savepoint that does not finish must not hold the job: force ends it as CANCELED.
      this.#transition(live.record, 'CANCELING');
      await this.#jobs.put(jobId, live.record);
      this.#log(jobId, 'forced stop: cancelling the pending savepoint');
      for (const p of live.pipelines) p.run.stop('cancel', true);
      return jobId;
    }
    // A failing job is already cancelling its pipelines; a second stop request changes nothing.
    if (live.record.status === 'FAILING' || live.pipelines.some((p) => p.run.stopping)) return jobId;
    this.#transition(live.record, withSavepoint ? 'DOING_SAVEPOINT' : 'CANCELING');
    await this.#jobs.put(jobId, live.record);
    this.#log(jobId, withSavepoint ? 'stopping with a savepoint' : 'cancelling');
    for (const p of live.pipelines) p.run.stop(withSavepoint ? 'savepoint' : 'cancel');
    return jobId;
  }

  /** Resolves once the job is in an end state (or immediately when it is not running). */
  async waitFor(jobId: string): Promise<JobRecord | undefined> {
    await this.#live.get(jobId)?.done;
    return this.get(jobId);
  }

  #expired(rec: JobRecord): boolean {
    const ttl = this.#opts.historyExpireMinutes ?? 1440;
    return rec.finishTime !== undefined && isEndState(rec.status) && this.#now() - rec.finishTime > ttl * 60_000;
  }

  async #prune(): Promise<void> {
    for (const rec of [...this.#records.values()]) {
      if (this.#expired(rec)) {
        this.#records.delete(rec.jobId);
        this.#logs.delete(rec.jobId);
        await this.#jobs.delete(rec.jobId);
        await this.#dropCheckpoints(rec);
        if (this.#opts.logDir) await rm(join(this.#opts.logDir, `job-${rec.jobId}.log`), { force: true });
      }
    }
  }

  /** A job with its live metrics. */
  get(jobId: string): JobRecord | undefined {
    const rec = this.#records.get(jobId);
    if (!rec || this.#expired(rec)) return undefined;
    const live = this.#live.get(jobId);
    return live ? { ...rec, metrics: mergeSnapshots(live.pipelines.map((p) => p.metrics.snapshot())) } : rec;
  }

  /** Jobs that have not ended, in creation order. */
  running(): JobRecord[] {
    return [...this.#live.keys()].map((id) => this.get(id)!).sort((a, b) => a.createTime - b.createTime);
  }

  /** Ended jobs, optionally of one status, sorted by finish time ascending. */
  async finished(status?: JobStatus): Promise<JobRecord[]> {
    await this.#prune();
    return [...this.#records.values()]
      .filter((r) => isEndState(r.status) && !this.#live.has(r.jobId) && (status === undefined || r.status === status))
      .sort((a, b) => (a.finishTime ?? 0) - (b.finishTime ?? 0));
  }

  async all(): Promise<JobRecord[]> {
    await this.#prune();
    return [...this.#records.keys()].map((id) => this.get(id)).filter((r): r is JobRecord => r !== undefined);
  }

  /** The last checkpoint of one pipeline of a job (pipeline 1 by default). */
  async checkpoint(jobId: string, pipeline = 1): Promise<Checkpoint | undefined> {
    return this.#checkpoints.get(checkpointKey(jobId, pipeline));
  }

  logLines(jobId: string): string[] {
    return this.#logs.get(jobId) ?? [];
  }

  /** Log names: the files in the log directory, or one in-memory log per job when there is none. */
  async logNames(): Promise<string[]> {
    const dir = this.#opts.logDir;
    if (!dir) return [...this.#logs.keys()].map((id) => `job-${id}.log`).sort();
    await this.#logChain;
    try {
      return (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
    } catch {
      return [];
    }
  }

  /** A log's text; only plain names from `logNames()` are accepted (no paths). */
  async readLog(name: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_.-]+\.log$/.test(name) || name.includes('..')) return undefined;
    const dir = this.#opts.logDir;
    if (!dir) {
      const m = /^job-(\d+)\.log$/.exec(name);
      const lines = m ? this.#logs.get(m[1]) : undefined;
      return lines ? `${lines.join('\n')}\n` : undefined;
    }
    await this.#logChain;
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** This node's tags (SeaTunnel's member attributes), kept in the metadata store. */
  async tags(): Promise<Record<string, string>> {
    return (await this.#meta.documents<Record<string, string>>('seatunnel.node').get('tags')) ?? {};
  }

  /** Replaces the whole tag set (`{}` clears it). */
  async setTags(tags: Record<string, string>): Promise<void> {
    await this.#meta.documents<Record<string, string>>('seatunnel.node').put('tags', tags);
  }

  #logChain: Promise<void> = Promise.resolve();

  #log(jobId: string, line: string): void {
    const stamped = `${new Date(this.#now()).toISOString()} [job ${jobId}] ${line}`;
    let lines = this.#logs.get(jobId);
    if (!lines) this.#logs.set(jobId, (lines = []));
    lines.push(stamped);
    if (lines.length > MAX_LOG_LINES) lines.splice(0, lines.length - MAX_LOG_LINES);
    const dir = this.#opts.logDir;
    if (dir) {
      this.#logChain = this.#logChain
        .then(() => mkdir(dir, { recursive: true }))
        .then(() => appendFile(join(dir, `job-${jobId}.log`), `${stamped}\n`))
        .catch(() => {});
    }
  }

  /** Stops every run without recording an end state, so that streaming jobs resume on the next start. */
  async close(): Promise<void> {
    this.#closing = true;
    const lives = [...this.#live.values()];
    // Streaming runs end with a final checkpoint, so the restored run continues without replay.
    for (const l of lives) for (const p of l.pipelines) p.run.stop(l.record.mode === 'STREAMING' ? 'savepoint' : 'cancel');
    await Promise.all(lives.map((l) => l.done));
    await this.#logChain;
  }
}
