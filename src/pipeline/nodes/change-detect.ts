// changeDetect(fields...): passes a point only when one of the fields differs from the group's previous point.

import type { Fields, Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';

class PrevFields extends GroupState {
  prev: Fields | undefined;
}

export class ChangeDetectNode extends StatefulNode<PrevFields> {
  readonly #fields: string[];

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#fields = spec.args.filter((v): v is string => typeof v === 'string');
  }

  protected newState(g: Group): PrevFields {
    return new PrevFields(g);
  }

  /** Kapacitor's check: a listed field missing from the point is an error and does not count as a change. */
  #changed(s: PrevFields, p: BatchPoint): boolean {
    const prev = s.prev;
    let changed = false;
    for (const f of this.#fields) {
      const v = p.fields[f];
      if (v === undefined) {
        this.fail(`Invalid field in change detect: expected field ${f} not found`);
        continue;
      }
      if (prev === undefined || prev[f] !== v) changed = true;
    }
    if (changed) s.prev = p.fields;
    return changed;
  }

  protected override onPoint(p: Point, g: Group): void {
    if (this.#changed(this.states.get(g), p)) this.emitPoint(p, g);
  }

  /** Each batch is compared within itself: its first point always counts as a change. */
  protected override onBatch(b: Batch): void {
    const s = new PrevFields(b.group);
    this.emitBatch({ ...b, points: b.points.filter((p) => this.#changed(s, p)) });
  }
}
