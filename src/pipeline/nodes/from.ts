// from(): filters the stream by database, retention policy, measurement and where; sets the groups; truncates/rounds time.

import type { Point } from '../../core/point.ts';
import { instant, round, truncate } from '../../core/time.ts';
import type { PointBatch } from '../../lineproto/point-batch.ts';
import type { LambdaState } from '../../tick/lambda/types.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { fieldsReadFrom } from '../field-needs.ts';
import { type Dimensions, dimensions, type Group, StarDimensions } from '../group.ts';
import { LambdaRunner } from '../lambda-runner.ts';
import { linePoint, type WriteSettler } from '../line-point.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { flatten, hasStar, propDuration, propFlag, propLambdas, propString } from '../props.ts';
import { HttpOutNode } from './http-out.ts';

export class FromNode extends RunNode {
  readonly #database: string;
  readonly #rp: string;
  readonly #measurement: string;
  readonly #where: LambdaRunner[];
  readonly #whereStates: (LambdaState | undefined)[];
  readonly #dims: Dimensions;
  readonly #star: StarDimensions | undefined;
  readonly #truncate: number;
  readonly #round: number;
  /** The only fields the task can read from this node's points, or undefined for all of them. */
  readonly #only: ReadonlySet<string> | undefined;
  /** Spec ids of the httpOut leaves that read the latest point of each group whole after a write (see `fieldsReadFrom`). */
  readonly #latestOnly: ReadonlySet<number>;
  /** Those leaves, found below this node on the first write. */
  #settlers: WriteSettler[] | undefined;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#database = propString(spec, 'database');
    this.#rp = propString(spec, 'retentionPolicy');
    this.#measurement = propString(spec, 'measurement');
    this.#where = propLambdas(spec, 'where').map((l) => new LambdaRunner(l));
    // from's where runs before grouping, so a stateful where keeps one state for the whole stream.
    this.#whereStates = this.#where.map((w) => w.newState());
    const byName = propFlag(spec, 'groupByMeasurement');
    const groupBy = spec.props['groupBy'] === undefined ? [] : flatten(spec.props['groupBy']);
    if (hasStar(groupBy)) {
      this.#star = new StarDimensions(byName, []);
      this.#dims = dimensions([], byName);
    } else {
      this.#dims = dimensions(groupBy.filter((v): v is string => typeof v === 'string'), byName);
    }
    this.#truncate = propDuration(spec, 'truncate');
    this.#round = propDuration(spec, 'round');
    const { needs, latestOnly } = fieldsReadFrom(spec);
    this.#only = needs === 'all' ? undefined : needs;
    this.#latestOnly = new Set(latestOnly.map((n) => n.id));
  }

  /** One line of a write: cheap dbrp and measurement checks before the line is decoded. */
  receiveLine(batch: PointBatch, i: number): void {
    if (
      (this.#database !== '' && batch.database !== this.#database) ||
      (this.#rp !== '' && batch.retentionPolicy !== this.#rp) ||
      (this.#measurement !== '' && batch.measurement(i) !== this.#measurement)
    ) {
      this.collected++;
      return;
    }
    // With leaves that read points whole later, the points carry their line instead of every field.
    const p = this.#latestOnly.size > 0 ? linePoint(batch, i, this.#only!) : batch.point(i, this.#only);
    this.receivePoint(p, this.rt.groups.root, 0);
  }

  /** The write whose lines `receiveLine` got is delivered: what was kept of it is read now, while it can be. */
  endWrite(): void {
    if (this.#latestOnly.size === 0) return;
    for (const settler of (this.#settlers ??= this.#findSettlers())) settler.settleWrite();
  }

  #findSettlers(): WriteSettler[] {
    const found = new Set<WriteSettler>();
    const visit = (node: RunNode): void => {
      for (const { child } of node.outs) {
        if (child instanceof HttpOutNode && this.#latestOnly.has(child.spec.id)) found.add(child);
        visit(child);
      }
    };
    visit(this);
    return [...found];
  }

  protected override onPoint(p: Point): void {
    if (this.#database !== '' && p.database !== this.#database) return;
    if (this.#rp !== '' && p.retentionPolicy !== this.#rp) return;
    if (this.#measurement !== '' && p.name !== this.#measurement) return;
    for (let i = 0; i < this.#where.length; i++) {
      if (!this.#where[i].bool(p, this.#whereStates[i])) return;
    }
    let out = p;
    if (this.#truncate > 0 || this.#round > 0) {
      const t = instant(p.timeMs, p.timeNs);
      const moved = this.#truncate > 0 ? truncate(t, this.#truncate) : round(t, this.#round);
      if (moved.ms !== p.timeMs || moved.ns !== p.timeNs) out = { ...p, timeMs: moved.ms, timeNs: moved.ns };
    }
    const dims = this.#star ? this.#star.of(p.tags) : this.#dims;
    const g: Group = this.rt.groups.of(p.name, p.tags, dims);
    this.emitPoint(out, g);
  }
}
