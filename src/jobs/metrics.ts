// Job metrics counted at the real source and sink boundaries, rendered as SeaTunnel's REST strings.

/** The persisted form: plain numbers so that checkpoints and history can store and restore them. */
export interface MetricsSnapshot {
  sourceCount: Record<string, number>;
  sourceBytes: Record<string, number>;
  sinkCount: Record<string, number>;
  sinkBytes: Record<string, number>;
  /** Rows and bytes the sinks had written when the last checkpoint committed (absent in old records). */
  committedCount?: Record<string, number>;
  committedBytes?: Record<string, number>;
  /** Milliseconds the job has been running (rates divide by this). */
  runningMs: number;
}

export function emptySnapshot(): MetricsSnapshot {
  return { sourceCount: {}, sourceBytes: {}, sinkCount: {}, sinkBytes: {}, committedCount: {}, committedBytes: {}, runningMs: 0 };
}

/** The job's figures from its pipelines' (which may count the same table): maps add up, the running time is the longest. */
export function mergeSnapshots(parts: readonly MetricsSnapshot[]): MetricsSnapshot {
  if (parts.length === 1) return parts[0];
  const out = emptySnapshot();
  const add = (into: Record<string, number>, from: Record<string, number> | undefined) => {
    for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
  };
  for (const p of parts) {
    add(out.sourceCount, p.sourceCount);
    add(out.sourceBytes, p.sourceBytes);
    add(out.sinkCount, p.sinkCount);
    add(out.sinkBytes, p.sinkBytes);
    add(out.committedCount!, p.committedCount);
    add(out.committedBytes!, p.committedBytes);
    out.runningMs = Math.max(out.runningMs, p.runningMs);
  }
  return out;
}

/** Live counters of one run. Keyed by table path; a restored run starts from the checkpointed values. */
export class JobMetrics {
  readonly sourceCount = new Map<string, number>();
  readonly sourceBytes = new Map<string, number>();
  readonly sinkCount = new Map<string, number>();
  readonly sinkBytes = new Map<string, number>();
  #committedCount: Record<string, number> = {};
  #committedBytes: Record<string, number> = {};
  #baseMs = 0;
  #startedAt: number | undefined;
  #stoppedAt: number | undefined;

  constructor(
    private readonly now: () => number,
    from?: MetricsSnapshot,
  ) {
    if (from) {
      for (const [k, v] of Object.entries(from.sourceCount)) this.sourceCount.set(k, v);
      for (const [k, v] of Object.entries(from.sourceBytes)) this.sourceBytes.set(k, v);
      for (const [k, v] of Object.entries(from.sinkCount)) this.sinkCount.set(k, v);
      for (const [k, v] of Object.entries(from.sinkBytes)) this.sinkBytes.set(k, v);
      this.#committedCount = { ...(from.committedCount ?? {}) };
      this.#committedBytes = { ...(from.committedBytes ?? {}) };
      this.#baseMs = from.runningMs;
    }
  }

  start(): void {
    this.#startedAt = this.now();
    this.#stoppedAt = undefined;
  }
  stop(): void {
    if (this.#startedAt !== undefined && this.#stoppedAt === undefined) this.#stoppedAt = this.now();
  }

  addSource(table: string, rows: number, bytes: number): void {
    this.sourceCount.set(table, (this.sourceCount.get(table) ?? 0) + rows);
    this.sourceBytes.set(table, (this.sourceBytes.get(table) ?? 0) + bytes);
  }
  addSink(table: string, rows: number, bytes: number): void {
    this.sinkCount.set(table, (this.sinkCount.get(table) ?? 0) + rows);
    this.sinkBytes.set(table, (this.sinkBytes.get(table) ?? 0) + bytes);
  }

  /** Called when a checkpoint's commits succeeded: everything written so far is now committed. */
  markCommitted(): void {
    this.#committedCount = Object.fromEntries(this.sinkCount);
    this.#committedBytes = Object.fromEntries(this.sinkBytes);
  }

  runningMs(): number {
    if (this.#startedAt === undefined) return this.#baseMs;
    return this.#baseMs + ((this.#stoppedAt ?? this.now()) - this.#startedAt);
  }

  snapshot(): MetricsSnapshot {
    return {
      sourceCount: Object.fromEntries(this.sourceCount),
      sourceBytes: Object.fromEntries(this.sourceBytes),
      sinkCount: Object.fromEntries(this.sinkCount),
      sinkBytes: Object.fromEntries(this.sinkBytes),
      committedCount: { ...this.#committedCount },
      committedBytes: { ...this.#committedBytes },
      runningMs: this.runningMs(),
    };
  }
}

export type MetricsJson = Record<string, string | Record<string, string>>;

function sum(m: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(m)) s += v;
  return s;
}

/** A Double as Java prints it: always with a fraction digit ("0.0", "12.5"). */
export function javaDouble(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : x < 0 ? '-Infinity' : 'NaN';
  const r = Math.round(x * 100) / 100;
  return Number.isInteger(r) ? `${r}.0` : String(r);
}

/** SeaTunnel's metrics object: the aggregate values and per-table maps (with 2.3.12's SinkCommitted*), all strings. */
export function metricsJson(s: MetricsSnapshot): MetricsJson {
  const secs = s.runningMs / 1000;
  const rate = (n: number) => javaDouble(secs > 0 ? n / secs : 0);
  const table = (m: Record<string, number>, f: (n: number) => string) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, f(v)]));
  const count = (n: number) => String(n);
  const committedCount = s.committedCount ?? {};
  const committedBytes = s.committedBytes ?? {};
  return {
    IntermediateQueueSize: '0',
    SourceReceivedCount: count(sum(s.sourceCount)),
    SourceReceivedQPS: rate(sum(s.sourceCount)),
    SourceReceivedBytes: count(sum(s.sourceBytes)),
    SourceReceivedBytesPerSeconds: rate(sum(s.sourceBytes)),
    SinkWriteCount: count(sum(s.sinkCount)),
    SinkWriteQPS: rate(sum(s.sinkCount)),
    SinkWriteBytes: count(sum(s.sinkBytes)),
    SinkWriteBytesPerSeconds: rate(sum(s.sinkBytes)),
    SinkCommittedCount: count(sum(committedCount)),
    SinkCommittedQPS: rate(sum(committedCount)),
    SinkCommittedBytes: count(sum(committedBytes)),
    SinkCommittedBytesPerSeconds: rate(sum(committedBytes)),
    TableSourceReceivedCount: table(s.sourceCount, count),
    TableSourceReceivedQPS: table(s.sourceCount, rate),
    TableSourceReceivedBytes: table(s.sourceBytes, count),
    TableSourceReceivedBytesPerSeconds: table(s.sourceBytes, rate),
    TableSinkWriteCount: table(s.sinkCount, count),
    TableSinkWriteQPS: table(s.sinkCount, rate),
    TableSinkWriteBytes: table(s.sinkBytes, count),
    TableSinkWriteBytesPerSeconds: table(s.sinkBytes, rate),
    TableSinkCommittedCount: table(committedCount, count),
    TableSinkCommittedQPS: table(committedCount, rate),
    TableSinkCommittedBytes: table(committedBytes, count),
    TableSinkCommittedBytesPerSeconds: table(committedBytes, rate),
  };
}
