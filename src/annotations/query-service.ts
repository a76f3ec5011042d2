// OpenTSDB `/api/query` over the series store: series by metric and tag filters (or by TSUID),
// downsampling, rate, aggregation, and the annotations a Grafana OpenTSDB data source displays.

import { isDomainError } from '../core/errors.ts';
import { fromMillis } from '../core/time.ts';
import { type FieldColumn, type SeriesStore, columnValue } from '../store/series-store.ts';
import type { Annotation } from './annotation.ts';
import type { AnnotationService } from './annotation-service.ts';
import { type NumericSeries, aggregate, checkAggregator, downsample, parseDownsample, rate } from './aggregators.ts';
import { badQuery, endBeforeStart } from './errors.ts';
import { toMillis } from './opentsdb-time.ts';
import type { TagFilter } from './tag-filter.ts';
import type { OpentsdbSeries, TsuidService } from './uid/tsuid-service.ts';

export interface SubQuery {
  aggregator: string;
  /** Either a metric (with filters) or a list of TSUIDs. */
  metric?: string;
  tsuids?: readonly string[];
  filters: readonly TagFilter[];
  downsample?: string;
  rate?: boolean;
}

export interface DataQuery {
  /** Inclusive bounds in ms. */
  startMs: number;
  endMs: number;
  queries: readonly SubQuery[];
  noAnnotations?: boolean;
  globalAnnotations?: boolean;
  showTSUIDs?: boolean;
}

export interface QueryResult {
  metric: string;
  tags: Record<string, string>;
  aggregateTags: string[];
  tsuids: string[];
  /** Local annotations of the aggregated series in the window, by start time (absent when none). */
  annotations?: Annotation[];
  globalAnnotations?: Annotation[];
  dps: NumericSeries;
}

export class OpentsdbQueryService {
  readonly #store: SeriesStore;
  readonly #tsuids: TsuidService;
  readonly #annotations: AnnotationService;

  constructor(store: SeriesStore, tsuids: TsuidService, annotations: AnnotationService) {
    this.#store = store;
    this.#tsuids = tsuids;
    this.#annotations = annotations;
  }

  async run(query: DataQuery): Promise<QueryResult[]> {
    if (query.queries.length === 0) throw badQuery('Missing queries');
    if (query.endMs < query.startMs) throw endBeforeStart();
    for (const sub of query.queries) {
      checkAggregator(sub.aggregator);
      if (sub.downsample !== undefined) parseDownsample(sub.downsample);
    }
    const globals =
      query.globalAnnotations && !query.noAnnotations
        ? await this.#annotations.listGlobal({ startMs: query.startMs, endMs: query.endMs })
        : [];
    const results: QueryResult[] = [];
    for (const sub of query.queries) {
      for (const result of await this.#runOne(query, sub)) {
        if (globals.length > 0) result.globalAnnotations = globals;
        results.push(result);
      }
    }
    return results;
  }

