// stats(interval): a second source that emits, every wall-clock interval, each group's emitted count of the observed node.

import type { Instant } from '../../core/time.ts';
import { round } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { argDuration, propFlag } from '../props.ts';

export class StatsNode extends RunNode {
  readonly #intervalMs: number;
  readonly #interval: number;
  readonly #align: boolean;
  #nextMs = 0;

  constructor(
    spec: PipelineNode,
    rt: TaskRuntime,
    private readonly observed: RunNode,
  ) {
    super(spec, rt);
    this.#interval = argDuration(spec, 0);
    if (this.#interval <= 0) throw invalidNode(spec.name, 'stats interval should be positive but was not');
    this.#intervalMs = this.#interval / 1e6;
    this.#align = propFlag(spec, 'align');
    observed.groupEmitted ??= new Map();
  }

  /** Called by the task ticker with the wall clock. */
  fire(now: Instant): void {
    if (this.#nextMs === 0) {
      this.#nextMs = this.#align ? Math.ceil(now.ms / this.#intervalMs) * this.#intervalMs : now.ms + this.#intervalMs;
      return;
    }
    if (now.ms < this.#nextMs) return;
    this.#nextMs += Math.max(1, Math.ceil((now.ms - this.#nextMs + 1) / this.#intervalMs)) * this.#intervalMs;
    const t = this.#align ? round(now, this.#interval) : now;
    for (const { group, count } of this.observed.groupEmitted!.values()) {
      this.collected++;
      this.emitPoint(
        {
          name: 'stats',
          database: '',
          retentionPolicy: '',
          tags: group.tags,
          fields: { emitted: BigInt(count) },
          timeMs: t.ms,
          timeNs: t.ns,
        },
        group,
      );
    }
  }
}
