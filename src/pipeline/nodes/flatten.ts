// flatten(): merges a group's points that share a (rounded) time into one point whose fields are
// prefixed with the values of the .on() tags.

import type { Fields, Point } from '../../core/point.ts';
import { round } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { propDuration, propString, propStrings } from '../props.ts';

class FlattenState extends GroupState {
  points: Point[] = [];
  ms = 0;
  ns = 0;
}

export class FlattenNode extends StatefulNode<FlattenState> {
  readonly #on: string[];
  readonly #delimiter: string;
  readonly #tolerance: number;
  readonly #dropName: boolean;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#on = propStrings(spec, 'on');
    this.#delimiter = propString(spec, 'delimiter', '.');
    this.#tolerance = propDuration(spec, 'tolerance');
    const drop = spec.props['dropOriginalFieldName'];
    this.#dropName = drop === true || (Array.isArray(drop) && drop[0] === true);
  }

  protected newState(g: Group): FlattenState {
    return new FlattenState(g);
  }

  #time(ms: number, ns: number): { ms: number; ns: number } {
    return this.#tolerance > 0 ? round({ ms, ns }, this.#tolerance) : { ms, ns };
  }

  /** Kapacitor's rules: a point missing an `.on()` tag is left out (an error); no prefix, no leading delimiter. */
  #flatten(points: readonly BatchPoint[]): Fields {
    const fields: Fields = {};
    const d = this.#delimiter;
    for (const p of points) {
      let prefix = '';
      let missing: string | undefined;
      for (let i = 0; i < this.#on.length && missing === undefined; i++) {
        const v = p.tags[this.#on[i]];
        if (v === undefined) missing = this.#on[i];
        else prefix = i === 0 ? v : prefix + d + v;
      }
      if (missing !== undefined) {
        this.fail(`point missing tag "${missing}" for flatten operation`);
        continue;
      }
      for (const k in p.fields) {
        const name = this.#dropName ? prefix : prefix === '' ? k : prefix + d + k;
        fields[name] = p.fields[k];
      }
    }
    return fields;
  }

  protected override onPoint(p: Point, g: Group): void {
    const s = this.states.get(g);
    const t = this.#time(p.timeMs, p.timeNs);
    if (s.points.length > 0 && (t.ms !== s.ms || t.ns !== s.ns)) this.#emitBuffered(s);
    s.ms = t.ms;
    s.ns = t.ns;
    s.points.push(p);
  }

  /** A barrier past the buffered time completes it, as a later point would. */
  protected override onBarrier(g: Group, timeMs: number, timeNs: number, _parent: number): void {
    const s = this.states.peek(g.id);
    if (s !== undefined && s.points.length > 0 && (timeMs > s.ms || (timeMs === s.ms && timeNs > s.ns))) this.#emitBuffered(s);
    this.emitBarrier(g, timeMs, timeNs);
  }

  #emitBuffered(s: FlattenState): void {
    const points = s.points;
    s.points = [];
    const g = s.group;
    this.emitPoint(
      { name: points[0].name, database: '', retentionPolicy: '', tags: g.tags, fields: this.#flatten(points), timeMs: s.ms, timeNs: s.ns },
      g,
    );
  }

  protected override onBatch(b: Batch): void {
    const byTime = new Map<string, BatchPoint[]>();
    for (const p of b.points) {
      const t = this.#time(p.timeMs, p.timeNs);
      const key = `${t.ms}.${t.ns}`;
      let list = byTime.get(key);
      if (list === undefined) byTime.set(key, (list = []));
      list.push({ ...p, timeMs: t.ms, timeNs: t.ns });
    }
    const points: BatchPoint[] = [];
    for (const list of byTime.values()) {
      points.push({ tags: b.group.tags, fields: this.#flatten(list), timeMs: list[0].timeMs, timeNs: list[0].timeNs });
    }
    this.emitBatch({ ...b, points });
  }
}