  async #resolve(sub: SubQuery): Promise<OpentsdbSeries[]> {
    if (sub.tsuids !== undefined && sub.tsuids.length > 0) return this.#tsuids.byTsuids(sub.tsuids);
    if (sub.metric === undefined || sub.metric === '') throw badQuery('Missing metric');
    // The look-up gives the metric its UID when stored series carry it; a name no series and no
    // /api/uid/assign ever introduced is unknown.
    const all = await this.#tsuids.lookup(sub.metric);
    try {
      this.#tsuids.uids.require('metric', sub.metric);
    } catch (err) {
      // A query naming an unknown metric is a bad request (400) in OpenTSDB, not a missing object.
      if (isDomainError(err)) throw badQuery(err.message);
      throw err;
    }
    return all.filter((s) => sub.filters.every((f) => f.matches(s.tags[f.tagk])));
  }

  async #runOne(query: DataQuery, sub: SubQuery): Promise<QueryResult[]> {
    const matched = await this.#resolve(sub);
    const data = await this.#scan(matched, query.startMs, query.endMs);
    const spec = sub.downsample !== undefined ? parseDownsample(sub.downsample) : undefined;
    const prepared = matched.map((s) => {
      let series = data.get(s) ?? { times: [], values: [] };
      if (spec !== undefined) series = downsample(series, spec, query.startMs, query.endMs);
      if (sub.rate) series = rate(series);
      return { s, series };
    });

    const groups = new Map<string, typeof prepared>();
    const groupKeys = sub.filters.filter((f) => f.groupBy).map((f) => f.tagk);
    for (const entry of prepared) {
      const key = sub.aggregator === 'none' ? entry.s.tsuid : JSON.stringify(groupKeys.map((k) => entry.s.tags[k]));
      let members = groups.get(key);
      if (members === undefined) groups.set(key, (members = []));
      members.push(entry);
    }

    const results: QueryResult[] = [];
    for (const members of groups.values()) {
      const dps = sub.aggregator === 'none' ? members[0].series : aggregate(sub.aggregator, members.map((m) => m.series));
      if (dps.times.length === 0 && sub.aggregator !== 'none') continue;
      const tsuids = members.map((m) => m.s.tsuid).sort();
      const result: QueryResult = { metric: members[0].s.metric, ...splitTags(members.map((m) => m.s.tags)), tsuids, dps };
      if (!query.noAnnotations) {
        const notes: Annotation[] = [];
        for (const tsuid of tsuids) {
          notes.push(...(await this.#annotations.list(tsuid, { startMs: query.startMs, endMs: query.endMs })));
        }
        notes.sort((a, b) => toMillis(a.startTime) - toMillis(b.startTime));
        if (notes.length > 0) result.annotations = notes;
      }
      results.push(result);
    }
    return results;
  }

  /** Numeric values of each series' field in [startMs, endMs], one scan per measurement and policy. */
  async #scan(series: readonly OpentsdbSeries[], startMs: number, endMs: number): Promise<Map<OpentsdbSeries, NumericSeries>> {
    const out = new Map<OpentsdbSeries, NumericSeries>();
    const byScan = new Map<string, OpentsdbSeries[]>();
    for (const s of series) {
      const key = JSON.stringify([s.series.retentionPolicy, s.series.measurement]);
      let list = byScan.get(key);
      if (list === undefined) byScan.set(key, (list = []));
      list.push(s);
    }
    for (const list of byScan.values()) {
      const wanted = new Map<number, OpentsdbSeries[]>();
      for (const s of list) {
        let perSeries = wanted.get(s.series.id);
        if (perSeries === undefined) wanted.set(s.series.id, (perSeries = []));
        perSeries.push(s);
      }
      const first = list[0].series;
      const scan = this.#store.scan({
        database: first.database,
        retentionPolicy: first.retentionPolicy,
        measurement: first.measurement,
        start: fromMillis(startMs),
        end: fromMillis(endMs + 1),
        fields: [...new Set(list.map((s) => s.field))],
      });
      for await (const chunk of scan) {
        for (const s of wanted.get(chunk.series.id) ?? []) {
          const column = chunk.fields.get(s.field);
          if (column === undefined) continue;
          let target = out.get(s);
          if (target === undefined) out.set(s, (target = { times: [], values: [] }));
          appendNumeric(target, chunk.timeMs, column, chunk.length);
        }
      }
    }
    return out;
  }
}

function appendNumeric(target: NumericSeries, times: Float64Array, column: FieldColumn, length: number): void {
  for (let row = 0; row < length; row++) {
    const v = columnValue(column, row);
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'bigint') n = Number(v);
    else if (typeof v === 'boolean') n = v ? 1 : 0;
    else continue;
    // Sub-millisecond points share a millisecond in OpenTSDB's resolution: the last one wins.
    const last = target.times.length - 1;
    if (last >= 0 && target.times[last] === times[row]) target.values[last] = n;
    else {
      target.times.push(times[row]);
      target.values.push(n);
    }
  }
}

/** Tags equal across every series stay tags; keys every series has with differing values are aggregated. */
function splitTags(all: readonly Readonly<Record<string, string>>[]): { tags: Record<string, string>; aggregateTags: string[] } {
  const tags: Record<string, string> = {};
  const aggregateTags: string[] = [];
  for (const key of Object.keys(all[0]).sort()) {
    if (!all.every((t) => key in t)) continue;
    if (all.every((t) => t[key] === all[0][key])) tags[key] = all[0][key];
    else aggregateTags.push(key);
  }
  return { tags, aggregateTags };
}
