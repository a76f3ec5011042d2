// httpOut(endpoint): keeps the latest point or batch of every group for GET /kapacitor/v1/tasks/<task>/<endpoint>.

import type { Fields, Point, Tags } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { argString } from '../props.ts';
import { batchRow, pointRow, type ResultRow, toJson } from '../result-row.ts';

/**
 * The latest message of a group: a batch as it is, a point as its parts (the point object itself
 * is not kept, so an idle group holds no more than the row needs).
 */
class LatestState extends GroupState {
  batch: Batch | undefined;
  name = '';
  tags: Tags = NO_TAGS;
  fields: Fields | undefined;
  timeMs = 0;
  timeNs = 0;
}

const NO_TAGS: Tags = Object.freeze({});

export class HttpOutNode extends StatefulNode<LatestState> {
  readonly endpoint: string;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.endpoint = argString(spec, 0);
  }

  protected newState(g: Group): LatestState {
    return new LatestState(g);
  }

  protected override onPoint(p: Point, g: Group): void {
    const s = this.states.get(g);
    s.name = p.name;
    s.tags = p.tags;
    s.fields = p.fields;
    s.timeMs = p.timeMs;
    s.timeNs = p.timeNs;
    s.batch = undefined;
    this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    const s = this.states.get(b.group);
    s.batch = b;
    s.fields = undefined;
    this.emitBatch(b);
  }

  /** One row per group in group-creation order; rendering happens here, not per point. */
  rows(): ResultRow[] {
    const rows: ResultRow[] = [];
    for (const s of this.states.values()) {
      if (s.fields !== undefined) rows.push(pointRow(s.name, s as BatchPoint));
      else if (s.batch) rows.push(batchRow(s.batch));
    }
    return rows;
  }

  /** The response body: `{"series":[...]}`, or `{"series":null}` before any data. */
  body(): string {
    const rows = this.rows();
    return toJson({ series: rows.length === 0 ? null : rows });
  }
}
