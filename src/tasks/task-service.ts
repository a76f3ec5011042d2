// Tasks and templates: validation in Kapacitor's order, persistence in the metadata store, start/stop through TaskExecutor.

import { randomUUID } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import { type Clock, formatInfluxDuration, formatRFC3339Nano, parseDuration } from '../core/time.ts';
import type { DocumentCollection, MetaStore } from '../meta/meta-store.ts';
import type { ProgramNode } from '../tick/ast.ts';
import { renderDot } from '../tick/dot.ts';
import { TickEvalError, TickSyntaxError, type TickWarning } from '../tick/errors.ts';
import { formatScript } from '../tick/format.ts';
import { type CompiledTask, compileProgram, inferTaskType } from '../tick/index.ts';
import { parse } from '../tick/parser.ts';
import type { DBRP } from '../tick/pipeline.ts';
import {
  TaskRequestError,
  taskNotFound,
  taskStartFailed,
  taskUpdateNotFound,
  templateApplyFailed,
  templateNotFound,
  templateUpdateNotFound,
} from './errors.ts';
import { matchGlob } from './glob.ts';
import { JsonNumber, type JsonValue } from './json-body.ts';
import type { TaskExecutor } from './task-executor.ts';
import {
  decodeVars,
  type StoredVars,
  tickVarsToWire,
  VarsJsonError,
  VarValueError,
  varsToTick,
  varsToWire,
} from './vars-codec.ts';

export type TaskType = 'stream' | 'batch';
export type TaskStatus = 'enabled' | 'disabled';

export interface StoredTask {
  id: string;
  templateId: string;
  type: TaskType;
  dbrps: DBRP[];
  script: string;
  vars: StoredVars;
  status: TaskStatus;
  error: string;
  created: string;
  modified: string;
  lastEnabled: string;
  /**
   * Not in Kapacitor: this task's idle-group expiry in ns, overriding `[stream] group-idle-timeout`
   * (0 = keep groups forever); absent = follow the server setting. Older stored tasks lack it.
   */
  groupIdleNs?: number;
}

export interface StoredTemplate {
  id: string;
  type: TaskType;
  script: string;
  error: string;
  created: string;
  modified: string;
  /** Tasks created from this template, in association order. */
  taskIds: string[];
}

export type ScriptFormat = 'formatted' | 'raw';
export type DotView = 'attributes' | 'labels';

export interface TaskServiceOptions {
  readonly meta: MetaStore;
  readonly clock: Clock;
  /** What runs enabled tasks; without one, enabled tasks are stored and reported with executing=false. */
  readonly executor?: TaskExecutor;
  /** Names of configured UDFs (`@name()`). */
  readonly udfs?: ReadonlySet<string>;
  /** Where start failures during restore are reported. */
  readonly onError?: (message: string, taskId: string) => void;
}

