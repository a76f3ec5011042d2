// log(): logs every point or batch at a level, with a prefix, and passes it on.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { type LogLevel, RunNode, type TaskRuntime } from '../node.ts';
import { propString } from '../props.ts';
import { batchRow, pointRow, toJson } from '../result-row.ts';

const LEVELS = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR']);

export class LogNode extends RunNode {
  readonly #level: LogLevel;
  readonly #prefix: string;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    const level = propString(spec, 'level', 'INFO').toUpperCase();
    this.#level = (LEVELS.has(level) ? level : 'INFO') as LogLevel;
    this.#prefix = propString(spec, 'prefix');
  }

  protected override onPoint(p: Point, g: Group): void {
    this.rt.logger.log(this.#level, this.#prefix === '' ? 'point' : this.#prefix, {
      task: this.rt.taskId,
      node: this.name,
      group: g.id,
      data: toJson(pointRow(p.name, p)),
    });
    this.emitPoint(p, g);
  }

  protected override onBatch(b: Batch): void {
    this.rt.logger.log(this.#level, this.#prefix === '' ? 'batch' : this.#prefix, {
      task: this.rt.taskId,
      node: this.name,
      group: b.group.id,
      data: toJson(batchRow(b)),
    });
    this.emitBatch(b);
  }
}
