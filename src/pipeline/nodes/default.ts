// default(): sets fields and tags that are missing (or nil, as a null-filled join leaves them).

import type { FieldValue, Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { propCalls, toFieldValue } from '../props.ts';

export class DefaultNode extends RunNode {
  readonly #fields: [string, FieldValue][] = [];
  readonly #tags: [string, string][] = [];
  fieldsDefaulted = 0;
  tagsDefaulted = 0;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    for (const [k, v] of propCalls(spec, 'field')) {
      const value = toFieldValue(v);
      if (typeof k === 'string' && value !== undefined) this.#fields.push([k, value]);
    }
    for (const [k, v] of propCalls(spec, 'tag')) if (typeof k === 'string' && typeof v === 'string') this.#tags.push([k, v]);
  }

  override extraStats(): Record<string, number> {
    return { fields_defaulted: this.fieldsDefaulted, tags_defaulted: this.tagsDefaulted };
  }

  #apply<P extends BatchPoint>(p: P): P {
    let fields = p.fields;
    let tags = p.tags;
    for (const [k, v] of this.#fields) {
      if (fields[k] == null) {
        if (fields === p.fields) fields = { ...fields };
        fields[k] = v;
        this.fieldsDefaulted++;
      }
    }
    for (const [k, v] of this.#tags) {
      // Kapacitor's test is `tags[k] == ""`: an empty tag value counts as missing too.
      if (!tags[k]) {
        if (tags === p.tags) tags = { ...tags };
        tags[k] = v;
        this.tagsDefaulted++;
      }
    }
    return fields === p.fields && tags === p.tags ? p : { ...p, fields, tags };
  }

  protected override onPoint(p: Point, g: Group): void {
    this.emitPoint(this.#apply(p), g);
  }

  protected override onBatch(b: Batch): void {
    this.emitBatch({ ...b, points: b.points.map((p) => this.#apply(p)) });
  }
}
