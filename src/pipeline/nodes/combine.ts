// combine(lambdas...): from the points of a group sharing a (rounded) time, emits every combination
// where the i-th point matches the i-th lambda, with fields and tags prefixed by the .as() names.

import type { Fields, Point, Tags } from '../../core/point.ts';
import { round } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { isLambda } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import { LambdaRunner } from '../lambda-runner.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { propDuration, propInt, propString, propStrings } from '../props.ts';

class CombineState extends GroupState {
  points: Point[] = [];
  ms = 0;
  ns = 0;
}

export class CombineNode extends StatefulNode<CombineState> {
  readonly #runners: LambdaRunner[];
  readonly #as: string[];
  readonly #delimiter: string;
  readonly #tolerance: number;
  readonly #max: number;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#runners = spec.args.filter(isLambda).map((l) => new LambdaRunner(l));
    this.#as = propStrings(spec, 'as');
    if (this.#as.length !== this.#runners.length) throw invalidNode(spec.name, 'must provide one name per expression via the "As" property');
    this.#delimiter = propString(spec, 'delimiter', '.');
    this.#tolerance = propDuration(spec, 'tolerance');
    this.#max = propInt(spec, 'max', 1_000_000);
  }

  protected newState(g: Group): CombineState {
    return new CombineState(g);
  }

  protected override onPoint(p: Point, g: Group): void {
    const s = this.states.get(g);
    const t = this.#tolerance > 0 ? round({ ms: p.timeMs, ns: p.timeNs }, this.#tolerance) : { ms: p.timeMs, ns: p.timeNs };
    if (s.points.length > 0 && (t.ms !== s.ms || t.ns !== s.ns)) {
      const points = s.points;
      s.points = [];
      this.#combine(points, g, s.ms, s.ns);
    }
    s.ms = t.ms;
    s.ns = t.ns;
    s.points.push(p);
  }

  #combine(points: Point[], g: Group, ms: number, ns: number): void {
    const k = this.#runners.length;
    // matches[i] = the points that satisfy lambda i (evaluation errors count and exclude the point).
    const matches: number[][] = this.#runners.map((r) => {
      const idx: number[] = [];
      points.forEach((p, i) => {
        try {
          if (r.bool(p)) idx.push(i);
        } catch (err) {
          this.fail(err);
        }
      });
      return idx;
    });
    let emitted = 0;
    const chosen: number[] = [];
    const walk = (depth: number): void => {
      if (emitted >= this.#max) return;
      if (depth === k) {
        emitted++;
        const fields: Fields = {};
        const tags: Tags = { ...g.tags };
        for (let i = 0; i < k; i++) {
          const p = points[chosen[i]];
          const prefix = this.#as[i] + this.#delimiter;
          for (const f in p.fields) fields[prefix + f] = p.fields[f];
          for (const t in p.tags) if (g.tags[t] === undefined) tags[prefix + t] = p.tags[t];
        }
        this.emitPoint({ name: points[0].name, database: '', retentionPolicy: '', tags, fields, timeMs: ms, timeNs: ns }, g);
        return;
      }
      for (const i of matches[depth]) {
        // Each point appears once per combination, and equal lambdas yield each pair once (i ascending).
        if (chosen.includes(i)) continue;
        if (depth > 0 && this.#sameLambda(depth) && i < chosen[depth - 1]) continue;
        chosen.push(i);
        walk(depth + 1);
        chosen.pop();
      }
    };
    walk(0);
  }

  #sameLambda(depth: number): boolean {
    return this.#runners[depth].lambda.expression === this.#runners[depth - 1].lambda.expression;
  }
}
