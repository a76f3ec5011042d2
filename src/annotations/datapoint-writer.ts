// OpenTSDB `/api/put` data points into the series store: validation with OpenTSDB's per-point texts,
// metric `measurement.field` split at the last dot, seconds or milliseconds, per-point failures.

import { isDomainError } from '../core/errors.ts';
import type { FieldType, FieldValue, Point } from '../core/point.ts';
import type { SeriesStore } from '../store/series-store.ts';
import { isMillis } from './opentsdb-time.ts';
import { validateName } from './uid/uid-table.ts';

/** One data point as the wire carries it (values not yet checked). */
export interface IncomingDataPoint {
  metric?: unknown;
  timestamp?: unknown;
  value?: unknown;
  tags?: unknown;
}

export interface PutOutcome {
  success: number;
  failed: number;
  /** Per failed point, in request order. */
  errors: { datapoint: IncomingDataPoint; error: string }[];
}

export class DataPointWriter {
  readonly #store: SeriesStore;
  readonly #database: string;
  readonly #retentionPolicy: string;

  constructor(store: SeriesStore, database: string, retentionPolicy = '') {
    this.#store = store;
    this.#database = database;
    this.#retentionPolicy = retentionPolicy;
  }

  /**
   * Validates every point, then stores the valid ones in one write. When the store rejects that
   * write (a field type conflict), each point is written on its own so only the offending ones fail.
   * The database is created on first use, as OpenTSDB creates metrics with `auto_create_metrics`.
   */
  async put(incoming: readonly IncomingDataPoint[]): Promise<PutOutcome> {
    const outcome: PutOutcome = { success: 0, failed: 0, errors: [] };
    const fail = (datapoint: IncomingDataPoint, error: string) => {
      outcome.failed++;
      outcome.errors.push({ datapoint, error });
    };
    if ((await this.#store.getDatabase(this.#database)) === undefined) await this.#store.createDatabase(this.#database);
    const types = await this.#fieldTypes();
    const valid: { raw: IncomingDataPoint; point: Point }[] = [];
    for (const raw of incoming) {
      const checked = this.#convert(raw, types);
      if (typeof checked === 'string') fail(raw, checked);
      else valid.push({ raw, point: checked });
    }
    if (valid.length === 0) return outcome;
    try {
      await this.#store.write(valid.map((v) => v.point));
      outcome.success += valid.length;
    } catch (err) {
      if (!isDomainError(err)) throw err;
      for (const v of valid) {
        try {
          await this.#store.write([v.point]);
          outcome.success++;
        } catch (one) {
          if (!isDomainError(one)) throw one;
          fail(v.raw, one.message);
        }
      }
    }
    return outcome;
  }

  async #fieldTypes(): Promise<Map<string, FieldType>> {
    const lists = await this.#store.listFieldKeys({ database: this.#database });
    const types = new Map<string, FieldType>();
    for (const l of lists) for (const f of l.fields) types.set(`${l.measurement}\u0000${f.key}`, f.type);
    return types;
  }

  /** The stored point, or OpenTSDB's error text for this data point. */
  #convert(raw: IncomingDataPoint, types: Map<string, FieldType>): Point | string {
    if (typeof raw !== 'object' || raw === null) return 'Invalid data point';
    const metric = typeof raw.metric === 'string' ? raw.metric : '';
    if (metric === '') return 'Metric name was empty';
    const timestamp = typeof raw.timestamp === 'string' && /^\d+$/.test(raw.timestamp) ? Number(raw.timestamp) : raw.timestamp;
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0) return 'Invalid timestamp';
    if (raw.value === undefined || raw.value === null || raw.value === '') return 'Empty value';
    if (typeof raw.tags !== 'object' || raw.tags === null || Object.keys(raw.tags).length === 0) return 'Missing tags';
    const number = typeof raw.value === 'number' ? raw.value : typeof raw.value === 'string' ? Number(raw.value.trim()) : Number.NaN;
    if (!Number.isFinite(number)) return 'Unable to parse value to a number';
    const dot = metric.lastIndexOf('.');
    if (dot <= 0 || dot === metric.length - 1) return `Metric name must be <measurement>.<field>: ${metric}`;
    const tags: Record<string, string> = {};
    try {
      validateName('metric', metric);
      for (const [k, v] of Object.entries(raw.tags as Record<string, unknown>)) {
        const value = String(v);
        validateName('tagk', k);
        validateName('tagv', value);
        tags[k] = value;
      }
    } catch (err) {
      return (err as Error).message;
    }
    const measurement = metric.slice(0, dot);
    const field = metric.slice(dot + 1);
    // OpenTSDB numbers are stored as floats, unless the field already holds integers and this value is whole.
    let value: FieldValue = number;
    if (types.get(`${measurement}\u0000${field}`) === 'integer' && Number.isSafeInteger(number)) value = BigInt(number);
    const timeMs = isMillis(timestamp) ? timestamp : timestamp * 1000;
    return {
      database: this.#database,
      retentionPolicy: this.#retentionPolicy,
      name: measurement,
      tags,
      fields: { [field]: value },
      timeMs,
      timeNs: 0,
    };
  }
}
