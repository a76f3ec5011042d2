// groupBy(dims...): re-groups points; for batches, splits each batch into one batch per new group.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { type Dimensions, dimensions, type Group, StarDimensions } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { hasStar, propFlag, propStrings } from '../props.ts';

export class GroupByNode extends RunNode {
  readonly #dims: Dimensions;
  readonly #star: StarDimensions | undefined;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    const byName = propFlag(spec, 'byMeasurement');
    const exclude = propStrings(spec, 'exclude');
    if (hasStar(spec.args)) {
      this.#star = new StarDimensions(byName, exclude);
      this.#dims = dimensions([], byName);
    } else {
      this.#dims = dimensions(
        spec.args.filter((v): v is string => typeof v === 'string'),
        byName,
        exclude,
      );
    }
  }

  #group(name: string, p: BatchPoint): Group {
    return this.rt.groups.of(name, p.tags, this.#star ? this.#star.of(p.tags) : this.#dims);
  }

  protected override onPoint(p: Point): void {
    this.emitPoint(p, this.#group(p.name, p));
  }

  protected override onBatch(b: Batch): void {
    const byGroup = new Map<Group, BatchPoint[]>();
    for (const p of b.points) {
      const g = this.#group(b.name, p);
      let list = byGroup.get(g);
      if (list === undefined) byGroup.set(g, (list = []));
      list.push(p);
    }
    for (const [group, points] of byGroup) this.emitBatch({ name: b.name, group, tmaxMs: b.tmaxMs, tmaxNs: b.tmaxNs, points });
  }
}
