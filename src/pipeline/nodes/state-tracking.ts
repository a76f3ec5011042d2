// stateDuration(lambda) and stateCount(lambda): how long / how many points a condition has held, per group.

import type { Point } from '../../core/point.ts';
import { SECOND } from '../../core/time.ts';
import type { LambdaState } from '../../tick/lambda/types.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import { LambdaRunner } from '../lambda-runner.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { argLambda, propDuration, propString } from '../props.ts';

class TrackState extends GroupState {
  lambda: LambdaState | undefined;
  /** stateDuration: when the condition became true (ms, ns); stateCount: the run length. */
  active = false;
  startMs = 0;
  startNs = 0;
  count = 0;
}

export class StateTrackingNode extends StatefulNode<TrackState> {
  readonly #runner: LambdaRunner;
  readonly #as: string;
  readonly #unit: number;
  readonly #duration: boolean;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#duration = spec.kind === 'stateDuration';
    this.#runner = new LambdaRunner(argLambda(spec, 0));
    this.#as = propString(spec, 'as', this.#duration ? 'state_duration' : 'state_count');
    this.#unit = propDuration(spec, 'unit', SECOND);
  }

  protected newState(g: Group): TrackState {
    const s = new TrackState(g);
    s.lambda = this.#runner.newState();
    return s;
  }

  /** Evaluates first (an error leaves the state untouched and drops the point), then updates. */
  #value(s: TrackState, p: BatchPoint): number | bigint {
    const ok = this.#runner.bool(p, s.lambda);
    if (!ok) {
      s.active = false;
      s.count = 0;
      return this.#duration ? -1 : -1n;
    }
    if (this.#duration) {
      if (!s.active) {
        s.active = true;
        s.startMs = p.timeMs;
        s.startNs = p.timeNs;
      }
      const elapsed = (p.timeMs - s.startMs) * 1e6 + (p.timeNs - s.startNs);
      return elapsed / this.#unit;
    }
    s.active = true;
    s.count++;
    return BigInt(s.count);
  }

  protected override onPoint(p: Point, g: Group): void {
    const v = this.#value(this.states.get(g), p);
    this.emitPoint({ ...p, fields: { ...p.fields, [this.#as]: v } }, g);
  }

  /** Kapacitor tracks each batch on its own: the run starts over at every batch. */
  protected override onBatch(b: Batch): void {
    const s = this.states.get(b.group);
    s.active = false;
    s.count = 0;
    const points: BatchPoint[] = [];
    for (const p of b.points) {
      try {
        points.push({ ...p, fields: { ...p.fields, [this.#as]: this.#value(s, p) } });
      } catch (err) {
        this.fail(err);
      }
    }
    this.emitBatch({ ...b, points });
  }
}
