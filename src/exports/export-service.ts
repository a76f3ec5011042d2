// Pandora export tasks: definitions in the metadata store, schedules, runs, destinations and history.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/time.ts';
import type { MetaStore, Timeline } from '../meta/meta-store.ts';
import { runSpl } from '../query/spl/executor.ts';
import { parseSpl } from '../query/spl/parser.ts';
import type { RowSource } from '../query/spl/row-source.ts';
import { type FireEvent, type MissedRunPolicy, Scheduler } from '../schedule/scheduler.ts';
import type { Timers } from '../schedule/timers.ts';
import type { ConnectorServices } from '../jobs/connectors/contract.ts';
import type { SinkLookup } from './sink-destination.ts';
import { type Delivery, deliver, type ExportedFile, ExportFiles } from './destinations.ts';
import {
  duplicateTaskName,
  emptyTaskList,
  exportFileNotFound,
  exportForbidden,
  exportTaskNotFound,
  invalidPaging,
  invalidTaskStatus,
} from './errors.ts';
import {
  compileSchedule,
  DEFAULT_DESTINATION,
  type ExportTask,
  type InputRules,
  parseTaskInput,
  type RunRecord,
  type TaskStatus,
} from './task.ts';

/** Who is asking; `role` follows the server's users (`admin`, `write`, `read`). */
export interface Caller {
  username: string;
  role: 'admin' | 'write' | 'read';
}

export type Operation = 'create' | 'edit' | 'list' | 'share' | 'delete';
const ALL_OPERATIONS: Operation[] = ['create', 'edit', 'list', 'share', 'delete'];

export interface ExportServiceOptions {
  meta: MetaStore;
  source: RowSource;
  clock: Clock;
  timers: Timers;
  /** Files go to `<dataDir>/exports/<taskId>/<count>.<format>`. */
  dataDir: string;
  /** Zone of cron fields and relative SPL times for tasks that name none; default UTC. */
  timezone?: string;
  /** Schedules firing more often than this are rejected (ms); default 1000, so the seed's 5 s passes. */
  minIntervalMs?: number;
  /** Fires missed while the server was down; default `once` (see MissedRunPolicy). */
  missedRuns?: MissedRunPolicy;
  /** Owner of tasks created by an anonymous caller (authentication off). */
  defaultOwner?: string;
  /** Reject a second task with the same name (Pandora's rule is undocumented); default false. */
  uniqueNames?: boolean;
  /** Most rows one run may hold in memory. */
  maxRows?: number;
  webhookTimeoutMs?: number;
  /** The job engine's sink plugins, for `sink` destinations (a database table, Redis, ...). */
  sinks?: SinkLookup;
  /** Services handed to sink connectors (the series store for the Inductor sink, ...). */
  sinkServices?: ConnectorServices;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface PageQuery {
  sort?: string;
  order?: string;
  pageNo?: string | number;
  pageSize?: string | number;
  prefix?: string;
}

export interface Page<T> {
  total: number;
  pageNo: number;
  pageSize: number;
  items: T[];
}

/** A task as the list shows it: the stored fields plus the caller's operations. */
export interface TaskView extends Omit<ExportTask, 'activeSince'> {
  operations: Operation[];
}

const TASK_SORTS = new Set(['updateTime', 'createTime', 'lastRunTime', 'name', 'count', 'status', 'owner', 'id']);
const HISTORY_SORTS: Record<string, keyof RunRecord> = {
  time: 'time',
  updateTime: 'time',
  createTime: 'time',
  count: 'count',
  tookMillis: 'tookMillis',
  status: 'status',
};
const MAX_PAGE_SIZE = 1000;

export class ExportService {
  readonly #o: ExportServiceOptions;
  readonly #tasks;
  readonly #history: Timeline<RunRecord>;
  readonly #files: ExportFiles;
  readonly #scheduler: Scheduler;
  readonly #timezone: string;

