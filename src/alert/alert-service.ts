// The alert service: topics with their event states and handlers, handler specs CRUD, inhibitors, persistence.

import type { Tags } from '../core/point.ts';
import { parseNsString, toNsString } from '../core/time.ts';
import type { DocumentCollection, MetaStore } from '../meta/meta-store.ts';
import type { PipelineLogger } from '../pipeline/node.ts';
import { matchGlob } from '../tasks/glob.ts';
import type { AlertConfig } from './alert-config.ts';
import {
  handlerCreateFailed,
  handlerExists,
  handlerUpdateFailed,
  invalidHandlerJson,
  invalidHandlerSpec,
  invalidPatchJson,
  invalidPattern,
  patchFailed,
  topicEventsFailed,
  unknownEvent,
  unknownHandler,
  unknownTopic,
  unmarshalFailed,
} from './errors.ts';
import type { AlertEvent, EventState } from './event.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, SerialQueue } from './handlers/handler.ts';
import { buildHandler } from './handlers/kinds.ts';
import { applyJsonPatch, PatchError } from './json-patch.ts';
import { type Level, type LevelName, levelName, levelOf, OK } from './level.ts';
import { MatchExpression } from './match.ts';

/** A topic handler as the API shows and stores it. */
export interface HandlerSpec {
  id: string;
  topic: string;
  kind: string;
  options: HandlerOptions | null;
  match: string;
}

/** A persisted event state (non-OK events only; recoveries delete them). */
interface StoredEvent {
  topic: string;
  id: string;
  level: LevelName;
  message: string;
  details: string;
  /** Nanoseconds since the epoch, as a decimal string (exact). */
  time: string;
  duration: number;
}

interface Registered {
  readonly handler: AlertHandler;
  readonly match: MatchExpression | undefined;
  readonly queue: SerialQueue;
  readonly spec: HandlerSpec | undefined;
}

class Topic {
  readonly events = new Map<string, EventState>();
  collected = 0;
  readonly handlers = new Map<string, Registered>();
  readonly anonymous = new Set<Registered>();
  constructor(readonly id: string) {}

  level(): Level {
    let max: Level = OK;
    for (const e of this.events.values()) if (e.level > max) max = e.level;
    return max;
  }
}

/** Blocks events of a category while the alert that owns it is non-OK for matching tags (`.inhibit()`). */
export class Inhibitor {
  inhibited = false;
  constructor(
    readonly category: string,
    readonly tags: Tags,
  ) {}

  covers(category: string, tags: Tags): boolean {
    if (!this.inhibited || category !== this.category) return false;
    for (const k in this.tags) if (tags[k] !== this.tags[k]) return false;
    return true;
  }
}

export interface TopicStatus {
  readonly id: string;
  readonly level: Level;
  readonly collected: number;
}

const HANDLER_ID = /^[-._\p{L}0-9]+$/u;
const TOPIC_ID = /^[-:._\p{L}0-9]+$/u;

export interface AlertServiceOptions {
  readonly meta: MetaStore;
  readonly config: AlertConfig;
  readonly logger: PipelineLogger;
}

export class AlertService {
  readonly config: AlertConfig;
  readonly #topics = new Map<string, Topic>();
  readonly #inhibitors = new Set<Inhibitor>();
  readonly #specs: DocumentCollection<HandlerSpec>;
  readonly #events: DocumentCollection<StoredEvent>;
  readonly #logger: PipelineLogger;
  readonly #store = new SerialQueue();
  readonly #env: HandlerEnv;
  /** Called for every collected event (annotations); errors are logged. */
  onEvent: ((event: AlertEvent) => Promise<void>) | undefined;

  constructor(options: AlertServiceOptions) {
    this.config = options.config;
    this.#logger = options.logger;
    this.#specs = options.meta.documents<HandlerSpec>('alert-handlers');
    this.#events = options.meta.documents<StoredEvent>('alert-events');
    this.#env = { config: this.config, collect: (e) => this.collect(e) };
  }

