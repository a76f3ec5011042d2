// shift(d): moves point and batch times by a fixed duration.

import type { Point } from '../../core/point.ts';
import { addDuration, NS_PER_MS } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { argDuration } from '../props.ts';

export class ShiftNode extends RunNode {
  readonly #d: number;
  /** The shift in whole ms when it is one (the common case): a point then moves without an Instant. */
  readonly #wholeMs: number | undefined;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#d = argDuration(spec, 0);
    if (this.#d === 0) throw invalidNode(spec.name, 'invalid shift value: must be non zero duration');
    this.#wholeMs = this.#d % NS_PER_MS === 0 ? this.#d / NS_PER_MS : undefined;
  }

  protected override onPoint(p: Point, g: Group): void {
    let ms: number;
    let ns: number;
    if (this.#wholeMs !== undefined) {
      ms = p.timeMs + this.#wholeMs;
      ns = p.timeNs;
    } else {
      const t = addDuration({ ms: p.timeMs, ns: p.timeNs }, this.#d);
      ms = t.ms;
      ns = t.ns;
    }
    const q: Point = {
      database: p.database,
      retentionPolicy: p.retentionPolicy,
      name: p.name,
      tags: p.tags,
      fields: p.fields,
      timeMs: ms,
      timeNs: ns,
    };
    this.emitPoint(q, g);
  }

  protected override onBatch(b: Batch): void {
    const tmax = addDuration({ ms: b.tmaxMs, ns: b.tmaxNs }, this.#d);
    const points = b.points.map((p) => {
      const t = addDuration({ ms: p.timeMs, ns: p.timeNs }, this.#d);
      return { ...p, timeMs: t.ms, timeNs: t.ns };
    });
    this.emitBatch({ ...b, tmaxMs: tmax.ms, tmaxNs: tmax.ns, points });
  }

  protected override onBarrier(g: Group, timeMs: number, timeNs: number): void {
    const t = addDuration({ ms: timeMs, ns: timeNs }, this.#d);
    this.emitBarrier(g, t.ms, t.ns);
  }
}
