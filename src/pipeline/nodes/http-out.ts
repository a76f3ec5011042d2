// httpOut(endpoint): keeps the latest point or batch of every group for GET /kapacitor/v1/tasks/<task>/<endpoint>.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import { isLinePoint, type LinePoint, type WriteSettler } from '../line-point.ts';
import type { Batch } from '../messages.ts';
import type { TaskRuntime } from '../node.ts';
import { argString } from '../props.ts';
import { batchRow, pointRow, type ResultRow, toJson } from '../result-row.ts';
import { PointSlots, RefColumn, resizedTyped, SharedColumn } from '../slot-columns.ts';
import { SlotNode } from '../slot-node.ts';

/**
 * The latest message of every group, in columns by slot: a batch as it is, a point as its parts
 * (compact for a one-float point, so an idle group holds little more than the row needs). A line
 * point (see `fieldsReadFrom`) is kept as it is until its write is delivered and then read whole,
 * once per group and write rather than once per point.
 */
export class HttpOutNode extends SlotNode implements WriteSettler {
  readonly endpoint: string;
  readonly #names = new SharedColumn<string>();
  readonly #points = new PointSlots();
  readonly #batches = new RefColumn<Batch>();
  /** The latest point of a group when it is a line point of the write being delivered. */
  readonly #unsettled = new RefColumn<LinePoint>();
  /** Slots given an unsettled point in this write (some may have moved or been dropped since). */
  #pending: number[] = [];
  /** When each group's row appeared, for rows in group-creation order. */
  #order = new Float64Array(0);
  #created = 0;

  constructor(spec: PipelineNode, rt: TaskRuntime) {
    super(spec, rt);
    this.endpoint = argString(spec, 0);
  }

  protected override opened(slot: number): void {
    this.#order[slot] = this.#created++;
  }

  protected override onPoint(p: Point, g: Group): void {
    const slot = this.hold(g);
    if (isLinePoint(p)) {
      if (this.#unsettled.get(slot) === undefined) this.#pending.push(slot);
      this.#unsettled.set(slot, p);
    } else {
      this.#unsettled.set(slot, undefined);
      this.#names.set(slot, p.name);
      this.#points.set(slot, p, this.rt.groups.at(slot).tags);
    }
    this.#batches.set(slot, undefined);
    this.emitPoint(p, g);
  }

  /** Reads the line points kept from the write being delivered with all their fields. */
  settleWrite(): void {
    const pending = this.#pending;
    for (let k = 0; k < pending.length; k++) {
      const slot = pending[k];
      const p = this.#unsettled.get(slot);
      if (p === undefined) continue;
      this.#unsettled.set(slot, undefined);
      this.#names.set(slot, p.name);
      const whole = { tags: p.tags, fields: p.batch.fields(p.line), timeMs: p.timeMs, timeNs: p.timeNs };
      this.#points.set(slot, whole, this.rt.groups.at(slot).tags);
    }
    this.#pending = [];
  }

  protected override onBatch(b: Batch): void {
    const slot = this.hold(b.group);
    this.#unsettled.set(slot, undefined);
    this.#batches.set(slot, b);
    this.#names.clear(slot);
    this.#points.clear(slot);
    this.emitBatch(b);
  }

  protected clearSlot(slot: number): void {
    this.#unsettled.set(slot, undefined);
    this.#names.clear(slot);
    this.#points.clear(slot);
    this.#batches.set(slot, undefined);
  }

  protected resizeColumns(capacity: number): void {
    this.#names.resize(capacity);
    this.#points.resize(capacity);
    this.#batches.resize(capacity);
    this.#unsettled.resize(capacity);
    this.#order = resizedTyped(this.#order, capacity);
  }

  protected moveColumns(from: number, to: number): void {
    this.#names.move(from, to);
    this.#points.move(from, to);
    this.#batches.move(from, to);
    this.#unsettled.move(from, to);
    if (this.#unsettled.get(to) !== undefined) this.#pending.push(to);
    this.#order[to] = this.#order[from];
  }

  /** One row per group in group-creation order; rendering happens here, not per point. */
  rows(): ResultRow[] {
    const slots: number[] = [];
    for (let slot = 0; slot < this.slots; slot++) if (this.holds(slot)) slots.push(slot);
    const order = this.#order;
    slots.sort((a, b) => order[a] - order[b]);
    const rows: ResultRow[] = [];
    for (const slot of slots) {
      if (this.#points.has(slot)) rows.push(pointRow(this.#names.get(slot), this.#points.get(slot, this.rt.groups.at(slot).tags)));
      else {
        const b = this.#batches.get(slot);
        if (b !== undefined) rows.push(batchRow(b));
      }
    }
    return rows;
  }

  /** The response body: `{"series":[...]}`, or `{"series":null}` before any data. */
  body(): string {
    const rows = this.rows();
    return toJson({ series: rows.length === 0 ? null : rows });
  }
}
