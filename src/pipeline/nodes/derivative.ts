// derivative(field): per-group rate of change against the previous point, per unit.

import type { Fields, Point } from '../../core/point.ts';
import { SECOND } from '../../core/time.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { GroupState, StatefulNode, type TaskRuntime } from '../node.ts';
import { argString, propDuration, propFlag, propString } from '../props.ts';

class PreviousState extends GroupState {
  prev: BatchPoint | undefined;
}

function asFloat(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

export class DerivativeNode extends StatefulNode<PreviousState> {
  readonly #field: string;
  readonly #as: string;
  readonly #unit: number;
  readonly #nonNegative: boolean;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.#field = argString(spec, 0);
    this.#as = propString(spec, 'as', this.#field);
    this.#unit = propDuration(spec, 'unit', SECOND);
    this.#nonNegative = propFlag(spec, 'nonNegative');
  }

  protected newState(g: Group): PreviousState {
    return new PreviousState(g);
  }

  /** The derivative value for `p`, updating the previous point as Kapacitor does; undefined = emit nothing. */
  #step(s: PreviousState, p: BatchPoint): number | undefined {
    const cur = asFloat(p.fields[this.#field]);
    if (cur === undefined) {
      const v = p.fields[this.#field];
      this.fail(invalidNode(this.name, `cannot perform derivative: field "${this.#field}" is the wrong type ${v === undefined ? 'missing' : typeof v}`));
      return undefined;
    }
    const prev = s.prev;
    s.prev = p;
    if (prev === undefined) return undefined;
    const elapsed = (p.timeMs - prev.timeMs) * 1e6 + (p.timeNs - prev.timeNs);
    if (elapsed === 0) {
      this.fail(invalidNode(this.name, 'cannot perform derivative: elapsed time was 0'));
      return undefined;
    }
    const diff = cur - asFloat(prev.fields[this.#field])!;
    if (this.#nonNegative && diff < 0) return undefined;
    return diff / (elapsed / this.#unit);
  }

  protected override onPoint(p: Point, g: Group): void {
    const value = this.#step(this.states.get(g), p);
    if (value === undefined) return;
    const fields: Fields = { ...p.fields, [this.#as]: value };
    this.emitPoint({ ...p, fields }, g);
  }

  protected override onBatch(b: Batch): void {
    const s = new PreviousState(b.group);
    const points: BatchPoint[] = [];
    for (const p of b.points) {
      const value = this.#step(s, p);
      if (value !== undefined) points.push({ ...p, fields: { ...p.fields, [this.#as]: value } });
    }
    this.emitBatch({ ...b, points });
  }
}