  /** Loads handler specs and persisted event states. */
  async open(): Promise<void> {
    for (const { doc } of await this.#events.list()) {
      const time = parseNsString(doc.time);
      if (time === undefined) continue;
      this.#topic(doc.topic).events.set(doc.id, {
        id: doc.id,
        message: doc.message,
        details: doc.details,
        time,
        duration: doc.duration,
        level: levelOf(doc.level),
      });
    }
    for (const { doc } of await this.#specs.list()) {
      try {
        this.#topic(doc.topic).handlers.set(doc.id, this.#register(doc));
      } catch (err) {
        this.#logger.log('ERROR', 'failed to restore alert handler', { topic: doc.topic, handler: doc.id, error: String(err) });
      }
    }
  }

  async close(): Promise<void> {
    await this.idle();
    for (const t of this.#topics.values()) {
      for (const r of [...t.handlers.values(), ...t.anonymous]) await r.handler.close();
    }
  }

  /** Resolves when every delivery and store write queued so far has finished. */
  async idle(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      const queues: Promise<void>[] = [this.#store.idle()];
      for (const t of this.#topics.values()) for (const r of [...t.handlers.values(), ...t.anonymous]) queues.push(r.queue.idle());
      await Promise.all(queues);
    }
  }

  #topic(id: string): Topic {
    let t = this.#topics.get(id);
    if (t === undefined) {
      t = new Topic(id);
      this.#topics.set(id, t);
    }
    return t;
  }

  // ── Events ─────────────────────────────────────────────────────────────────────────────

  /** Records an event in its topic and hands it to the topic's handlers (each in order, never blocking the caller). */
  collect(input: AlertEvent): void {
    const t = this.#topic(input.topic);
    const previousLevel = t.events.get(input.state.id)?.level ?? OK;
    const event: AlertEvent = { ...input, previousLevel };
    t.events.set(event.state.id, event.state);
    t.collected++;
    if (this.config.persistTopics) this.#persist(event);
    for (const r of t.handlers.values()) this.#deliver(r, event);
    for (const r of t.anonymous) this.#deliver(r, event);
    const hook = this.onEvent;
    if (hook !== undefined) this.#store.push(() => hook(event), (err) => this.#fail('alert event hook failed', err, event));
  }

  #deliver(r: Registered, event: AlertEvent): void {
    if (event.noExternal && r.handler.kind !== 'publish' && r.handler.kind !== 'aggregate') return;
    if (r.match !== undefined) {
      try {
        if (!r.match.matches(event)) return;
      } catch (err) {
        this.#fail('failed to evaluate match expression', err, event);
        return;
      }
    }
    r.queue.push(
      () => r.handler.handle(event),
      (err) => this.#fail(`${r.handler.kind} handler failed`, err, event),
    );
  }

  #persist(event: AlertEvent): void {
    const key = `${event.topic}/${event.state.id}`;
    const s = event.state;
    if (s.level === OK) {
      this.#store.push(async () => void (await this.#events.delete(key)), (err) => this.#fail('failed to clear event state', err, event));
      return;
    }
    const doc: StoredEvent = {
      topic: event.topic,
      id: s.id,
      level: levelName(s.level),
      message: s.message,
      details: s.details,
      time: toNsString(s.time),
      duration: s.duration,
    };
    this.#store.push(() => this.#events.put(key, doc), (err) => this.#fail('failed to persist event state', err, event));
  }

  #fail(message: string, err: unknown, event?: AlertEvent): void {
    this.#logger.log('ERROR', message, {
      error: err instanceof Error ? err.message : String(err),
      ...(event ? { topic: event.topic, event: event.state.id } : {}),
    });
  }

  /** The stored state of an alert id in a topic (the alert node seeds new groups from it). */
  eventState(topic: string, id: string): EventState | undefined {
    return this.#topics.get(topic)?.events.get(id);
  }

  /** Overwrites an event's state without running handlers (keeps a task's two topics in step). */
  updateEvent(topic: string, state: EventState): void {
    this.#topic(topic).events.set(state.id, state);
  }

  // ── Topics API ─────────────────────────────────────────────────────────────────────────

  topicStates(pattern: string, minLevel: Level): TopicStatus[] {
    const glob = pattern === '' ? undefined : compilePattern(pattern);
    const out: TopicStatus[] = [];
    for (const t of this.#topics.values()) {
      if (glob !== undefined && !glob.test(t.id)) continue;
      const level = t.level();
      if (level >= minLevel) out.push({ id: t.id, level, collected: t.collected });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  topicState(id: string): TopicStatus {
    const t = this.#topics.get(id);
    if (t === undefined) throw unknownTopic(id);
    return { id, level: t.level(), collected: t.collected };
  }

  eventStates(topic: string, minLevel: Level): EventState[] {
    const t = this.#topics.get(topic);
    if (t === undefined) throw topicEventsFailed(topic);
    return [...t.events.values()].filter((e) => e.level >= minLevel).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  event(topic: string, id: string): EventState {
    const e = this.#topics.get(topic)?.events.get(id);
    if (e === undefined) throw unknownEvent(id, topic);
    return e;
  }

  /** Deletes a topic's events and counters (its handlers stay registered); 204 even when absent. */
  async deleteTopic(id: string): Promise<void> {
    const t = this.#topics.get(id);
    if (t !== undefined) {
      t.events.clear();
      t.collected = 0;
      if (t.handlers.size === 0 && t.anonymous.size === 0) this.#topics.delete(id);
    }
    await this.#store.push(
      async () => {
        for (const { id: key } of await this.#events.list({ prefix: `${id}/` })) await this.#events.delete(key);
      },
      (err) => this.#fail('failed to delete topic events', err),
    );
  }

  // ── Anonymous handlers (inline on alert nodes) ───────────────────────────────────────────

  /** Builds inline handlers for a task's anonymous topic; throws on bad options. Returns the unregister function. */
  registerAnonymous(topic: string, specs: readonly { kind: string; options: HandlerOptions }[]): () => Promise<void> {
    const regs = specs.map((s) => this.#registered(buildHandler(s.kind, s.options, this.#env), undefined, undefined));
    const t = this.#topic(topic);
    for (const r of regs) t.anonymous.add(r);
    return async () => {
      for (const r of regs) {
        t.anonymous.delete(r);
        await r.queue.idle();
        await r.handler.close();
      }
    };
  }

  /** Forgets an anonymous topic entirely (its task was deleted). */
  async dropTopic(id: string): Promise<void> {
    this.#topics.delete(id);
    await this.deleteTopic(id);
  }

  // ── Inhibitors ──────────────────────────────────────────────────────────────────────────

  addInhibitor(i: Inhibitor): void {
    this.#inhibitors.add(i);
  }

  removeInhibitor(i: Inhibitor): void {
    this.#inhibitors.delete(i);
  }

  isInhibited(category: string, tags: Tags): boolean {
    if (category === '') return false;
    for (const i of this.#inhibitors) if (i.covers(category, tags)) return true;
    return false;
  }

  // ── Topic handler specs ─────────────────────────────────────────────────────────────────

  #registered(handler: AlertHandler, match: MatchExpression | undefined, spec: HandlerSpec | undefined): Registered {
    return { handler, match, queue: new SerialQueue(), spec };
  }

  #register(spec: HandlerSpec): Registered {
    const match = spec.match === '' ? undefined : new MatchExpression(spec.match);
    return this.#registered(buildHandler(spec.kind, spec.options ?? {}, this.#env), match, spec);
  }

  listHandlers(topic: string, pattern: string): HandlerSpec[] {
    const glob = pattern === '' ? undefined : compilePattern(pattern);
    const t = this.#topics.get(topic);
    if (t === undefined) return [];
    return [...t.handlers.values()]
      .map((r) => r.spec!)
      .filter((s) => glob === undefined || glob.test(s.id))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  handler(topic: string, id: string): HandlerSpec {
    const r = this.#topics.get(topic)?.handlers.get(id);
    if (r?.spec === undefined) throw unknownHandler(id);
    return r.spec;
  }

  async createHandler(topic: string, body: unknown): Promise<HandlerSpec> {
    const spec = specFromJson(topic, body, invalidHandlerJson);
    validateSpec(spec);
    if (this.#topics.get(topic)?.handlers.has(spec.id)) throw handlerExists(spec.id, topic);
    const r = this.#build(spec, handlerCreateFailed);
    await this.#specs.put(`${topic}/${spec.id}`, spec);
    this.#topic(topic).handlers.set(spec.id, r);
    return spec;
  }

  async replaceHandler(topic: string, id: string, body: unknown): Promise<HandlerSpec> {
    const old = this.handler(topic, id);
    const spec = specFromJson(topic, body, unmarshalFailed);
    return this.#update(old, spec);
  }

  async patchHandler(topic: string, id: string, patch: unknown): Promise<HandlerSpec> {
    const old = this.handler(topic, id);
    if (!Array.isArray(patch)) throw invalidPatchJson('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    let patched: unknown;
    try {
      patched = applyJsonPatch(old, patch);
    } catch (err) {
      if (err instanceof PatchError) throw patchFailed(err.message);
      throw err;
    }
    const p = patched as Partial<HandlerSpec>;
    return this.#update(old, specFromJson(typeof p?.topic === 'string' ? p.topic : topic, patched, unmarshalFailed));
  }

  async #update(old: HandlerSpec, spec: HandlerSpec): Promise<HandlerSpec> {
    validateSpec(spec);
    if (spec.topic !== old.topic) throw handlerUpdateFailed('cannot change topic in update');
    const t = this.#topic(old.topic);
    if (spec.id !== old.id && t.handlers.has(spec.id)) throw handlerUpdateFailed(`cannot register handler, handler with ID ${JSON.stringify(spec.id)} already exists`);
    const r = this.#build(spec, handlerUpdateFailed);
    await this.#specs.put(`${spec.topic}/${spec.id}`, spec);
    if (spec.id !== old.id) await this.#specs.delete(`${old.topic}/${old.id}`);
    const previous = t.handlers.get(old.id);
    t.handlers.delete(old.id);
    t.handlers.set(spec.id, r);
    if (previous !== undefined) void previous.queue.idle().then(() => previous.handler.close());
    return spec;
  }

  #build(spec: HandlerSpec, wrap: (why: string) => Error): Registered {
    try {
      return this.#register(spec);
    } catch (err) {
      throw wrap(err instanceof Error ? err.message : String(err));
    }
  }

  async deleteHandler(topic: string, id: string): Promise<void> {
    const t = this.#topics.get(topic);
    const r = t?.handlers.get(id);
    await this.#specs.delete(`${topic}/${id}`);
    if (t === undefined || r === undefined) return;
    t.handlers.delete(id);
    await r.queue.idle();
    await r.handler.close();
  }
}

/** A Go path.Match pattern as a predicate; a malformed one is Kapacitor's `invalid pattern: ...`. */
function compilePattern(pattern: string): { test(id: string): boolean } {
  if (matchGlob(pattern, '') === 'bad') throw invalidPattern('syntax error in pattern');
  return { test: (id) => matchGlob(pattern, id) === true };
}

function specFromJson(topic: string, body: unknown, fail: (why: string) => Error): HandlerSpec {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw fail(`json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type alert.HandlerSpec`);
  }
  const b = body as Record<string, unknown>;
  const field = (k: string): string => {
    const v = b[k];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw fail(`json: cannot unmarshal ${typeof v} into Go struct field HandlerSpec.${k} of type string`);
    return v;
  };
  const options = b.options;
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw fail('json: cannot unmarshal options into Go struct field HandlerSpec.options of type map[string]interface {}');
  }
  return { id: field('id'), topic, kind: field('kind'), options: (options as HandlerOptions | undefined) ?? null, match: field('match') };
}

function validateSpec(spec: HandlerSpec): void {
  if (!TOPIC_ID.test(spec.topic)) {
    throw invalidHandlerSpec(`handler topic must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(spec.id)}`);
  }
  if (!HANDLER_ID.test(spec.id)) {
    throw invalidHandlerSpec(`handler ID must contain only letters, numbers, '-', '.' and '_'. ${JSON.stringify(spec.id)}`);
  }
  if (spec.kind === '') throw invalidHandlerSpec('handler Kind must not be empty');
}
