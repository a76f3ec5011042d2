// kapacitorLoopback(): writes points back into the engine's own stream under another db/rp/measurement.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { PointTarget } from '../outputs/point-target.ts';

/** Delivers points to every task subscribed to their db/rp (the executor provides it). */
export type LoopbackSink = (points: readonly Point[]) => void;

export class KapacitorLoopbackNode extends RunNode {
  readonly #target: PointTarget;
  pointsWritten = 0;

  constructor(
    spec: PipelineNode,
    rt: TaskRuntime,
    private readonly sink: LoopbackSink,
  ) {
    super(spec, rt);
    this.#target = new PointTarget(spec);
    if (this.#target.database === '' || this.#target.retentionPolicy === '') {
      throw invalidNode(spec.name, 'must specify a database and retention policy for kapacitorLoopback');
    }
  }

  override extraStats(): Record<string, number> {
    return { points_written: this.pointsWritten };
  }

  protected override onPoint(p: Point, _g: Group): void {
    this.pointsWritten++;
    // Delivered after the current write finishes, so a task feeding itself cannot recurse without end.
    const out = this.#target.retarget(p.name, p.tags, p);
    queueMicrotask(() => this.sink([out]));
  }

  protected override onBatch(b: Batch): void {
    const points = b.points.map((p) => this.#target.retarget(b.name, p.tags, p));
    this.pointsWritten += points.length;
    queueMicrotask(() => this.sink(points));
  }
}
