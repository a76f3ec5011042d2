// httpPost([url]) / .endpoint(name): POSTs every point or batch as {"series":[row]} (or an endpoint's
// row template) to a URL or a `[[httppost]]` endpoint; .codeField adds the response status to the data.

import { goJson } from '../../alert/event.ts';
import { templateTime } from '../../alert/templates.ts';
import type { Point } from '../../core/point.ts';
import type { PipelineNode } from '../../tick/pipeline.ts';
import { type CompiledTemplate, compileTemplate } from '../../tick/template.ts';
import { invalidNode } from '../errors.ts';
import type { Group } from '../group.ts';
import type { Batch, BatchPoint } from '../messages.ts';
import { RunNode, type TaskRuntime } from '../node.ts';
import { HTTPPOST_TEMPLATE_FUNCS, setHeader } from '../outputs/http-request.ts';
import type { HttpPoster } from '../outputs/point-writer.ts';
import { flatten, propCalls, propDuration, propFlag, propString } from '../props.ts';
import { batchRow, pointRow, type ResultRow } from '../result-row.ts';

/** What a URL or row template sees: Kapacitor's mappedRow (one map per value row, times as Go times). */
function mappedRow(row: ResultRow, points: readonly BatchPoint[]): Record<string, unknown> {
  const columns = row.columns ?? [];
  return {
    Name: row.name ?? '',
    Tags: row.tags ?? {},
    Values: (row.values ?? []).map((values, i) => {
      const m: Record<string, unknown> = {};
      columns.forEach((c, j) => {
        m[c] = values[j];
      });
      m.time = templateTime({ ms: points[i].timeMs, ns: points[i].timeNs });
      return m;
    }),
  };
}

export class HttpPostNode extends RunNode {
  /** A plain URL, or a template rendered per row. */
  readonly #url: string | CompiledTemplate;
  readonly #rowTemplate: CompiledTemplate | undefined;
  readonly #headers: Record<string, string>;
  readonly #codeField: string;
  readonly #timeoutMs: number;
  readonly #capture: boolean;
  /**
   * Kapacitor posts synchronously, one row after the other. Here the posts are chained instead, so
   * they still go out (and, with a code field, pass on) in arrival order without blocking ingest.
   * What ingest is not held up by must be bounded instead: past the poster's `maxQueued` waiting or
   * in-flight posts, new ones are dropped.
   */
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  /** Set by the first drop of a burst (the one that is logged); cleared once the queue is back to half. */
  #dropping = false;
  #stopped = false;

  constructor(
    spec: PipelineNode,
    rt: TaskRuntime,
    private readonly http: HttpPoster | undefined,
  ) {
    super(spec, rt);
    const urls = spec.args.filter((v): v is string => typeof v === 'string');
    const endpoints = propCalls(spec, 'endpoint').flatMap((call) => flatten(call)).filter((v): v is string => typeof v === 'string');
    let url: string;
    let rowTemplate = '';
    this.#headers = {};
    if (urls.length > 0) url = urls[0];
    else if (endpoints.length > 0) {
      const e = http?.endpoint(endpoints[0]);
      if (e === undefined) throw invalidNode(spec.name, `endpoint '${endpoints[0]}' does not exist`);
      url = e.url;
      rowTemplate = e.rowTemplate;
      for (const k in e.headers) setHeader(this.#headers, k, e.headers[k]);
    } else throw invalidNode(spec.name, 'must provide url or endpoint');
    this.#url = url.includes('{{') ? compileTemplate('url', url, { funcs: HTTPPOST_TEMPLATE_FUNCS }) : url;
    this.#rowTemplate = rowTemplate === '' ? undefined : compileTemplate('body', rowTemplate, { funcs: HTTPPOST_TEMPLATE_FUNCS });
    if (this.#rowTemplate === undefined) setHeader(this.#headers, 'Content-Type', 'application/json');
    for (const [k, v] of propCalls(spec, 'header')) if (typeof k === 'string' && typeof v === 'string') setHeader(this.#headers, k, v);
    this.#codeField = propString(spec, 'codeField');
    this.#timeoutMs = propDuration(spec, 'timeout') / 1e6;
    this.#capture = propFlag(spec, 'captureResponse');
  }

  override stop(): void {
    this.#stopped = true;
  }

  /** Posts one row; resolves the status, or 0 when the request failed (Kapacitor's code then). */
  async #post(row: ResultRow, points: readonly BatchPoint[]): Promise<number> {
    if (this.http === undefined) throw new Error('no HTTP client configured');
    const data = this.#rowTemplate !== undefined || typeof this.#url !== 'string' ? mappedRow(row, points) : undefined;
    const body = this.#rowTemplate !== undefined ? this.#rowTemplate.render(data) : `${goJson({ series: [row] })}\n`;
    const url = typeof this.#url === 'string' ? this.#url : this.#url.render(data);
    let res: { status: number; body: string };
    try {
      res = await this.http.post(url, body, this.#headers, this.#timeoutMs);
    } catch (err) {
      this.fail(`failed to POST data: ${err instanceof Error ? err.message : String(err)}`);
      return 0;
    }
    if (res.status < 200 || res.status >= 300) {
      const detail = this.#capture ? res.body : 'unknown error, use .captureResponse() to capture the HTTP response';
      this.fail(`POST returned non 2xx status code: ${detail}`, { code: res.status });
    }
    return res.status;
  }

  /**
   * Queues a post; `then` receives the status once this and every earlier post are done. A post that
   * finds the queue full is dropped (and so is `then`): each counts in `errors`, the first of a burst
   * is logged.
   */
  #enqueue(row: ResultRow, points: readonly BatchPoint[], then?: (code: number) => void): void {
    const max = this.http?.maxQueued ?? Number.POSITIVE_INFINITY;
    if (this.#pending >= max) {
      if (this.#dropping) this.errors++;
      else {
        this.#dropping = true;
        this.fail(`failed to POST data: ${max} posts are already waiting, dropping posts until the receiver catches up`);
      }
      return;
    }
    this.#pending++;
    this.#queue = this.#queue.then(async () => {
      try {
        if (this.#stopped) return;
        const code = await this.#post(row, points).catch((err) => {
          this.fail(err);
          return 0;
        });
        if (then !== undefined && !this.#stopped) then(code);
      } finally {
        // Half way down, so a receiver that stays just behind is reported now and then, not per post.
        if (--this.#pending <= max / 2) this.#dropping = false;
      }
    });
  }

  protected override onPoint(p: Point, g: Group): void {
    const row = pointRow(p.name, p);
    if (this.#codeField === '') {
      this.emitPoint(p, g);
      this.#enqueue(row, [p]);
      return;
    }
    // The status is part of the data: pass the point on once the response is in.
    this.#enqueue(row, [p], (code) => this.emitPoint({ ...p, fields: { ...p.fields, [this.#codeField]: BigInt(code) } }, g));
  }

  protected override onBatch(b: Batch): void {
    const row = batchRow(b);
    if (this.#codeField === '') {
      this.emitBatch(b);
      this.#enqueue(row, b.points);
      return;
    }
    this.#enqueue(row, b.points, (code) =>
      this.emitBatch({ ...b, points: b.points.map((p) => ({ ...p, fields: { ...p.fields, [this.#codeField]: BigInt(code) } })) }),
    );
  }
}
