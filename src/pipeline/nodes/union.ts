// union(others...): merges its parents into one stream, optionally renaming the measurement.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { propString } from '../props.ts';

/**
 * The engine delivers messages synchronously in arrival order, so every parent's message is
 * already in the order the write carried it; union forwards at once instead of buffering behind
 * per-parent low-water marks.
 */
export class UnionNode extends RunNode {
  readonly #rename: string;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#rename = propString(spec, 'rename');
  }

  protected override onPoint(p: Point, g: Group): void {
    this.emitPoint(this.#rename === '' ? p : { ...p, name: this.#rename }, g);
  }

  protected override onBatch(b: Batch): void {
    this.emitBatch(this.#rename === '' ? b : { ...b, name: this.#rename });
  }
}
