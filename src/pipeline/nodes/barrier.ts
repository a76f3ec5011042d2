// barrier(): emits wall-clock barriers per group (after .idle() without data, or every .period()) so
// windows and joins flush without new data; .delete() then drops the group downstream.

import type { Point } from '../../core/point.ts';
import { addDuration, type Instant } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { propDuration } from '../props.ts';

class BarrierState extends GroupState {
  /** Data time of the last message and the wall time it arrived. */
  lastMs = 0;
  lastNs = 0;
  lastWallMs = 0;
  /** Time of the last barrier: older data is dropped. */
  barrierMs = Number.NEGATIVE_INFINITY;
  barrierNs = 0;
  nextPeriodMs = 0;
}

export class BarrierNode extends StatefulNode<BarrierState> {
  readonly #idle: number;
  readonly #period: number;
  readonly #delete: boolean;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#idle = propDuration(spec, 'idle');
    this.#period = propDuration(spec, 'period');
    this.#delete = spec.props['delete'] === true;
    if ((this.#idle > 0) === (this.#period > 0)) throw invalidNode(spec.name, 'exactly one of idle or period must be set');
  }

  protected newState(g: Group): BarrierState {
    const s = new BarrierState(g);
    s.nextPeriodMs = this.rt.nowMs + this.#period / 1e6;
    return s;
  }

  #accept(g: Group, timeMs: number, timeNs: number): boolean {
    const s = this.states.get(g);
    if (timeMs < s.barrierMs || (timeMs === s.barrierMs && timeNs < s.barrierNs)) return false;
    s.lastMs = timeMs;
    s.lastNs = timeNs;
    s.lastWallMs = this.rt.nowMs;
    return true;
  }

  protected override onPoint(p: Point, g: Group): void {
    if (this.#accept(g, p.timeMs, p.timeNs)) this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    if (this.#accept(b.group, b.tmaxMs, b.tmaxNs)) this.emitBatch(b);
  }

  /** Checks every group against the wall clock. */
  fire(now: Instant): void {
    const due: [BarrierState, Instant][] = [];
    for (const s of this.states.values()) {
      if (this.#idle > 0) {
        // Like Kapacitor, an idle group gets a barrier every idle period, each one idle later in data time.
        if (now.ms - s.lastWallMs >= this.#idle / 1e6) {
          const t = addDuration({ ms: s.lastMs, ns: s.lastNs }, this.#idle);
          due.push([s, t]);
          s.lastMs = t.ms;
          s.lastNs = t.ns;
          s.lastWallMs = now.ms;
        }
      } else if (now.ms >= s.nextPeriodMs) {
        s.nextPeriodMs = now.ms + this.#period / 1e6;
        due.push([s, now]);
      }
    }
    for (const [s, t] of due) {
      s.barrierMs = t.ms;
      s.barrierNs = t.ns;
      this.emitBarrier(s.group, t.ms, t.ns);
      if (this.#delete) {
        this.states.delete(s.group.id);
        this.emitDelete(s.group);
      }
    }
  }
}
