// The metadata store contract: where every object a user creates is kept across restarts.
//
// Two shapes cover what the four dialects keep:
// - documents: JSON objects addressed by a string id, listed in byte order of id (tasks,
//   templates, topics, handlers, export tasks, jobs, UID tables, ...);
// - timelines: JSON records ordered by (partition, time, id), listed by time range (annotations
//   keyed by TSUID and start time, export run history, job history, alert events).
// The contract is asynchronous so that a networked implementation (PostgreSQL) can serve it too;
// the embedded SQLite implementation answers synchronously inside the promises.

/** One stored document. */
export interface StoredDocument<T> {
  id: string;
  doc: T;
}

export interface ListOptions {
  /** Only ids starting with this prefix. */
  prefix?: string;
  /** Number of matching ids to skip, in id order. */
  offset?: number;
  /** At most this many; unlimited when absent. */
  limit?: number;
}

/** JSON documents of one kind, keyed by id. */
export interface DocumentCollection<T> {
  get(id: string): Promise<T | undefined>;
  /** Inserts only when `id` is free; resolves false (and changes nothing) when it is taken. */
  insert(id: string, doc: T): Promise<boolean>;
  /** Inserts or replaces. */
  put(id: string, doc: T): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(id: string): Promise<boolean>;
  /** Documents in byte order of id. */
  list(options?: ListOptions): Promise<StoredDocument<T>[]>;
  count(prefix?: string): Promise<number>;
}

/** The key of a timeline record. `time` is any integer the owner chooses (ms or s since the epoch). */
export interface TimelineKey {
  partition: string;
  time: number;
  id: string;
}

export interface TimelineRecord<T> extends TimelineKey {
  doc: T;
}

export interface RangeOptions {
  /** Inclusive lower bound on `time`. */
  from?: number;
  /** Inclusive upper bound on `time`. */
  to?: number;
  /** `asc` (default) or `desc` by (time, id). */
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** Records ordered by time within partitions. */
export interface Timeline<T> {
  get(key: TimelineKey): Promise<T | undefined>;
  /** Inserts or replaces the record at `key`. */
  put(key: TimelineKey, doc: T): Promise<void>;
  delete(key: TimelineKey): Promise<boolean>;
  /** Records of one partition within a time range. */
  range(partition: string, options?: RangeOptions): Promise<TimelineRecord<T>[]>;
  count(partition: string, options?: Pick<RangeOptions, 'from' | 'to'>): Promise<number>;
  /** Deletes a partition's records within a time range; resolves the number deleted. */
  deleteRange(partition: string, options?: Pick<RangeOptions, 'from' | 'to'>): Promise<number>;
  /** Partitions that hold at least one record, in byte order. */
  partitions(): Promise<string[]>;
}

export interface MetaStore {
  /** The document collection called `kind` (created on first use). */
  documents<T>(kind: string): DocumentCollection<T>;
  /** The timeline called `kind` (created on first use). */
  timeline<T>(kind: string): Timeline<T>;
  /**
   * Runs `work` atomically: every write it makes through this store lands, or none does.
   * `work` must only await calls on this store.
   */
  transaction<R>(work: () => Promise<R>): Promise<R>;
  close(): Promise<void>;
}
