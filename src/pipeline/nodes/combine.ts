// combine(lambdas...): from the points of a group sharing a (rounded) time, emits every combination
// where the i-th point matches the i-th lambda, with fields and tags prefixed by the .as() names.

import type { Fields, Point, Tags } from '../../core/point.ts';
import { round } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { isLambda } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import { LambdaRunner } from '../lambda-runner.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { propDuration, propInt, propString, propStrings } from '../props.ts';

class CombineState extends GroupState {
  points: BatchPoint[] = [];
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
    const t = this.#time(p);
    if (s.points.length > 0 && (t.ms !== s.ms || t.ns !== s.ns)) {
      const points = s.points;
      s.points = [];
      this.#combine(points, g, p.name, s.ms, s.ns);
    }
    s.ms = t.ms;
    s.ns = t.ns;
    s.points.push(p);
  }

  /** A batch is combined on its own: runs of equal (rounded) times, the last run at the batch's end. */
  protected override onBatch(b: Batch): void {
    let run: BatchPoint[] = [];
    let ms = 0;
    let ns = 0;
    for (const p of b.points) {
      const t = this.#time(p);
      if (run.length > 0 && (t.ms !== ms || t.ns !== ns)) {
        this.#combine(run, b.group, b.name, ms, ns);
        run = [];
      }
      ms = t.ms;
      ns = t.ns;
      run.push(p);
    }
    if (run.length > 0) this.#combine(run, b.group, b.name, ms, ns);
  }

  #time(p: BatchPoint): { ms: number; ns: number } {
    return this.#tolerance > 0 ? round({ ms: p.timeMs, ns: p.timeNs }, this.#tolerance) : { ms: p.timeMs, ns: p.timeNs };
  }

  /**
   * Kapacitor's walk: every k-subset of the points in index order; within a subset the i-th lambda
   * takes the first unused point it matches, and the subset yields a point when every lambda found one.
   * More subsets than `.max()` is an error and yields nothing.
   */
  #combine(points: readonly BatchPoint[], g: Group, name: string, ms: number, ns: number): void {
    const n = points.length;
    const k = this.#runners.length;
    if (k > n) return;
    const count = choose(n, k);
    if (count > this.#max) {
      this.fail(`refusing to perform combination as total combinations ${count} exceeds max combinations ${this.#max}`);
      return;
    }
    // matches[i * n + j]: point j satisfies lambda i (evaluation errors count and leave it unmatched).
    const matches: boolean[] = new Array<boolean>(k * n).fill(false);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < k; i++) {
        try {
          matches[i * n + j] = this.#runners[i].bool(points[j]);
        } catch (err) {
          this.fail(err);
        }
      }
    }
    const indices = Array.from({ length: k }, (_, i) => i);
    const chosen: number[] = new Array<number>(k);
    const used: boolean[] = new Array<boolean>(k);
    for (;;) {
      used.fill(false);
      let valid = true;
      for (let s = 0; s < k && valid; s++) {
        let found = -1;
        for (let i = 0; i < k; i++) {
          if (!used[i] && matches[s * n + indices[i]]) {
            found = i;
            break;
          }
        }
        if (found < 0) valid = false;
        else {
          used[found] = true;
          chosen[s] = indices[found];
        }
      }
      if (valid) this.#emitSet(points, chosen, g, name, ms, ns);
      let i = k - 1;
      while (i >= 0 && indices[i] === i + n - k) i--;
      if (i < 0) return;
      indices[i]++;
      for (let j = i + 1; j < k; j++) indices[j] = indices[j - 1] + 1;
    }
  }

  /** One combined point: fields and non-group tags prefixed with the `.as()` names. */
  #emitSet(points: readonly BatchPoint[], chosen: readonly number[], g: Group, name: string, ms: number, ns: number): void {
    const fields: Fields = {};
    const tags: Tags = {};
    const dims = g.dims.tagNames;
    for (let i = 0; i < chosen.length; i++) {
      const p = points[chosen[i]];
      const prefix = this.#as[i] + this.#delimiter;
      for (const f in p.fields) fields[prefix + f] = p.fields[f];
      for (const t in p.tags) tags[dims.includes(t) ? t : prefix + t] = p.tags[t];
    }
    this.emitPoint({ name, database: '', retentionPolicy: '', tags, fields, timeMs: ms, timeNs: ns }, g);
  }
}

/** n choose k, exact for the sizes a same-time set can have. */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}
