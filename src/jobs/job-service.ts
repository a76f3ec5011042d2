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
import { emptySnapshot, JobMetrics, type MetricsSnapshot } from './metrics.ts';
import { buildPlan, type JobDag, type JobPlan, jobDagOf, type Registry } from './plan.ts';
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
  /** Times the job was restored after a server restart. */
  restarts: number;
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

interface LiveJob {
  record: JobRecord;
  config: JobConfig;
  plan: JobPlan;
  run: JobRun;
  metrics: JobMetrics;
  done: Promise<void>;
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
          const cp = await this.#checkpoints.get(rec.jobId);
          rec.restarts++;
          this.#log(rec.jobId, `restoring after a server restart from ${cp ? `checkpoint ${cp.id}` : 'the beginning'}`);
          await this.#start(rec, this.#prepare(this.#submitted(rec)), cp, rec.status !== 'RUNNING');
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
    const restore = options.isStartWithSavePoint ? await this.#checkpoints.get(jobId) : undefined;
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
    await this.#start(record, config, restore, true);
    return { jobId, jobName };
  }

  /** A plan and a run over it (fresh connectors each time: a retried run never reuses a failed one's). */
  async #prepareRun(record: JobRecord, config: JobConfig, restore: Checkpoint | undefined): Promise<{ plan: JobPlan; run: JobRun; metrics: JobMetrics }> {
    const jobId = record.jobId;
    const plan = await buildPlan(config, {
      jobId,
      env: config.env,
      registry: this.#opts.registry,
      services: this.#opts.services ?? {},
      log: (line) => this.#log(jobId, line),
    });
    const metrics = new JobMetrics(this.#now, restore?.metrics);
    const run = new JobRun(plan, {
      mode: config.env.mode,
      checkpointInterval: config.env.checkpointInterval ?? (config.env.mode === 'STREAMING' ? 10_000 : undefined),
      checkpointTimeout: config.env.checkpointTimeout,
      restore,
      metrics,
      now: this.#now,
      saveCheckpoint: async (cp) => {
        await this.#checkpoints.put(jobId, cp);
        this.#log(jobId, `checkpoint ${cp.id} completed`);
      },
    });
    return { plan, run, metrics };
  }

  /** Builds the plan (option errors surface to the caller), persists the record and starts the run. */
  async #start(record: JobRecord, config: JobConfig, restore: Checkpoint | undefined, fresh: boolean): Promise<void> {
    const jobId = record.jobId;
    const { plan, run, metrics } = await this.#prepareRun(record, config, restore);
    record.dag = jobDagOf(plan, jobId, record.envOptions);
    if (fresh) {
      this.#transition(record, 'CREATED');
      this.#transition(record, 'PENDING');
    }
    this.#transition(record, 'RUNNING');
    this.#records.set(jobId, record);
    await this.#jobs.put(jobId, record);
    this.#log(jobId, `job ${record.jobName} (${jobId}) is RUNNING${restore ? ` from checkpoint ${restore.id}` : ''}`);
    const live: LiveJob = { record, config, plan, run, metrics, done: Promise.resolve() };
    this.#live.set(jobId, live);
    live.done = this.#drive(live);
  }

  async #drive(live: LiveJob): Promise<void> {
    const rec = live.record;
    const retries = live.config.env.retryTimes;
    let attempt = 0;
    let pipeline: 'FINISHED' | 'CANCELED' | 'FAILED' = 'FAILED';
    let errorMsg: string | null = null;
    for (;;) {
      try {
        const outcome = await live.run.run();
        pipeline = outcome === 'CANCELED' || rec.status === 'CANCELING' ? 'CANCELED' : 'FINISHED';
        break;
      } catch (err) {
        const text = this.#errorText(err, this.#forRedaction(rec));
        if (this.#closing || live.run.stopping || rec.status !== 'RUNNING' || attempt >= retries) {
          if (this.#closing && rec.status === 'RUNNING') break;
          pipeline = 'FAILED';
          errorMsg = text;
          this.#log(rec.jobId, `job failed: ${errorMsg}`);
          break;
        }
        // SeaTunnel restarts a failed pipeline from its last checkpoint; the job stays RUNNING.
        attempt++;
        rec.restarts++;
        this.#log(rec.jobId, `run failed (${text.split('\n')[0]}); restart ${attempt} of ${retries} in ${live.config.env.retryIntervalSeconds}s`);
        await this.#retryPause(live);
        if (rec.status !== 'RUNNING' || this.#closing) {
          pipeline = 'CANCELED';
          break;
        }
        try {
          const restore = await this.#checkpoints.get(rec.jobId);
          Object.assign(live, await this.#prepareRun(rec, live.config, restore));
          await this.#jobs.put(rec.jobId, rec);
        } catch (again) {
          pipeline = 'FAILED';
          errorMsg = this.#errorText(again, this.#forRedaction(rec));
          break;
        }
      }
    }
    this.#live.delete(rec.jobId);
    // A server shutdown stops running jobs but leaves them RUNNING, to be restored on start; a stop
    // that was already under way (savepoint, cancel) still records its end.
    if (this.#closing && rec.status === 'RUNNING') return;
    rec.metrics = live.metrics.snapshot();
    try {
      await this.#end(rec, finalStatus([pipeline], rec.status === 'DOING_SAVEPOINT'), errorMsg);
    } catch (err) {
      this.#log(rec.jobId, `could not record the end of the job: ${(err as Error).message}`);
    }
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
    if (status === 'FINISHED') await this.#checkpoints.delete(rec.jobId);
    this.#log(rec.jobId, `job ${rec.jobId} ended ${status}`);
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
      live.run.stop('cancel', true);
      return jobId;
    }
    if (live.run.stopping) return jobId;
    this.#transition(live.record, withSavepoint ? 'DOING_SAVEPOINT' : 'CANCELING');
    await this.#jobs.put(jobId, live.record);
    this.#log(jobId, withSavepoint ? 'stopping with a savepoint' : 'cancelling');
    live.run.stop(withSavepoint ? 'savepoint' : 'cancel');
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
        await this.#checkpoints.delete(rec.jobId);
        if (this.#opts.logDir) await rm(join(this.#opts.logDir, `job-${rec.jobId}.log`), { force: true });
      }
    }
  }

  /** A job with its live metrics. */
  get(jobId: string): JobRecord | undefined {
    const rec = this.#records.get(jobId);
    if (!rec || this.#expired(rec)) return undefined;
    const live = this.#live.get(jobId);
    return live ? { ...rec, metrics: live.metrics.snapshot() } : rec;
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

  async checkpoint(jobId: string): Promise<Checkpoint | undefined> {
    return this.#checkpoints.get(jobId);
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
    for (const l of lives) l.run.stop(l.record.mode === 'STREAMING' ? 'savepoint' : 'cancel');
    await Promise.all(lives.map((l) => l.done));
    await this.#logChain;
  }
}
