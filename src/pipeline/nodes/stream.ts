// The stream root: receives every write routed to the task and hands each line to the from nodes.

import type { Point } from '../../core/point.ts';
import type { PointBatch } from '../../lineproto/point-batch.ts';
import type { Group } from '../group.ts';
import { RunNode } from '../node.ts';
import { FromNode } from './from.ts';

export class StreamNode extends RunNode {
  /** Points received, for the task's throughput figure. */
  received = 0;

  /** Delivers every line of a write; lines are decoded only for from nodes whose filters match. */
  ingest(batch: PointBatch): void {
    const outs = this.outs;
    const n = batch.length;
    this.collected += n;
    this.received += n;
    for (let e = 0; e < outs.length; e++) {
      const edge = outs[e];
      edge.collected += n;
      const child = edge.child;
      if (child instanceof FromNode) child.receiveLines(batch);
      else for (let i = 0; i < n; i++) child.receivePoint(batch.point(i), this.rt.groups.root, edge.parentIndex);
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