  constructor(options: ExportServiceOptions) {
    this.#o = options;
    this.#tasks = options.meta.documents<ExportTask>('pandora-export-tasks');
    this.#history = options.meta.timeline<RunRecord>('pandora-export-history');
    this.#files = new ExportFiles(options.dataDir);
    this.#timezone = options.timezone ?? 'UTC';
    this.#scheduler = new Scheduler({
      clock: options.clock,
      timers: options.timers,
      missedRuns: options.missedRuns ?? 'once',
      run: (event) => this.#run(event),
      onSkip: (event) => options.log?.warn({ task: event.id, time: event.scheduledMs }, 'export run skipped: the previous run is still going'),
      onError: (event, err) => options.log?.warn({ task: event.id, err }, 'export run could not be recorded'),
    });
  }

  /** Schedules every running task (catching up missed fires per policy) and starts the timer. */
  async start(): Promise<void> {
    for (const { doc } of await this.#tasks.list()) {
      if (doc.status === 'running') this.#schedule(doc, Math.max(doc.lastRunTime, doc.activeSince));
    }
    this.#scheduler.start();
  }

  /** Stops firing and waits for runs in progress. */
  async stop(): Promise<void> {
    this.#scheduler.stop();
    await this.#scheduler.idle();
  }

  /** Resolves when no run is in progress (tests drive the clock, then wait here). */
  idle(): Promise<void> {
    return this.#scheduler.idle();
  }

  /** Next fire time of a task, if it is scheduled. */
  nextFire(id: string): number | undefined {
    return this.#scheduler.nextFire(id);
  }

  async create(body: unknown, caller: Caller): Promise<ExportTask> {
    if (caller.role === 'read') throw exportForbidden(this.#owner(caller), 'create', 'new');
    const now = this.#o.clock.now().ms;
    const input = parseTaskInput(body, this.#rules(now));
    if (this.#o.uniqueNames) await this.#checkName(input.name, undefined);
    const task: ExportTask = {
      id: randomUUID(),
      name: input.name,
      description: input.description,
      spl: input.spl,
      owner: this.#owner(caller),
      interval: input.interval,
      status: 'running',
      count: 0,
      createTime: now,
      updateTime: now,
      lastRunTime: -1,
      activeSince: now,
    };
    if (input.destination !== undefined) task.destination = input.destination;
    if (input.timezone !== undefined) task.timezone = input.timezone;
    await this.#tasks.insert(task.id, task);
    this.#schedule(task, now);
    return task;
  }

  async update(id: string, body: unknown, caller: Caller): Promise<ExportTask> {
    const current = await this.#get(id);
    this.#require(caller, current, 'edit');
    const now = this.#o.clock.now().ms;
    const input = parseTaskInput(body, this.#rules(now));
    if (this.#o.uniqueNames) await this.#checkName(input.name, id);
    const task: ExportTask = {
      ...current,
      name: input.name,
      description: input.description,
      spl: input.spl,
      interval: input.interval,
      // The update time never goes backwards, and differs from the creation time, even within one millisecond.
      updateTime: Math.max(now, current.updateTime + 1),
      activeSince: now,
    };
    delete task.destination;
    delete task.timezone;
    if (input.destination !== undefined) task.destination = input.destination;
    if (input.timezone !== undefined) task.timezone = input.timezone;
    await this.#tasks.put(id, task);
    if (task.status === 'running') this.#schedule(task, now);
    return task;
  }

  async delete(id: string, caller: Caller): Promise<void> {
    const task = await this.#get(id);
    this.#require(caller, task, 'delete');
    this.#scheduler.remove(id);
    await this.#o.meta.transaction(async () => {
      await this.#tasks.delete(id);
      await this.#history.deleteRange(id);
    });
    await this.#files.removeTask(id);
  }

  /** Starts or stops several tasks; every id must exist (and be editable) or nothing changes. */
  async setStatus(body: unknown, caller: Caller): Promise<void> {
    const { tasks, status } = (body ?? {}) as { tasks?: unknown; status?: unknown };
    if (status !== 'running' && status !== 'stopped') throw invalidTaskStatus(status);
    if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === 'string')) throw emptyTaskList();
    const found: ExportTask[] = [];
    for (const id of new Set(tasks as string[])) {
      const task = await this.#get(id);
      this.#require(caller, task, 'edit');
      found.push(task);
    }
    const now = this.#o.clock.now().ms;
    const changed = found.filter((t) => t.status !== status);
    await this.#o.meta.transaction(async () => {
      for (const task of changed) {
        await this.#tasks.put(task.id, { ...task, status: status as TaskStatus, activeSince: now });
      }
    });
    for (const task of changed) {
      if (status === 'running') this.#schedule({ ...task, status }, now);
      else this.#scheduler.remove(task.id);
    }
  }

  async list(query: PageQuery, caller: Caller): Promise<Page<TaskView>> {
    const { pageNo, pageSize, order } = paging(query);
    const sort = query.sort === undefined || query.sort === '' ? 'updateTime' : query.sort;
    if (!TASK_SORTS.has(sort)) throw invalidPaging(`sort must be one of ${[...TASK_SORTS].join(', ')}`);
    const prefix = query.prefix ?? '';
    const all = (await this.#tasks.list()).map((d) => d.doc).filter((t) => t.name.startsWith(prefix));
    const key = sort as keyof ExportTask;
    all.sort((a, b) => {
      const x = a[key] as string | number;
      const y = b[key] as string | number;
      const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      return order === 'asc' ? c : -c;
    });
    const items = all.slice((pageNo - 1) * pageSize, pageNo * pageSize).map((t) => this.#view(t, caller));
    return { total: all.length, pageNo, pageSize, items };
  }

  async get(id: string, caller: Caller): Promise<TaskView> {
    return this.#view(await this.#get(id), caller);
  }

  /** Run history of a task. `prefix` matches the run status (`succ`, `fail`). */
  async history(id: string, query: PageQuery): Promise<Page<RunRecord>> {
    await this.#get(id);
    const { pageNo, pageSize, order } = paging(query);
    const sort = query.sort === undefined || query.sort === '' ? 'time' : query.sort;
    const key = HISTORY_SORTS[sort];
    if (key === undefined) throw invalidPaging(`sort must be one of ${Object.keys(HISTORY_SORTS).join(', ')}`);
    const prefix = query.prefix ?? '';
    if (prefix === '' && (key === 'time' || key === 'count')) {
      // Runs are numbered in fire-time order, so both sorts are the timeline's own order.
      const [total, items] = await Promise.all([
        this.#history.count(id),
        this.#history.range(id, { order, offset: (pageNo - 1) * pageSize, limit: pageSize }),
      ]);
      return { total, pageNo, pageSize, items: items.map((r) => r.doc) };
    }
    const all = (await this.#history.range(id)).map((r) => r.doc).filter((r) => r.status.startsWith(prefix));
    all.sort((a, b) => {
      const x = a[key] as string | number;
      const y = b[key] as string | number;
      const c = x < y ? -1 : x > y ? 1 : a.count - b.count;
      return order === 'asc' ? c : -c;
    });
    return { total: all.length, pageNo, pageSize, items: all.slice((pageNo - 1) * pageSize, pageNo * pageSize) };
  }

  /** The exported file of one run. */
  async exportedFile(id: string, count: number): Promise<ExportedFile> {
    await this.#get(id);
    const runs = await this.#history.range(id);
    const run = runs.find((r) => r.doc.count === count)?.doc;
    const file = run?.file ? await this.#files.find(id, run.file) : undefined;
    if (file === undefined) throw exportFileNotFound(id, count);
    return file;
  }

  // ---- runs ----------------------------------------------------------------------------------

  async #run(event: FireEvent): Promise<void> {
    const task = await this.#tasks.get(event.id);
    if (task === undefined || task.status !== 'running') return;
    const started = this.#o.clock.now().ms;
    const schedule = compileSchedule(task.interval, task.timezone ?? this.#timezone);
    // The window covers everything since the previous run (also across missed fires), else one period.
    const startMs = event.previousMs ?? schedule.previous(event.scheduledMs);
    const endMs = event.scheduledMs;
    const count = task.count + 1;
    const record: RunRecord = {
      taskId: task.id,
      count,
      time: event.scheduledMs,
      status: 'success',
      message: null,
      tookMillis: 0,
      rows: 0,
      startTime: startMs ?? null,
      endTime: endMs,
      file: null,
    };
    try {
      const result = await runSpl(parseSpl(task.spl), this.#o.source, {
        now: event.scheduledMs,
        timezone: task.timezone ?? this.#timezone,
        startMs,
        endMs,
        maxRows: this.#o.maxRows,
      });
      record.rows = result.rows.length;
      record.startTime = result.startMs ?? null;
      record.endTime = result.endMs ?? null;
      const delivery: Delivery = { taskId: task.id, count, time: event.scheduledMs, result };
      record.file = await deliver(task.destination ?? DEFAULT_DESTINATION, delivery, this.#files, {
        timeoutMs: this.#o.webhookTimeoutMs,
        sinks: this.#o.sinks,
        sinkServices: this.#o.sinkServices,
        log: (line) => this.#o.log?.info({ task: task.id, run: count }, line),
      });
    } catch (err) {
      record.status = 'failed';
      record.message = (err as Error).message;
    }
    record.tookMillis = Math.max(0, this.#o.clock.now().ms - started);
    const kept = await this.#o.meta.transaction(async () => {
      // Re-read: the task may have been edited or deleted while the run was going.
      const latest = await this.#tasks.get(task.id);
      if (latest === undefined) return false;
      await this.#history.put({ partition: task.id, time: record.time, id: String(count).padStart(10, '0') }, record);
      await this.#tasks.put(task.id, { ...latest, count, lastRunTime: record.time });
      return true;
    });
    if (!kept) await this.#files.removeTask(task.id);
    this.#o.log?.info(
      { task: task.id, run: count, status: record.status, rows: record.rows, tookMillis: record.tookMillis },
      record.status === 'success' ? 'export run finished' : `export run failed: ${record.message}`,
    );
  }

  // ---- helpers -------------------------------------------------------------------------------

  #schedule(task: ExportTask, lastFireMs: number): void {
    const schedule = compileSchedule(task.interval, task.timezone ?? this.#timezone);
    this.#scheduler.add(task.id, schedule, lastFireMs);
  }

  #rules(now: number): InputRules {
    return {
      timezone: this.#timezone,
      minIntervalMs: this.#o.minIntervalMs ?? 1000,
      now,
      sinks: this.#o.sinks,
      sinkServices: this.#o.sinkServices,
    };
  }

  #owner(caller: Caller): string {
    return caller.username === '' ? (this.#o.defaultOwner ?? 'admin') : caller.username;
  }

  /** What a caller may do with a task: everything for admins and owners, listing for others. */
  operations(caller: Caller, task: ExportTask): Operation[] {
    if (caller.role === 'admin') return [...ALL_OPERATIONS];
    if (caller.role === 'write') return task.owner === this.#owner(caller) ? [...ALL_OPERATIONS] : ['create', 'list'];
    return ['list'];
  }

  #require(caller: Caller, task: ExportTask, operation: Operation): void {
    if (!this.operations(caller, task).includes(operation)) throw exportForbidden(this.#owner(caller), operation, task.id);
  }

  #view(task: ExportTask, caller: Caller): TaskView {
    const { activeSince: _hidden, ...rest } = task;
    return { ...rest, operations: this.operations(caller, task) };
  }

  async #get(id: string): Promise<ExportTask> {
    const task = await this.#tasks.get(id);
    if (task === undefined) throw exportTaskNotFound(id);
    return task;
  }

  async #checkName(name: string, except: string | undefined): Promise<void> {
    for (const { doc } of await this.#tasks.list()) {
      if (doc.name === name && doc.id !== except) throw duplicateTaskName(name);
    }
  }
}

function paging(query: PageQuery): { pageNo: number; pageSize: number; order: 'asc' | 'desc' } {
  const pageNo = positiveInt(query.pageNo, 1, 'pageNo');
  const pageSize = positiveInt(query.pageSize, 10, 'pageSize');
  if (pageSize > MAX_PAGE_SIZE) throw invalidPaging(`pageSize must be at most ${MAX_PAGE_SIZE}`);
  const order = query.order === undefined || query.order === '' ? 'desc' : query.order.toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw invalidPaging('order must be "asc" or "desc"');
  return { pageNo, pageSize, order };
}

function positiveInt(value: string | number | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1) throw invalidPaging(`${name} must be a positive integer`);
  return n;
}
