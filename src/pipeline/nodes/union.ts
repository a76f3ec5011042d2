// union(others...): merges its parents into one stream in time order, optionally renaming the measurement.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { propString } from '../props.ts';

/** A buffered message: a point (with its group), a batch, or a barrier. */
interface Queued {
  point: Point | undefined;
  batch: Batch | undefined;
  group: Group;
  ms: number;
  ns: number;
}

const after = (aMs: number, aNs: number, bMs: number, bNs: number) => aMs > bMs || (aMs === bMs && aNs > bNs);

/**
 * Like Kapacitor, messages wait in one queue per parent and leave in time order: everything at or
 * before the low-water mark (the oldest head, or a parent's last time when its queue is empty) is
 * emitted once every parent has sent something.
 */
export class UnionNode extends RunNode {
  readonly #rename: string;
  #queues: Queued[][] = [];
  #heads: number[] = [];
  #marks: ([number, number] | undefined)[] = [];

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#rename = propString(spec, 'rename');
  }

  #enqueue(parent: number, q: Queued): void {
    while (this.#queues.length < this.parentCount) {
      this.#queues.push([]);
      this.#heads.push(0);
      this.#marks.push(undefined);
    }
    this.#queues[parent].push(q);
    this.#emitReady();
  }

  protected override onPoint(p: Point, g: Group, parent: number): void {
    const point = this.#rename === '' ? p : { ...p, name: this.#rename };
    this.#enqueue(parent, { point, batch: undefined, group: g, ms: p.timeMs, ns: p.timeNs });
  }

  protected override onBatch(b: Batch, parent: number): void {
    const batch = this.#rename === '' ? b : { ...b, name: this.#rename };
    this.#enqueue(parent, { point: undefined, batch, group: b.group, ms: b.tmaxMs, ns: b.tmaxNs });
  }

  protected override onBarrier(g: Group, timeMs: number, timeNs: number, parent: number): void {
    this.#enqueue(parent, { point: undefined, batch: undefined, group: g, ms: timeMs, ns: timeNs });
  }

  #emitReady(): void {
    for (;;) {
      let mark: [number, number] | undefined;
      let valid = 0;
      for (let i = 0; i < this.#queues.length; i++) {
        const q = this.#queues[i];
        const h = this.#heads[i];
        if (h < q.length) this.#marks[i] = [q[h].ms, q[h].ns];
        const m = this.#marks[i];
        if (m === undefined) continue;
        valid++;
        if (mark === undefined || after(mark[0], mark[1], m[0], m[1])) mark = m;
      }
      if (valid < this.#queues.length || mark === undefined) return;
      let emitted = false;
      for (let i = 0; i < this.#queues.length; i++) {
        const q = this.#queues[i];
        let h = this.#heads[i];
        while (h < q.length && !after(q[h].ms, q[h].ns, mark[0], mark[1])) {
          const m = q[h++];
          emitted = true;
          if (m.point !== undefined) this.emitPoint(m.point, m.group);
          else if (m.batch !== undefined) this.emitBatch(m.batch);
          else this.emitBarrier(m.group, m.ms, m.ns);
        }
        if (h === q.length) {
          this.#queues[i] = [];
          this.#heads[i] = 0;
        } else this.#heads[i] = h;
      }
      if (!emitted) return;
    }
  }

  override stop(): void {
    this.#queues = [];
    this.#heads = [];
    this.#marks = [];
  }
}
