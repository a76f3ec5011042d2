// kapacitorLoopback(): writes points back into the engine's own stream under another db/rp/measurement.

import type { Point, Tags } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { propCalls, propString } from '../props.ts';

/** Delivers points to every task subscribed to their db/rp (the executor provides it). */
export type LoopbackSink = (points: readonly Point[]) => void;

export class KapacitorLoopbackNode extends RunNode {
  readonly #database: string;
  readonly #rp: string;
  readonly #measurement: string;
  readonly #tags: [string, string][] = [];
  pointsWritten = 0;

  constructor(
    spec: PipelineNode,
    rt: TaskRuntime,
    private readonly sink: LoopbackSink,
  ) {
    super(spec, rt);
    this.#database = propString(spec, 'database');
    this.#rp = propString(spec, 'retentionPolicy');
    this.#measurement = propString(spec, 'measurement');
    if (this.#database === '' || this.#rp === '') {
      throw invalidNode(spec.name, 'must specify a database and retention policy for kapacitorLoopback');
    }
    for (const [k, v] of propCalls(spec, 'tag')) if (typeof k === 'string' && typeof v === 'string') this.#tags.push([k, v]);
  }

  override extraStats(): Record<string, number> {
    return { points_written: this.pointsWritten };
  }

  #out(name: string, tags: Tags, p: { fields: Point['fields']; timeMs: number; timeNs: number }): Point {
    let outTags = tags;
    if (this.#tags.length > 0) {
      outTags = { ...tags };
      for (const [k, v] of this.#tags) outTags[k] = v;
    }
    return {
      database: this.#database,
      retentionPolicy: this.#rp,
      name: this.#measurement !== '' ? this.#measurement : name,
      tags: outTags,
      fields: p.fields,
      timeMs: p.timeMs,
      timeNs: p.timeNs,
    };
  }

  protected override onPoint(p: Point, _g: Group): void {
    this.pointsWritten++;
    // Delivered after the current write finishes, so a task feeding itself cannot recurse without end.
    const out = this.#out(p.name, p.tags, p);
    queueMicrotask(() => this.sink([out]));
  }

  protected override onBatch(b: Batch): void {
    const points = b.points.map((p) => this.#out(b.name, p.tags, p));
    this.pointsWritten += points.length;
    queueMicrotask(() => this.sink(points));
  }
}
