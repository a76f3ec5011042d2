// trickle(): turns batches back into a stream, one point per batch point.

import type { Batch } from '../messages.ts';
import { RunNode } from '../node.ts';

export class TrickleNode extends RunNode {
  protected override onBatch(b: Batch): void {
    for (const p of b.points) {
      this.emitPoint(
        { name: b.name, database: '', retentionPolicy: '', tags: p.tags, fields: p.fields, timeMs: p.timeMs, timeNs: p.timeNs },
        b.group,
      );
    }
  }
}