export interface ListQuery {
  pattern?: string;
  fields?: string[];
  scriptFormat?: ScriptFormat;
  dotView?: DotView;
  offset?: number;
  limit?: number;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

const VALID_ID = /^[-._\p{L}0-9]+$/u;

export const ALL_TASK_FIELDS = [
  'link',
  'id',
  'type',
  'dbrps',
  'script',
  'dot',
  'status',
  'executing',
  'error',
  'stats',
  'created',
  'modified',
  'last-enabled',
  'vars',
  'template-id',
];

export const ALL_TEMPLATE_FIELDS = ['link', 'id', 'type', 'script', 'dot', 'error', 'created', 'modified'];

/** What a list field reader returns for a field the item leaves out (an empty template-id, say). */
const OMIT = Symbol('omit');

interface TaskOptionsBody {
  id?: string;
  templateId?: string;
  type?: TaskType;
  dbrps?: DBRP[];
  script?: string;
  status?: TaskStatus;
  vars?: StoredVars;
  hasVars: boolean;
  groupIdleNs?: number;
}

/** The task JSON key of StoredTask.groupIdleNs (the spelling of the `[stream]` setting it overrides). */
export const GROUP_IDLE_KEY = 'group-idle-timeout';

function invalidJson(): never {
  throw new TaskRequestError('invalid JSON');
}

function str(v: JsonValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalidJson();
  return v;
}

/** Decodes Create/Update{Task,Template}Options with Go's strictness: a wrongly typed key fails the whole body. */
function decodeOptions(body: JsonValue): TaskOptionsBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof JsonNumber) invalidJson();
  const out: TaskOptionsBody = { hasVars: false };
  const id = str(body.id);
  if (id !== undefined) out.id = id;
  const tid = str(body['template-id']);
  if (tid !== undefined) out.templateId = tid;
  const script = str(body.script);
  if (script !== undefined) out.script = script;
  const type = str(body.type);
  if (type !== undefined && type !== '') {
    if (type !== 'stream' && type !== 'batch') invalidJson();
    out.type = type;
  }
  const status = str(body.status);
  if (status !== undefined && status !== '') {
    if (status !== 'enabled' && status !== 'disabled') invalidJson();
    out.status = status;
  }
  if (body.dbrps !== undefined && body.dbrps !== null) {
    if (!Array.isArray(body.dbrps)) invalidJson();
    out.dbrps = body.dbrps.map((d) => {
      if (d === null || typeof d !== 'object' || Array.isArray(d) || d instanceof JsonNumber) invalidJson();
      return { db: str(d.db) ?? '', rp: str(d.rp) ?? '' };
    });
  }
  const idle = str(body[GROUP_IDLE_KEY]);
  if (idle !== undefined && idle !== '') {
    const ns = parseDuration(idle);
    if (ns === undefined || ns < 0) {
      throw new TaskRequestError(
        `invalid ${GROUP_IDLE_KEY} ${JSON.stringify(idle)}: must be a non-negative duration`,
        'write it as a TICKscript duration such as "10m" or "90s"; "0s" keeps idle groups forever',
      );
    }
    out.groupIdleNs = ns;
  }
  if (body.vars !== undefined && body.vars !== null) {
    try {
      out.vars = decodeVars(body.vars);
    } catch (err) {
      if (err instanceof VarsJsonError) invalidJson();
      if (err instanceof VarValueError) {
        // Decoded, but a value does not fit its type: reported after the other checks, as Kapacitor does.
        out.vars = undefined;
        (out as { varsError?: string }).varsError = err.message;
        out.hasVars = true;
        return out;
      }
      throw err;
    }
    out.hasVars = Object.keys(out.vars).length > 0;
  }
  return out;
}

function varsError(o: TaskOptionsBody): string | undefined {
  return (o as { varsError?: string }).varsError;
}

/** Serialises every mutation: Kapacitor's store is transactional per request, and so are we. */
class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(work, work);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

export class TaskService {
  readonly #tasks: DocumentCollection<StoredTask>;
  readonly #templates: DocumentCollection<StoredTemplate>;
  readonly #opts: TaskServiceOptions;
  #executor: TaskExecutor | undefined;
  readonly #mutex = new Mutex();
  #total = 0;
  #enabled = 0;

  constructor(options: TaskServiceOptions) {
    this.#opts = options;
    this.#executor = options.executor;
    this.#tasks = options.meta.documents<StoredTask>('kapacitor-tasks');
    this.#templates = options.meta.documents<StoredTemplate>('kapacitor-templates');
  }

