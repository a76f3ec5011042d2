// noOp (and any node that only forwards): passes everything on unchanged.

import type { Point } from '../../core/point.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode } from '../node.ts';

export class NoOpNode extends RunNode {
  protected override onPoint(p: Point, g: Group): void {
    this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    this.emitBatch(b);
  }
}
