// sample(n | d): keeps every n-th point of a group, or the points that fall on a multiple of d.

import type { Point } from '../../core/point.ts';
import { truncate } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { isDuration } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';

class Counter extends GroupState {
  count = 0;
}

export class SampleNode extends StatefulNode<Counter> {
  readonly #n: number;
  readonly #d: number;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    const a = spec.args[0];
    this.#n = typeof a === 'bigint' ? Number(a) : typeof a === 'number' ? a : 0;
    this.#d = isDuration(a) ? a.ns : 0;
    if (this.#n <= 0 && this.#d <= 0) throw invalidNode(spec.name, 'sample needs a positive count or duration');
  }

  protected newState(g: Group): Counter {
    return new Counter(g);
  }

  #keep(g: Group, timeMs: number, timeNs: number): boolean {
    if (this.#d > 0) {
      const t = truncate({ ms: timeMs, ns: timeNs }, this.#d);
      return t.ms === timeMs && t.ns === timeNs;
    }
    const s = this.states.get(g);
    return s.count++ % this.#n === 0;
  }

  protected override onPoint(p: Point, g: Group): void {
    if (this.#keep(g, p.timeMs, p.timeNs)) this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    if (this.#keep(b.group, b.tmaxMs, b.tmaxNs)) this.emitBatch(b);
  }
}
