// where(lambda): keeps the points (or batch points) for which the lambda is true.

import type { Point } from '../../core/point.ts';
import type { LambdaState } from '../../tick/lambda/types.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import { LambdaRunner } from '../lambda-runner.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { argLambda } from '../props.ts';

class WhereState extends GroupState {
  constructor(
    group: Group,
    readonly lambda: LambdaState | undefined,
  ) {
    super(group);
  }
}

export class WhereNode extends StatefulNode<WhereState> {
  readonly #runner: LambdaRunner;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#runner = new LambdaRunner(argLambda(spec, 0));
  }

  protected newState(g: Group): WhereState {
    return new WhereState(g, this.#runner.newState());
  }

  /** Stateless lambdas keep no per-group state at all. */
  #state(g: Group): LambdaState | undefined {
    return this.#runner.stateful ? this.states.get(g).lambda : undefined;
  }

  protected override onPoint(p: Point, g: Group): void {
    if (this.#runner.bool(p, this.#state(g))) this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    const state = this.#state(b.group);
    const kept: BatchPoint[] = [];
    for (const p of b.points) {
      try {
        if (this.#runner.bool(p, state)) kept.push(p);
      } catch (err) {
        this.fail(err);
      }
    }
    this.emitBatch({ ...b, points: kept });
  }
}
