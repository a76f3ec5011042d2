// The stream root: receives every write routed to the task and hands each line to the from nodes.

import type { Point } from '../../core/point.ts';
import type { PointBatch } from '../../lineproto/point-batch.ts';
import type { Group } from '../group.ts';
import { RunNode } from '../node.ts';
import { FromNode } from './from.ts';

export class StreamNode extends RunNode {
  /** Points received, for the task's throughput figure. */
  received = 0;

  /**
   * Delivers every line of a write, point by point to every child in turn (so several from nodes
   * see the points interleaved as written); lines are decoded only for from nodes whose filters match.
   */
  ingest(batch: PointBatch): void {
    const outs = this.outs;
    const n = batch.length;
    this.collected += n;
    this.received += n;
    for (let e = 0; e < outs.length; e++) outs[e].collected += n;
    if (outs.length === 1 && outs[0].child instanceof FromNode) {
      const from = outs[0].child;
      try {
        for (let i = 0; i < n; i++) from.receiveLine(batch, i);
      } finally {
        from.endWrite();
      }
      return;
    }
    batch.sharePoints();
    try {
      for (let i = 0; i < n; i++) {
        for (let e = 0; e < outs.length; e++) {
          const child = outs[e].child;
          if (child instanceof FromNode) child.receiveLine(batch, i);
          else child.receivePoint(batch.point(i), this.rt.groups.root, outs[e].parentIndex);
        }
      }
    } finally {
      for (let e = 0; e < outs.length; e++) {
        const child = outs[e].child;
        if (child instanceof FromNode) child.endWrite();
      }
    }
  }

  /** Delivers one point (kapacitorLoopback, tests). */
  ingestPoint(p: Point): void {
    this.collected++;
    this.received++;
    this.emitPoint(p, this.rt.groups.root);
  }

  protected override onPoint(p: Point, g: Group): void {
    this.emitPoint(p, g);
  }
}
