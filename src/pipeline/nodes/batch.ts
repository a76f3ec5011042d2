// The batch root (`batch0`): the source of a batch task. Each query node below it runs on its own
// schedule; the batches it gets back travel the batch0 → query edge, as in Kapacitor's DOT counts.

import type { Batch } from '../messages.ts';
import { type Edge, RunNode } from '../node.ts';
import { QueryNode } from './query.ts';

export class BatchNode extends RunNode {
  /** Batches delivered, for the task's `batches/s` throughput. */
  received = 0;

  override link(child: RunNode, parentIndex: number): Edge {
    if (child instanceof QueryNode) child.attach(this);
    return super.link(child, parentIndex);
  }

  /** Hands one queried batch to `query` over this root's edge to it. */
  deliver(query: RunNode, b: Batch): void {
    const edge = this.outs.find((e) => e.child === query);
    if (edge === undefined) return;
    this.collected++;
    this.received++;
    edge.collected++;
    query.receiveBatch(b, edge.parentIndex);
  }
}
