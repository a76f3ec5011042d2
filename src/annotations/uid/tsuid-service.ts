// TSUIDs over the series store's index: every (series, field) of the configured database is an
// OpenTSDB time series whose metric is `measurement.field` and whose tags are the series' tags.

import type { Tags } from '../../core/point.ts';
import type { SeriesInfo, SeriesStore } from '../../store/series-store.ts';
import { tsuidNotFound } from '../errors.ts';
import { buildTsuid, canonicalHex } from './tsuid.ts';
import type { UidTables } from './uid-table.ts';

/** One OpenTSDB time series backed by one field of one stored series. */
export interface OpentsdbSeries {
  tsuid: string;
  metric: string;
  tags: Readonly<Tags>;
  series: SeriesInfo;
  field: string;
}

export interface TsuidServiceOptions {
  /** The series-store database the OpenTSDB dialect reads. */
  database: string;
  /** Restricts to one retention policy; undefined = every policy of the database. */
  retentionPolicy?: string;
}

/** OpenTSDB's metric name for a stored field. */
export function metricName(measurement: string, field: string): string {
  return `${measurement}.${field}`;
}

export class TsuidService {
  readonly #store: SeriesStore;
  readonly #uids: UidTables;
  readonly #options: TsuidServiceOptions;

  constructor(store: SeriesStore, uids: UidTables, options: TsuidServiceOptions) {
    this.#store = store;
    this.#uids = uids;
    this.#options = options;
  }

  get uids(): UidTables {
    return this.#uids;
  }

  get database(): string {
    return this.#options.database;
  }

  /**
   * Reads the series index, gives new metric, tag key and tag value names their UIDs (in sorted
   * order, so a fresh server numbers them deterministically) and returns every time series.
   * A measurement's field keys come from the index per measurement, so a series is listed with every
   * field its measurement has.
   */
  async series(measurement?: string): Promise<OpentsdbSeries[]> {
    const filter = { database: this.#options.database, retentionPolicy: this.#options.retentionPolicy, measurement };
    if ((await this.#store.getDatabase(filter.database)) === undefined) return [];
    const [allSeries, fieldLists] = await Promise.all([this.#store.listSeries(filter), this.#store.listFieldKeys(filter)]);
    const fieldsOf = new Map(fieldLists.map((l) => [l.measurement, l.fields.map((f) => f.key)]));
    const metrics = new Set<string>();
    const tagks = new Set<string>();
    const tagvs = new Set<string>();
    for (const s of allSeries) {
      for (const f of fieldsOf.get(s.measurement) ?? []) metrics.add(metricName(s.measurement, f));
      for (const [k, v] of Object.entries(s.tags)) {
        tagks.add(k);
        tagvs.add(v);
      }
    }
    await this.#uids.ensure('metric', [...metrics].sort());
    await this.#uids.ensure('tagk', [...tagks].sort());
    await this.#uids.ensure('tagv', [...tagvs].sort());
    const out: OpentsdbSeries[] = [];
    for (const s of allSeries) {
      const pairs = Object.entries(s.tags).map(
        ([k, v]) => [this.#uids.uid('tagk', k)!, this.#uids.uid('tagv', v)!] as const,
      );
      for (const field of fieldsOf.get(s.measurement) ?? []) {
        const metric = metricName(s.measurement, field);
        out.push({ tsuid: buildTsuid(this.#uids.uid('metric', metric)!, pairs), metric, tags: s.tags, series: s, field });
      }
    }
    return out;
  }

  /** The time series of one metric whose tags include every given pair (exact values). */
  async lookup(metric: string, tags: Readonly<Tags> = {}): Promise<OpentsdbSeries[]> {
    const candidates = await this.#seriesOfMetric(metric);
    return candidates.filter((s) => Object.entries(tags).every(([k, v]) => s.tags[k] === v));
  }

  /** The time series with this TSUID (hex, either case); `Could not find Timeseries meta data` when none. */
  async byTsuid(tsuid: string): Promise<OpentsdbSeries> {
    return (await this.byTsuids([tsuid]))[0];
  }

  /** Several TSUIDs with one read of the series index, in the order given. */
  async byTsuids(list: readonly string[]): Promise<OpentsdbSeries[]> {
    const wanted = list.map(canonicalHex);
    const index = new Map((await this.series()).map((s) => [s.tsuid, s]));
    return wanted.map((t) => {
      const found = index.get(t);
      if (found === undefined) throw tsuidNotFound();
      return found;
    });
  }

  /** Every series of a metric: `measurement.field`, where the measurement may itself contain dots. */
  async #seriesOfMetric(metric: string): Promise<OpentsdbSeries[]> {
    const out: OpentsdbSeries[] = [];
    for (let dot = metric.indexOf('.'); dot > 0; dot = metric.indexOf('.', dot + 1)) {
      for (const s of await this.series(metric.slice(0, dot))) if (s.metric === metric) out.push(s);
    }
    return out;
  }
}
