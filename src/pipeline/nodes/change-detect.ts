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

  #changed(s: PrevFields, p: BatchPoint): boolean {
    const prev = s.prev;
    s.prev = p.fields;
    if (prev === undefined) return true;
    for (const f of this.#fields) if (prev[f] !== p.fields[f]) return true;
    return false;
  }

  protected override onPoint(p: Point, g: Group): void {
    if (this.#changed(this.states.get(g), p)) this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    const s = this.states.get(b.group);
    this.emitBatch({ ...b, points: b.points.filter((p) => this.#changed(s, p)) });
  }
}
