// influxDBOut(): buffers points and writes them to the series store or an InfluxDB, per .cluster().

import type { Point } from '../../core/point.ts';
import { truncate } from '../../core/time.ts';
import { PRECISION_NS, parsePrecision } from '../../lineproto/precision.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import type { PointWriter, WriteOptions } from '../outputs/point-writer.ts';
import { PointTarget } from '../outputs/point-target.ts';
import { propDuration, propFlag, propInt, propString } from '../props.ts';

export class InfluxDBOutNode extends RunNode {
  readonly #writer: PointWriter | undefined;
  readonly #target: PointTarget;
  readonly #options: WriteOptions;
  readonly #bufferSize: number;
  readonly #flushMs: number;
  /** `.precision()` as nanoseconds: written times are cut to it, as InfluxDB's client does (1 = as they are). */
  readonly #precisionNs: number;
  #buffer: Point[] = [];
  #lastFlushMs: number;
  pointsWritten = 0;
  writeErrors = 0;
  /** Writes in flight, so a stopping task can wait for them. */
  #pending = new Set<Promise<void>>();

  constructor(spec: PipelineNode, rt: TaskRuntime, writer: PointWriter | undefined) {
    super(spec, rt);
    this.#writer = writer;
    this.#target = new PointTarget(spec);
    this.#options = {
      create: propFlag(spec, 'create'),
      consistency: propString(spec, 'writeConsistency'),
    };
    this.#bufferSize = Math.max(1, propInt(spec, 'buffer', 1000));
    this.#flushMs = propDuration(spec, 'flushInterval', 10_000_000_000) / 1e6;
    this.#lastFlushMs = rt.nowMs;
    this.#precisionNs = PRECISION_NS[parsePrecision(propString(spec, 'precision'))];
  }

  override extraStats(): Record<string, number> {
    return { points_written: this.pointsWritten, write_errors: this.writeErrors };
  }

  protected override onPoint(p: Point, _g: Group): void {
    this.#add(this.#target.retarget(p.name, p.tags, p));
  }

  protected override onBatch(b: Batch): void {
    for (const p of b.points) this.#add(this.#target.retarget(b.name, p.tags, p));
  }

  #add(p: Point): void {
    if (this.#precisionNs > 1) {
      const t = truncate({ ms: p.timeMs, ns: p.timeNs }, this.#precisionNs);
      p = { ...p, timeMs: t.ms, timeNs: t.ns };
    }
    this.#buffer.push(p);
    if (this.#buffer.length >= this.#bufferSize) this.flush();
  }

  override tick(nowMs: number): void {
    if (this.#buffer.length > 0 && nowMs - this.#lastFlushMs >= this.#flushMs) this.flush();
  }

  /** Sends the buffer; failures count as write_errors and are logged. */
  flush(): void {
    this.#lastFlushMs = this.rt.nowMs;
    const points = this.#buffer;
    if (points.length === 0) return;
    this.#buffer = [];
    if (this.#writer === undefined) {
      this.writeErrors++;
      this.fail(new Error('no InfluxDB output is configured for this cluster'));
      return;
    }
    const done = this.#writer.write(points, this.#options).then(
      () => {
        this.pointsWritten += points.length;
      },
      (err) => {
        this.writeErrors++;
        this.fail(err);
      },
    );
    this.#pending.add(done);
    void done.finally(() => this.#pending.delete(done));
  }

  /** Flushes what is buffered and waits for every write in flight. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.#pending]);
  }

  override stop(): void {
    this.flush();
  }
}
