// httpPost(urls...): POSTs every point or batch as {"series":[row]} to HTTP endpoints; .codeField adds the status.

import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import type { HttpPoster } from '../outputs/point-writer.ts';
import { propCalls, propDuration, propString } from '../props.ts';
import { batchRow, pointRow, toJson } from '../result-row.ts';

export class HttpPostNode extends RunNode {
  readonly #urls: string[];
  readonly #headers: Record<string, string> = { 'content-type': 'application/json' };
  readonly #codeField: string;
  readonly #timeoutMs: number;

  constructor(
    spec: PipelineNode,
    rt: TaskRuntime,
    private readonly http: HttpPoster | undefined,
  ) {
    super(spec, rt);
    this.#urls = spec.args.filter((v): v is string => typeof v === 'string');
    if (this.#urls.length === 0) {
      const endpoint = propString(spec, 'endpoint');
      throw invalidNode(spec.name, endpoint === '' ? 'no url or endpoint given' : `endpoint ${endpoint} is not configured`);
    }
    for (const [k, v] of propCalls(spec, 'header')) if (typeof k === 'string' && typeof v === 'string') this.#headers[k] = v;
    this.#codeField = propString(spec, 'codeField');
    this.#timeoutMs = propDuration(spec, 'timeout') / 1e6;
  }

  async #post(body: string): Promise<number> {
    if (this.http === undefined) throw new Error('no HTTP client configured');
    let status = 0;
    for (const url of this.#urls) {
      const res = await this.http.post(url, body, this.#headers, this.#timeoutMs);
      status = res.status;
    }
    return status;
  }

  protected override onPoint(p: Point, g: Group): void {
    const body = toJson({ series: [pointRow(p.name, p)] });
    if (this.#codeField === '') {
      this.emitPoint(p, g);
      this.#post(body).catch((err) => this.fail(err));
      return;
    }
    // The status is part of the data: pass the point on once the response is in.
    this.#post(body).then(
      (code) => this.emitPoint({ ...p, fields: { ...p.fields, [this.#codeField]: BigInt(code) } }, g),
      (err) => this.fail(err),
    );
  }

  protected override onBatch(b: Batch): void {
    const body = toJson({ series: [batchRow(b)] });
    if (this.#codeField === '') {
      this.emitBatch(b);
      this.#post(body).catch((err) => this.fail(err));
      return;
    }
    this.#post(body).then(
      (code) =>
        this.emitBatch({ ...b, points: b.points.map((p) => ({ ...p, fields: { ...p.fields, [this.#codeField]: BigInt(code) } })) }),
      (err) => this.fail(err),
    );
  }
}
