// alert(): per-group levels from info/warn/crit lambdas, events to topics and handlers, augmented points downstream.

import type { Fields, Point, Tags } from '../../core/point.ts';
import { type AlertBehaviour, AlertState, EMIT, SKIP } from '../../alert/alert-state.ts';
import { type AlertService, Inhibitor } from '../../alert/alert-service.ts';
import type { AlertEvent, EventState } from '../../alert/event.ts';
import { inlineHandlerSpec } from '../../alert/handlers/kinds.ts';
import { CRITICAL, INFO, type Level, levelName, OK, WARNING } from '../../alert/level.ts';
import { LevelRules, type Predicate } from '../../alert/level-rules.ts';
import { AlertTemplates, type ServerInfo } from '../../alert/templates.ts';
import type { LambdaState } from '../../tick/lambda/types.ts';
import { type CompiledLambda, isLambda, type PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import { LambdaRunner } from '../lambda-runner.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import type { NodeFactory } from '../node-registry.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { propCalls, propDuration, propFlag, propInt, propString } from '../props.ts';
import { batchRow, pointRow, type ResultRow } from '../result-row.ts';

/** What the alert node needs from the composition root. */
export interface AlertNodeDeps {
  readonly service: AlertService;
  readonly server: ServerInfo;
  /** Kapacitor's task master id, the first part of anonymous topic names (`main`). */
  readonly taskMaster?: string;
  /** Non-OK groups without data for this long (wall ms) are cleared with an OK event; 0 = never. */
  readonly groupTtlMs?: number;
  /** Also writes each event somewhere else (annotations on the series); errors are the callee's. */
  readonly annotate?: (event: AlertEvent, database: string) => void;
}

/** Registers the `alert` node kind on an engine's registry. */
export function alertNodeFactory(deps: AlertNodeDeps): NodeFactory {
  return (spec, rt) => new AlertNode(spec, rt, deps);
}

/** What the node remembers of a group's last data, for TTL recoveries. */
interface LastData {
  name: string;
  tags: Tags;
  fields: Fields;
  database: string;
  /** The point or batch itself; its result row is only built if the TTL fires. */
  data: Point | Batch;
}

class AlertGroupState extends GroupState {
  alert!: AlertState;
  lambdas: (LambdaState | undefined)[] = [];
  inhibitors: Inhibitor[] = [];
  last: LastData | undefined;
}

const LEVEL_PROPS: readonly [Level, string, string][] = [
  [INFO, 'info', 'infoReset'],
  [WARNING, 'warn', 'warnReset'],
  [CRITICAL, 'crit', 'critReset'],
];

export class AlertNode extends StatefulNode<AlertGroupState> {
  readonly #deps: AlertNodeDeps;
  readonly #behaviour: AlertBehaviour;
  readonly #templates: AlertTemplates;
  readonly #rules: LevelRules<BatchPoint>;
  /** Runners indexed by slot: levels at 0..3, resets at 4..7. */
  readonly #runners: (LambdaRunner | undefined)[] = [];
  /** The group whose lambdas the rules evaluate right now. */
  #current: AlertGroupState | undefined;
  readonly #all: boolean;
  readonly #topic: string;
  readonly #anonTopic: string;
  readonly #category: string;
  readonly #inhibits: { category: string; tags: string[] }[];
  readonly #aug: { levelTag: string; idTag: string; levelField: string; idField: string; messageField: string; durationField: string };
  readonly #augmenting: boolean;
  readonly #unregister: (() => Promise<void>) | undefined;
  readonly #counts = { alerts_triggered: 0, alerts_inhibited: 0, oks_triggered: 0, infos_triggered: 0, warns_triggered: 0, crits_triggered: 0 };

  constructor(spec: PipelineNode, rt: TaskRuntime, deps: AlertNodeDeps) {
    super(spec, rt);
    this.#deps = deps;
    const flapping = propFlag(spec, 'flapping')
      ? { low: Number(spec.props.flapLow ?? 0), high: Number(spec.props.flapHigh ?? 0) }
      : undefined;
    this.#behaviour = {
      history: Math.max(2, propInt(spec, 'history', 21)),
      stateChangesOnly: propFlag(spec, 'stateChangesOnly'),
      stateChangesOnlyNs: propDuration(spec, 'stateChangesOnlyDuration'),
      noRecoveries: propFlag(spec, 'noRecoveries'),
      flapping,
    };
    this.#all = propFlag(spec, 'all');
    this.#templates = new AlertTemplates(
      propString(spec, 'id', '{{ .Name }}:{{ .Group }}'),
      propString(spec, 'message', '{{ .ID }} is {{ .Level }}'),
      propString(spec, 'details', '{{ json . }}'),
      deps.server,
    );
    const levels: (Predicate<BatchPoint> | undefined)[] = [undefined, undefined, undefined, undefined];
    const resets: (Predicate<BatchPoint> | undefined)[] = [undefined, undefined, undefined, undefined];
    for (const [level, key, resetKey] of LEVEL_PROPS) {
      levels[level] = this.#predicate(spec.props[key], level);
      resets[level] = this.#predicate(spec.props[resetKey], level + 4);
    }
    this.#rules = new LevelRules(levels, resets, (err, level, reset) =>
      this.fail(err, { level: levelName(level), ...(reset ? { reset: true } : {}) }),
    );
    this.#topic = propString(spec, 'topic');
    this.#category = propString(spec, 'category');
    this.#inhibits = propCalls(spec, 'inhibit').map(([category, ...tags]) => ({ category: String(category), tags: tags.map(String) }));
    this.#aug = {
      levelTag: propString(spec, 'levelTag'),
      idTag: propString(spec, 'idTag'),
      levelField: propString(spec, 'levelField'),
      idField: propString(spec, 'idField'),
      messageField: propString(spec, 'messageField'),
      durationField: propString(spec, 'durationField'),
    };
    this.#augmenting = Object.values(this.#aug).some((v) => v !== '');
    this.#anonTopic = `${deps.taskMaster ?? 'main'}:${rt.taskId}:${spec.name}`;
    this.#unregister =
      spec.handlers.length > 0 ? deps.service.registerAnonymous(this.#anonTopic, spec.handlers.map(inlineHandlerSpec)) : undefined;
  }

  #predicate(v: unknown, slot: number): Predicate<BatchPoint> | undefined {
    if (!isLambda(v as never)) return undefined;
    const runner = new LambdaRunner(v as CompiledLambda);
    this.#runners[slot] = runner;
    // A stateless lambda has no per-group state to look up (one memory load less per point).
    if (!runner.stateful) return (p) => runner.bool(p);
    return (p) => runner.bool(p, this.#current?.lambdas[slot]);
  }

  override extraStats(): Record<string, number> {
    return { ...this.#counts };
  }

  protected newState(g: Group): AlertGroupState {
    const s = new AlertGroupState(g);
    s.alert = new AlertState(this.#behaviour);
    s.lambdas = this.#runners.map((r) => r?.newState());
    s.inhibitors = this.#inhibits.map(({ category, tags }) => {
      const equal: Tags = {};
      for (const t of tags) equal[t] = g.tags[t] ?? '';
      const i = new Inhibitor(category, equal);
      this.#deps.service.addInhibitor(i);
      return i;
    });
    return s;
  }

  /** A new group: seed its state from the event its alert id left in the topics (restart, redefinition). */
  #state(g: Group, name: string, tags: Tags, tMs: number, tNs: number): AlertGroupState {
    const known = this.states.peek(g);
    if (known !== undefined) {
      known.seen = this.rt.nowMs;
      return known;
    }
    const s = this.states.get(g);
    const id = this.#templates.renderId({ name, taskName: this.rt.taskId, group: g.id === '' ? 'nil' : g.id, tags });
    const stored = this.#restore(id);
    if (stored !== undefined && stored.level !== OK) {
      s.alert.restore(tMs, tNs, stored.level, stored.time.ms, stored.time.ns, stored.duration);
    }
    return s;
  }

  #restore(id: string): EventState | undefined {
    const svc = this.#deps.service;
    const anon = this.#unregister !== undefined ? svc.eventState(this.#anonTopic, id) : undefined;
    const named = this.#topic !== '' ? svc.eventState(this.#topic, id) : undefined;
    // The anonymous topic wins; the other topic is brought in step, as Kapacitor does.
    if (anon !== undefined && this.#topic !== '' && named?.level !== anon.level) svc.updateEvent(this.#topic, anon);
    else if (named !== undefined && anon === undefined && this.#unregister !== undefined) svc.updateEvent(this.#anonTopic, named);
    return anon ?? named;
  }

  protected override onPoint(p: Point, g: Group): void {
    const s = this.#state(g, p.name, p.tags, p.timeMs, p.timeNs);
    this.#current = s;
    const level = this.#rules.determine(p, s.alert.level);
    const decision = s.alert.observe(p.timeMs, p.timeNs, level);
    if (decision !== SKIP) this.#setInhibitors(s, level);
    if (this.#deps.groupTtlMs) s.last = { name: p.name, tags: p.tags, fields: p.fields, database: p.database, data: p };
    if (decision !== EMIT) return;
    const state = this.#event(s, g, p.name, p.tags, p.fields, level, p.timeMs, p.timeNs, [pointRow(p.name, p)], p.database);
    if (state === undefined) return;
    if (!this.#augmenting) {
      this.emitPoint(p, g);
      return;
    }
    this.emitPoint({ ...p, tags: this.#augTags(p.tags, state), fields: this.#augFields(p.fields, state) }, g);
  }

  protected override onBatch(b: Batch): void {
    if (b.points.length === 0) return;
    const first = b.points[0];
    const s = this.#state(b.group, b.name, b.group.tags, b.tmaxMs, b.tmaxNs);
    this.#current = s;
    const current = s.alert.level;
    let lowest: Level = CRITICAL;
    let highest: Level = OK;
    let top: BatchPoint = first;
    let topSet = false;
    for (const p of b.points) {
      const l = this.#rules.determine(p, current);
      if (l < lowest) lowest = l;
      if (l > highest || !topSet) {
        highest = l;
        top = p;
        topSet = true;
      }
    }
    const level = this.#all ? lowest : highest;
    const atBatchTime = this.#all || level === OK;
    const tMs = atBatchTime ? b.tmaxMs : top.timeMs;
    const tNs = atBatchTime ? b.tmaxNs : top.timeNs;
    const decision = s.alert.observeBatch(tMs, tNs, level);
    if (decision !== SKIP) this.#setInhibitors(s, level);
    if (this.#deps.groupTtlMs) s.last = { name: b.name, tags: b.group.tags, fields: top.fields, database: '', data: b };
    if (decision !== EMIT) return;
    const state = this.#event(s, b.group, b.name, b.group.tags, top.fields, level, tMs, tNs, [batchRow(b)], '');
    if (state === undefined) return;
    if (!this.#augmenting) {
      this.emitBatch(b);
      return;
    }
    // The batch's own tags get levelTag/idTag too (same group id, so downstream state is unchanged).
    const groupTags = this.#augTags(b.group.tags, state);
    this.emitBatch({
      ...b,
      group: groupTags === b.group.tags ? b.group : b.group.withTags(groupTags),
      points: b.points.map((p) => ({ ...p, tags: this.#augTags(p.tags, state), fields: this.#augFields(p.fields, state) })),
    });
  }

  #setInhibitors(s: AlertGroupState, level: Level): void {
    for (const i of s.inhibitors) i.inhibited = level !== OK;
  }

  /** Renders and publishes one event; undefined when a template failed (counted as an error). */
  #event(
    s: AlertGroupState,
    g: Group,
    name: string,
    tags: Tags,
    fields: Fields,
    level: Level,
    tMs: number,
    tNs: number,
    series: ResultRow[],
    database: string,
  ): EventState | undefined {
    const group = g.id === '' ? 'nil' : g.id;
    const duration = s.alert.duration();
    let state: EventState;
    try {
      const id = this.#templates.renderId({ name, taskName: this.rt.taskId, group, tags });
      const time = { ms: tMs, ns: tNs };
      const { message, details } = this.#templates.renderMessageAndDetails({
        name,
        taskName: this.rt.taskId,
        group,
        tags,
        id,
        fields,
        level: levelName(level),
        time,
        durationNs: duration,
      });
      state = { id, message, details, time, duration, level };
    } catch (err) {
      this.fail(err);
      return undefined;
    }
    const event: AlertEvent = {
      topic: this.#anonTopic,
      state,
      data: {
        name,
        taskName: this.rt.taskId,
        category: this.#category,
        group,
        tags,
        fields,
        recoverable: !this.#behaviour.noRecoveries,
        series,
      },
      previousLevel: OK,
    };
    this.#publish(event, database);
    return state;
  }

  #publish(event: AlertEvent, database: string): void {
    const svc = this.#deps.service;
    if (svc.isInhibited(event.data.category, event.data.tags)) {
      this.#counts.alerts_inhibited++;
      return;
    }
    this.#counts.alerts_triggered++;
    switch (event.state.level) {
      case OK:
        this.#counts.oks_triggered++;
        break;
      case INFO:
        this.#counts.infos_triggered++;
        break;
      case WARNING:
        this.#counts.warns_triggered++;
        break;
      default:
        this.#counts.crits_triggered++;
    }
    if (this.#unregister !== undefined) svc.collect(event);
    if (this.#topic !== '') svc.collect({ ...event, topic: this.#topic });
    this.#deps.annotate?.(event, database);
  }

  #augTags(tags: Tags, e: EventState): Tags {
    const { levelTag, idTag } = this.#aug;
    if (levelTag === '' && idTag === '') return tags;
    const out = { ...tags };
    if (levelTag !== '') out[levelTag] = levelName(e.level);
    if (idTag !== '') out[idTag] = e.id;
    return out;
  }

  #augFields(fields: Fields, e: EventState): Fields {
    const { levelField, idField, messageField, durationField } = this.#aug;
    if (levelField === '' && idField === '' && messageField === '' && durationField === '') return fields;
    const out = { ...fields };
    if (levelField !== '') out[levelField] = levelName(e.level);
    if (messageField !== '') out[messageField] = e.message;
    if (idField !== '') out[idField] = e.id;
    if (durationField !== '') out[durationField] = BigInt(Math.round(e.duration));
    return out;
  }

  /**
   * Alert TTL: a group that is not OK and has had no data for `groupTtlMs` of wall time is
   * recovered with an OK event carrying its last data (Kapacitor would keep it firing forever).
   */
  override tick(nowMs: number): void {
    const ttl = this.#deps.groupTtlMs ?? 0;
    if (ttl <= 0) return;
    for (const s of [...this.states.values()]) {
      if (nowMs - s.seen < ttl || s.alert.level === OK || s.last === undefined) continue;
      const last = s.last;
      const decision = s.alert.observe(nowMs, 0, OK);
      this.#setInhibitors(s, OK);
      const row = 'points' in last.data ? batchRow(last.data) : pointRow(last.name, last.data);
      if (decision === EMIT) this.#event(s, s.group, last.name, last.tags, last.fields, OK, nowMs, 0, [row], last.database);
      this.states.delete(s.group.id);
      this.dropped(s);
    }
  }

  protected override dropped(s: AlertGroupState): void {
    for (const i of s.inhibitors) this.#deps.service.removeInhibitor(i);
  }

  override stop(): void {
    for (const s of this.states.values()) this.dropped(s);
    super.stop();
    void this.#unregister?.();
  }
}
