// httpOut(endpoint): keeps the latest point or batch of every group for GET /kapacitor/v1/tasks/<task>/<endpoint>.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { argString } from '../props.ts';
import { batchRow, pointRow, type ResultRow, toJson } from '../result-row.ts';

class LatestState extends GroupState {
  point: Point | undefined;
  batch: Batch | undefined;
}

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
    s.point = p;
    s.batch = undefined;
    this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    const s = this.states.get(b.group);
    s.batch = b;
    s.point = undefined;
    this.emitBatch(b);
  }

  /** One row per group in group-creation order; rendering happens here, not per point. */
  rows(): ResultRow[] {
    const rows: ResultRow[] = [];
    for (const s of this.states.values()) {
      if (s.point) rows.push(pointRow(s.point.name, s.point));
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