  /** Numbers for /debug/vars (`num_tasks`, `num_enabled_tasks`). */
  counts(): { total: number; enabled: number } {
    return { total: this.#total, enabled: this.#enabled };
  }

  get executing(): boolean {
    return this.#executor !== undefined;
  }

  /** Loads the counters and starts every enabled task, as Kapacitor does when it opens its task store. */
  async open(): Promise<void> {
    const all = await this.#tasks.list();
    this.#total = all.length;
    this.#enabled = 0;
    for (const { doc } of all) {
      if (doc.status !== 'enabled') continue;
      this.#enabled++;
      const err = await this.#startTask(doc);
      if (err) this.#opts.onError?.(`failed to start enabled task: ${err}`, doc.id);
    }
  }

  /** Stops every running task (server shutdown); stored state is untouched. */
  close(): void {
    if (!this.#executor) return;
    for (const id of this.#runningIds) this.#executor.stop(id);
    this.#runningIds.clear();
  }

  readonly #runningIds = new Set<string>();

  #now(): string {
    return formatRFC3339Nano(this.#opts.clock.now());
  }

  // ── compilation ─────────────────────────────────────────────────────────────────────────────

  #compileTask(task: Pick<StoredTask, 'script' | 'type' | 'vars'>): CompiledTask {
    const program = parse(task.script);
    return compileProgram(program, { type: task.type, vars: varsToTick(task.vars), clock: this.#opts.clock, ...this.#udfOpt() });
  }

  #compileTemplate(t: Pick<StoredTemplate, 'script' | 'type'>): CompiledTask {
    return compileProgram(parse(t.script), { type: t.type, template: true, ...this.#udfOpt() });
  }

  #udfOpt(): { udfs?: ReadonlySet<string> } {
    return this.#opts.udfs ? { udfs: this.#opts.udfs } : {};
  }

  /** `invalid TICKscript: ...` with the error's position and hint kept for the API's extra `hint` key. */
  #invalidScript(err: unknown): TaskRequestError {
    if (err instanceof TickSyntaxError) return new TaskRequestError(`invalid TICKscript: ${err.message}`, undefined, err.position);
    if (err instanceof TickEvalError) return new TaskRequestError(`invalid TICKscript: ${err.message}`, err.hint, err.position);
    if (err instanceof VarValueError || err instanceof DomainError) return new TaskRequestError(`invalid TICKscript: ${err.message}`);
    throw err;
  }

  #parseProgram(script: string): ProgramNode {
    try {
      return parse(script);
    } catch (err) {
      throw this.#invalidScript(err);
    }
  }

  // ── start / stop ────────────────────────────────────────────────────────────────────────────

  /** Starts a task; resolves its error text (also saved on the task) or undefined. */
  async #startTask(task: StoredTask): Promise<string | undefined> {
    if (!this.#executor) return undefined;
    let message: string | undefined;
    try {
      const compiled = this.#compileTask(task);
      this.#executor.start({
        id: task.id,
        type: task.type,
        pipeline: compiled.pipeline,
        dbrps: task.dbrps,
        ...(task.groupIdleNs === undefined ? {} : { groupIdleMs: task.groupIdleNs / 1e6 }),
      });
      this.#runningIds.add(task.id);
    } catch (err) {
      message = (err as Error).message;
    }
    await this.#saveLastError(task.id, message ?? '');
    task.error = message ?? '';
    return message;
  }

  #stopTask(id: string): void {
    if (!this.#executor) return;
    this.#executor.stop(id);
    this.#runningIds.delete(id);
  }

