// delete(): removes fields and tags (a deleted group tag also leaves the group's dimensions).

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { dimensions, type Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { propCalls } from '../props.ts';

export class DeleteNode extends RunNode {
  readonly #fields: string[] = [];
  readonly #tags: string[] = [];
  fieldsDeleted = 0;
  tagsDeleted = 0;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    for (const [k] of propCalls(spec, 'field')) if (typeof k === 'string') this.#fields.push(k);
    for (const [k] of propCalls(spec, 'tag')) if (typeof k === 'string') this.#tags.push(k);
  }

  override extraStats(): Record<string, number> {
    return { fields_deleted: this.fieldsDeleted, tags_deleted: this.tagsDeleted };
  }

  /** Copies without the deleted keys (`delete` would leave objects in slow dictionary mode). */
  #apply<P extends BatchPoint>(p: P): P {
    let fields = p.fields;
    let tags = p.tags;
    let f = 0;
    for (const k of this.#fields) if (fields[k] !== undefined) f++;
    if (f > 0) {
      fields = {};
      for (const k in p.fields) if (!this.#fields.includes(k)) fields[k] = p.fields[k];
      this.fieldsDeleted += f;
    }
    let t = 0;
    for (const k of this.#tags) if (tags[k] !== undefined) t++;
    if (t > 0) {
      tags = {};
      for (const k in p.tags) if (!this.#tags.includes(k)) tags[k] = p.tags[k];
      this.tagsDeleted += t;
    }
    return fields === p.fields && tags === p.tags ? p : { ...p, fields, tags };
  }

  #regroup(name: string, tags: BatchPoint['tags'], g: Group): Group {
    if (!this.#tags.some((t) => g.dims.tagNames.includes(t))) return g;
    const dims = dimensions(
      g.dims.tagNames.filter((t) => !this.#tags.includes(t)),
      g.dims.byName,
    );
    return this.rt.groups.of(name, tags, dims);
  }

  protected override onPoint(p: Point, g: Group): void {
    const out = this.#apply(p);
    this.emitPoint(out, this.#regroup(p.name, out.tags, g));
  }

  protected override onBatch(b: Batch): void {
    const points = b.points.map((p) => this.#apply(p));
    const group = this.#regroup(b.name, points[0]?.tags ?? b.group.tags, b.group);
    this.emitBatch({ ...b, group, points });
  }
}