  async #saveLastError(id: string, error: string): Promise<void> {
    const t = await this.#tasks.get(id);
    if (!t || t.error === error) return;
    t.error = error;
    await this.#tasks.put(id, t);
  }

  // ── task JSON ───────────────────────────────────────────────────────────────────────────────

  #script(raw: string, format: ScriptFormat): string {
    if (format === 'raw') return raw;
    try {
      return formatScript(raw);
    } catch {
      return raw;
    }
  }

  /** The full task object of GET /tasks/<id>, POST and PATCH. */
  taskJson(t: StoredTask, format: ScriptFormat = 'formatted', view: DotView = 'attributes'): Record<string, unknown> {
    const handle = this.#executor?.get(t.id);
    let errMsg = t.error;
    let dot = '';
    let stats: unknown = {};
    let warnings: readonly TickWarning[] = [];
    try {
      const compiled = this.#compileTask(t);
      warnings = compiled.warnings;
      if (handle) {
        dot = handle.dot(view);
        stats = handle.stats();
      } else dot = renderDot(t.id, compiled.pipeline);
    } catch (err) {
      errMsg = (err as Error).message;
    }
    const json: Record<string, unknown> = {
      link: { rel: 'self', href: `/kapacitor/v1/tasks/${t.id}` },
      id: t.id,
      'template-id': t.templateId,
      type: t.type,
      dbrps: t.dbrps.map((d) => ({ db: d.db, rp: d.rp })),
      script: this.#script(t.script, format),
      vars: varsToWire(t.vars),
      dot,
      status: t.status,
      executing: handle !== undefined,
      error: errMsg,
      stats,
      created: t.created,
      modified: t.modified,
      'last-enabled': t.lastEnabled,
    };
    // Not in Kapacitor: lambdas that can never work as written (only present when there are any).
    if (warnings.length > 0) json.warnings = warnings;
    // Not in Kapacitor either, so only present when the task sets it.
    if (t.groupIdleNs !== undefined) json[GROUP_IDLE_KEY] = formatInfluxDuration(t.groupIdleNs);
    return json;
  }

  async hasTask(id: string): Promise<boolean> {
    return (await this.#tasks.get(id)) !== undefined;
  }

  async getTask(id: string, format: ScriptFormat, view: DotView): Promise<Record<string, unknown>> {
    const t = await this.#tasks.get(id);
    if (!t) throw taskNotFound();
    return this.taskJson(t, format, view);
  }

  async listTasks(q: ListQuery): Promise<{ tasks: Record<string, unknown>[] }> {
    const view = q.dotView ?? 'attributes';
    const tasks = await this.#list(this.#tasks, q, ALL_TASK_FIELDS, 'tasks', (t) => {
      const handle = this.#executor?.get(t.id);
      return (field) => {
        switch (field) {
          case 'dbrps':
            return t.dbrps.map((d) => ({ db: d.db, rp: d.rp }));
          case 'executing':
            return handle !== undefined;
          case 'dot':
            if (handle) return handle.dot(view);
            try {
              return renderDot(t.id, this.#compileTask(t).pipeline);
            } catch {
              return null;
            }
          case 'stats':
            return handle ? handle.stats() : null;
          case 'status':
            return t.status;
          case 'last-enabled':
            return t.lastEnabled;
          case 'template-id':
            return t.templateId === '' ? OMIT : t.templateId;
          case 'vars':
            return varsToWire(t.vars);
          case GROUP_IDLE_KEY:
            return t.groupIdleNs === undefined ? OMIT : formatInfluxDuration(t.groupIdleNs);
          default:
            return undefined;
        }
      };
    });
    return { tasks };
  }

  /**
   * The list answer for tasks and templates: an item per entry of the page with the asked-for fields
   * (always id and link), keys sorted. The fields both kinds have are read here; `fieldsOf` returns
   * one entry's reader of its kind's own fields (OMIT leaves a field out, undefined = no such field).
   */
  async #list<T extends StoredTask | StoredTemplate>(
    coll: DocumentCollection<T>,
    q: ListQuery,
    allFields: readonly string[],
    path: 'tasks' | 'templates',
    fieldsOf: (t: T) => (field: string) => unknown,
  ): Promise<Record<string, unknown>[]> {
    const fields = q.fields && q.fields.length > 0 ? [...q.fields, 'id', 'link'] : allFields;
    const format = q.scriptFormat ?? 'formatted';
    const items: Record<string, unknown>[] = [];
    for (const t of await this.#page(coll, q)) {
      const own = fieldsOf(t);
      const item: Record<string, unknown> = {};
      for (const field of fields) {
        let value: unknown;
        switch (field) {
          case 'id':
            value = t.id;
            break;
          case 'link':
            value = { rel: 'self', href: `/kapacitor/v1/${path}/${t.id}` };
            break;
          case 'type':
            value = t.type;
            break;
          case 'script':
            value = this.#script(t.script, format);
            break;
          case 'error':
            value = t.error;
            break;
          case 'created':
            value = t.created;
            break;
          case 'modified':
            value = t.modified;
            break;
          default:
            value = own(field);
            if (value === undefined) throw new TaskRequestError(`unsupported field "${field}"`);
        }
        if (value !== OMIT) item[field] = value;
      }
      items.push(sortKeys(item));
    }
    return items;
  }

  async #page<T extends { id: string }>(coll: DocumentCollection<T>, q: ListQuery): Promise<T[]> {
    const pattern = q.pattern ?? '';
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 100;
    if (pattern !== '' && matchGlob(pattern, '') === 'bad') {
      throw new TaskRequestError(`failed to list ${coll === (this.#tasks as unknown) ? 'tasks' : 'templates'} with pattern "${pattern}": syntax error in pattern`);
    }
    const all = await coll.list();
    const out: T[] = [];
    let skipped = 0;
    for (const { doc } of all) {
      if (pattern !== '' && matchGlob(pattern, doc.id) !== true) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      if (limit >= 0 && out.length >= limit) break;
      out.push(doc);
    }
    return out;
  }

  // ── create / update / delete tasks ─────────────────────────────────────────────────────────

  createTask(body: JsonValue): Promise<Record<string, unknown>> {
    return this.#mutex.run(() => this.#createTask(body));
  }

  async #createTask(body: JsonValue): Promise<Record<string, unknown>> {
    const o = decodeOptions(body);
    const id = o.id || randomUUID();
    if (!VALID_ID.test(id)) {
      throw new TaskRequestError(`task ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`);
    }
    if (await this.#tasks.get(id)) throw new TaskRequestError(`task ${id} already exists`);
    let script: string;
    let templateId = '';
    if (o.templateId) {
      const tmpl = await this.#templates.get(o.templateId);
      if (!tmpl) throw new TaskRequestError(`unknown template ${o.templateId}: err: no template exists`);
      script = tmpl.script;
      templateId = tmpl.id;
    } else {
      script = o.script ?? '';
      if (script === '') throw new TaskRequestError('must provide TICKscript', 'send the script in the "script" key');
    }
    const explicit = o.dbrps ?? [];
    const status: TaskStatus = o.status ?? 'disabled';
    const ve = varsError(o);
    if (ve) throw new TaskRequestError(ve);
    const vars = o.vars ?? {};
    const program = this.#parseProgram(script);
    const type = inferTaskType(program);
    if (type === 'invalid') {
      throw new TaskRequestError('invalid task type: invalid', 'a task script must start its chains from `stream` or from `batch`, not both');
    }
    try {
      compileProgram(program, { type, vars: varsToTick(vars), ...this.#udfOpt() });
    } catch (err) {
      throw this.#invalidScript(err);
    }
    const now = this.#now();
    const implicit = implicitDbrps(program);
    if (implicit.length === 0 && explicit.length === 0) {
      throw new TaskRequestError(
        'must specify dbrp',
        'add a `dbrp "telegraf"."autogen"` line to the script, or "dbrps": [{"db": "telegraf", "rp": "autogen"}] to the request',
      );
    }
    if (implicit.length > 0 && explicit.length > 0) {
      throw new TaskRequestError(
        'cannot specify dbrp in both implicitly and explicitly',
        'keep either the script\'s dbrp statements or the request\'s "dbrps", not both',
      );
    }
    const task: StoredTask = {
      id,
      templateId,
      type,
      dbrps: implicit.length > 0 ? implicit : explicit,
      script,
      vars,
      status,
      error: '',
      created: now,
      modified: now,
      lastEnabled: status === 'enabled' ? now : ZERO_TIME,
      ...(o.groupIdleNs === undefined ? {} : { groupIdleNs: o.groupIdleNs }),
    };
    if (!(await this.#tasks.insert(id, task))) throw new TaskRequestError(`task ${id} already exists`);
    this.#total++;
    if (templateId) await this.#associate(templateId, id);
    if (status === 'enabled') {
      this.#enabled++;
      const err = await this.#startTask(task);
      if (err) throw taskStartFailed(err);
    }
    return this.taskJson(task);
  }

  async #associate(templateId: string, taskId: string): Promise<void> {
    const t = await this.#templates.get(templateId);
    if (!t) return;
    if (!t.taskIds.includes(taskId)) t.taskIds.push(taskId);
    await this.#templates.put(templateId, t);
  }

  async #disassociate(templateId: string, taskId: string): Promise<void> {
    const t = await this.#templates.get(templateId);
    if (!t) return;
    t.taskIds = t.taskIds.filter((x) => x !== taskId);
    await this.#templates.put(templateId, t);
  }

  updateTask(id: string, body: JsonValue): Promise<Record<string, unknown>> {
    return this.#mutex.run(() => this.#updateTask(id, body));
  }

  async #updateTask(id: string, body: JsonValue): Promise<Record<string, unknown>> {
    const o = decodeOptions(body);
    const original = await this.#tasks.get(id);
    if (!original) throw taskUpdateNotFound();
    const updated: StoredTask = { ...original, dbrps: [...original.dbrps] };
    if (o.id) updated.id = o.id;
    const explicit = o.dbrps ?? [];
    if (o.templateId || updated.templateId) {
      const templateId = o.templateId || updated.templateId;
      const tmpl = await this.#templates.get(templateId);
      if (!tmpl) throw new TaskRequestError(`unknown template ${o.templateId ?? ''}: err: no template exists`);
      updated.type = tmpl.type;
      updated.script = tmpl.script;
      updated.templateId = templateId;
    } else {
      if (o.type) updated.type = o.type;
      const oldProgram = this.#parseProgram(updated.script);
      if (o.script) {
        updated.script = o.script;
        const newProgram = this.#parseProgram(updated.script);
        if (implicitDbrps(oldProgram).length > 0 && implicitDbrps(newProgram).length === 0 && explicit.length === 0) {
          throw new TaskRequestError('must specify dbrp', 'the old script declared its dbrps; keep a `dbrp "db"."rp"` line or send "dbrps"');
        }
      }
    }
    const program = this.#parseProgram(updated.script);
    const implicit = implicitDbrps(program);
    if (implicit.length > 0 && explicit.length > 0) {
      throw new TaskRequestError('cannot specify dbrp in implicitly and explicitly');
    }
    if (implicit.length > 0) updated.dbrps = implicit;
    else if (explicit.length > 0) updated.dbrps = explicit;
    const previousStatus = updated.status;
    if (o.status) updated.status = o.status;
    const statusChanged = previousStatus !== updated.status;
    const ve = varsError(o);
    if (ve) throw new TaskRequestError(ve);
    if (o.hasVars && o.vars) updated.vars = o.vars;
    // Like a script change, a new timeout reaches a running task when it is next enabled.
    if (o.groupIdleNs !== undefined) updated.groupIdleNs = o.groupIdleNs;
    const type = inferTaskType(program);
    if (type === 'invalid') throw new TaskRequestError('invalid task type: invalid');
    updated.type = type;
    try {
      this.#compileTask(updated);
    } catch (err) {
      throw this.#invalidScript(err);
    }
    const now = this.#now();
    updated.modified = now;
    if (statusChanged && updated.status === 'enabled') updated.lastEnabled = now;

    if (original.id !== updated.id) {
      if (!(await this.#tasks.insert(updated.id, updated))) {
        throw taskStartFailed(`failed to create new task during ID change: task ${updated.id} already exists`);
      }
      await this.#tasks.delete(original.id);
      if (original.templateId) await this.#disassociate(original.templateId, original.id);
      if (updated.templateId) await this.#associate(updated.templateId, updated.id);
      if (original.status === 'enabled' && updated.status === 'enabled') {
        this.#stopTask(original.id);
        const err = await this.#startTask(updated);
        if (err) throw taskStartFailed(err);
      }
    } else {
      if (o.templateId && o.templateId !== original.templateId) {
        if (original.templateId) await this.#disassociate(original.templateId, original.id);
        await this.#associate(o.templateId, updated.id);
      }
      await this.#tasks.put(updated.id, updated);
    }
    if (statusChanged) {
      if (updated.status === 'enabled') {
        this.#enabled++;
        const err = await this.#startTask(updated);
        if (err) throw taskStartFailed(err);
      } else {
        this.#enabled--;
        this.#stopTask(original.id);
      }
    }
    return this.taskJson(updated);
  }

  deleteTask(id: string): Promise<void> {
    return this.#mutex.run(async () => {
      const t = await this.#tasks.get(id);
      if (!t) return;
      if (t.templateId) await this.#disassociate(t.templateId, t.id);
      this.#total--;
      if (t.status === 'enabled') {
        this.#enabled--;
        this.#stopTask(id);
      }
      await this.#tasks.delete(id);
    });
  }

  // ── templates ───────────────────────────────────────────────────────────────────────────────

  templateJson(t: StoredTemplate, format: ScriptFormat = 'formatted'): Record<string, unknown> {
    let errMsg = t.error;
    let dot = '';
    let vars: Record<string, unknown> = {};
    try {
      const compiled = this.#compileTemplate(t);
      dot = renderDot(t.id, compiled.pipeline);
      vars = tickVarsToWire(compiled.vars);
    } catch (err) {
      errMsg = (err as Error).message;
    }
    return {
      link: { rel: 'self', href: `/kapacitor/v1/templates/${t.id}` },
      id: t.id,
      type: t.type,
      script: this.#script(t.script, format),
      vars,
      dot,
      error: errMsg,
      created: t.created,
      modified: t.modified,
    };
  }

  async getTemplate(id: string, format: ScriptFormat): Promise<Record<string, unknown>> {
    const t = await this.#templates.get(id);
    if (!t) throw templateNotFound();
    return this.templateJson(t, format);
  }

  async listTemplates(q: ListQuery): Promise<{ templates: Record<string, unknown>[] }> {
    const templates = await this.#list(this.#templates, q, ALL_TEMPLATE_FIELDS, 'templates', (t) => {
      let compiled: CompiledTask | undefined;
      try {
        compiled = this.#compileTemplate(t);
      } catch {
        compiled = undefined;
      }
      return (field) => {
        switch (field) {
          case 'dot':
            return compiled ? renderDot(t.id, compiled.pipeline) : null;
          case 'vars':
            return compiled ? tickVarsToWire(compiled.vars) : null;
          default:
            return undefined;
        }
      };
    });
    return { templates };
  }

  createTemplate(body: JsonValue): Promise<Record<string, unknown>> {
    return this.#mutex.run(async () => {
      const o = decodeOptions(body);
      const id = o.id || randomUUID();
      if (!VALID_ID.test(id)) {
        throw new TaskRequestError(`template ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(id)}`);
      }
      if (await this.#templates.get(id)) throw new TaskRequestError(`template ${id} already exists`);
      const program = this.#parseProgram(o.script ?? '');
      const type = inferTaskType(program);
      if (type === 'invalid') throw new TaskRequestError('invalid task type: invalid');
      const script = o.script ?? '';
      if (script === '') throw new TaskRequestError('must provide TICKscript');
      try {
        compileProgram(program, { type, template: true, ...this.#udfOpt() });
      } catch (err) {
        throw this.#invalidScript(err);
      }
      const now = this.#now();
      const t: StoredTemplate = { id, type, script, error: '', created: now, modified: now, taskIds: [] };
      if (!(await this.#templates.insert(id, t))) throw new TaskRequestError(`template ${id} already exists`);
      return this.templateJson(t);
    });
  }

  updateTemplate(id: string, body: JsonValue): Promise<Record<string, unknown>> {
    return this.#mutex.run(async () => {
      const o = decodeOptions(body);
      const original = await this.#templates.get(id);
      if (!original) throw templateUpdateNotFound();
      const updated: StoredTemplate = { ...original, taskIds: [...original.taskIds] };
      if (o.id) updated.id = o.id;
      if (o.type) updated.type = o.type;
      if (o.script) updated.script = o.script;
      try {
        this.#compileTemplate(updated);
      } catch (err) {
        throw this.#invalidScript(err);
      }
      updated.modified = this.#now();
      if (original.id !== updated.id) {
        if (!(await this.#templates.insert(updated.id, updated))) {
          throw templateApplyFailed(`failed to create new template for ID change: template ${updated.id} already exists`);
        }
        await this.#templates.delete(original.id);
      } else await this.#templates.put(updated.id, updated);
      const failure = await this.#applyTemplate(original, updated);
      if (failure) {
        // Better than Kapacitor: the template itself is restored too, so template and tasks stay consistent.
        if (original.id !== updated.id) await this.#templates.delete(updated.id);
        await this.#templates.put(original.id, original);
        throw templateApplyFailed(failure);
      }
      return this.templateJson(updated);
    });
  }

  /** Re-applies a changed template to its tasks; on the first failure every touched task is rolled back. */
  async #applyTemplate(old: StoredTemplate, next: StoredTemplate): Promise<string | undefined> {
    const oldDbrps = implicitDbrps(parse(old.script));
    const newDbrps = implicitDbrps(parse(next.script));
    const touched: StoredTask[] = [];
    let failure: string | undefined;
    for (const taskId of old.taskIds) {
      const task = await this.#tasks.get(taskId);
      if (!task) continue;
      touched.push({ ...task, dbrps: [...task.dbrps] });
      task.templateId = next.id;
      task.script = next.script;
      task.type = next.type;
      if (oldDbrps.length > 0 || newDbrps.length > 0) task.dbrps = newDbrps;
      await this.#tasks.put(taskId, task);
      if (task.status === 'enabled') {
        this.#stopTask(taskId);
        const err = await this.#startTaskChecked(task);
        if (err) {
          failure = `error reloading associated task ${taskId}: ${err}`;
          break;
        }
      }
    }
    if (!failure) return undefined;
    for (const before of touched) {
      await this.#tasks.put(before.id, before);
      if (before.status === 'enabled') {
        this.#stopTask(before.id);
        await this.#startTask(before);
      }
    }
    return failure;
  }

  /** Like #startTask but also validates when no executor runs tasks, so template updates are checked either way. */
  async #startTaskChecked(task: StoredTask): Promise<string | undefined> {
    if (this.#executor) return this.#startTask(task);
    try {
      this.#compileTask(task);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  deleteTemplate(id: string): Promise<void> {
    return this.#mutex.run(async () => {
      const t = await this.#templates.get(id);
      if (!t) return;
      await this.#templates.delete(id);
    });
  }
}

function implicitDbrps(program: ProgramNode): DBRP[] {
  const out: DBRP[] = [];
  for (const n of program.nodes) if (n.kind === 'dbrp') out.push({ db: n.db.name, rp: n.rp.name });
  return out;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}
