// The embedded metadata store: one SQLite file under the data directory (better-sqlite3, WAL mode).

import Database from 'better-sqlite3';
import type {
  DocumentCollection,
  ListOptions,
  MetaStore,
  RangeOptions,
  StoredDocument,
  Timeline,
  TimelineKey,
  TimelineRecord,
} from './meta-store.ts';
import { MIGRATIONS, type Migration } from './sqlite-migrations.ts';

type Db = Database.Database;

/** Above every character a prefix can continue with, in UTF-8 byte order. */
const MAX_CHAR = '\u{10FFFF}';

export interface SqliteMetaStoreOptions {
  /** Path of the database file, or `:memory:`. */
  path: string;
  /** Schema steps to apply; the default is the project's own list. */
  migrations?: readonly Migration[];
}

export class SqliteMetaStore implements MetaStore {
  readonly #db: Db;
  readonly #documents = new Map<string, SqliteDocuments<unknown>>();
  readonly #timelines = new Map<string, SqliteTimeline<unknown>>();
  #inTransaction = false;

  constructor(options: SqliteMetaStoreOptions) {
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash; only an OS crash can lose the last commits.
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    applyMigrations(this.#db, options.migrations ?? MIGRATIONS);
  }

  /** The applied schema version, for diagnostics and tests. */
  schemaVersion(): number {
    const row = this.#db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    return row.v ?? 0;
  }

  documents<T>(kind: string): DocumentCollection<T> {
    let collection = this.#documents.get(kind);
    if (!collection) {
      collection = new SqliteDocuments(this.#db, kind);
      this.#documents.set(kind, collection);
    }
    return collection as DocumentCollection<T>;
  }

  timeline<T>(kind: string): Timeline<T> {
    let timeline = this.#timelines.get(kind);
    if (!timeline) {
      timeline = new SqliteTimeline(this.#db, kind);
      this.#timelines.set(kind, timeline);
    }
    return timeline as Timeline<T>;
  }

  async transaction<R>(work: () => Promise<R>): Promise<R> {
    if (this.#inTransaction) return work();
    // Every call on this store completes synchronously, so as long as `work` awaits only this
    // store, it finishes within one macrotask and no other request can interleave its writes.
    this.#inTransaction = true;
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      this.#db.exec('COMMIT');
      return result;
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    } finally {
      this.#inTransaction = false;
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function applyMigrations(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
}

type Statements<K extends string> = Record<K, Database.Statement>;

/** One kind's share of a table shared by all kinds, with its statements prepared once. */
class KindRows<K extends string> {
  protected readonly kind: string;
  protected readonly sql: Statements<K>;

  constructor(db: Db, kind: string, sql: Record<K, string>) {
    this.kind = kind;
    this.sql = {} as Statements<K>;
    for (const name of Object.keys(sql) as K[]) this.sql[name] = db.prepare(sql[name]);
  }
}

/** A stored document's JSON, or undefined when no row matched. */
function docOf<T>(row: unknown): T | undefined {
  return row ? (JSON.parse((row as { doc: string }).doc) as T) : undefined;
}

const DOCUMENT_SQL = {
  get: 'SELECT doc FROM documents WHERE kind = ? AND id = ?',
  insert: 'INSERT OR IGNORE INTO documents (kind, id, doc) VALUES (?, ?, ?)',
  put: 'INSERT OR REPLACE INTO documents (kind, id, doc) VALUES (?, ?, ?)',
  delete: 'DELETE FROM documents WHERE kind = ? AND id = ?',
  list: 'SELECT id, doc FROM documents WHERE kind = ? AND id >= ? AND id < ? ORDER BY id LIMIT ? OFFSET ?',
  count: 'SELECT COUNT(*) AS n FROM documents WHERE kind = ? AND id >= ? AND id < ?',
};

class SqliteDocuments<T> extends KindRows<keyof typeof DOCUMENT_SQL> implements DocumentCollection<T> {
  constructor(db: Db, kind: string) {
    super(db, kind, DOCUMENT_SQL);
  }

  async get(id: string): Promise<T | undefined> {
    return docOf<T>(this.sql.get.get(this.kind, id));
  }

  async insert(id: string, doc: T): Promise<boolean> {
    return this.sql.insert.run(this.kind, id, JSON.stringify(doc)).changes > 0;
  }

  async put(id: string, doc: T): Promise<void> {
    this.sql.put.run(this.kind, id, JSON.stringify(doc));
  }

  async delete(id: string): Promise<boolean> {
    return this.sql.delete.run(this.kind, id).changes > 0;
  }

  async list(options: ListOptions = {}): Promise<StoredDocument<T>[]> {
    const prefix = options.prefix ?? '';
    const rows = this.sql.list.all(
      this.kind,
      prefix,
      prefix + MAX_CHAR,
      options.limit ?? -1,
      options.offset ?? 0,
    ) as { id: string; doc: string }[];
    return rows.map((r) => ({ id: r.id, doc: JSON.parse(r.doc) as T }));
  }

  async count(prefix = ''): Promise<number> {
    return (this.sql.count.get(this.kind, prefix, prefix + MAX_CHAR) as { n: number }).n;
  }
}

const IN_RANGE = 'kind = ? AND partition = ? AND time >= ? AND time <= ?';
const AT_KEY = 'kind = ? AND partition = ? AND time = ? AND id = ?';

const TIMELINE_SQL = {
  get: `SELECT doc FROM timeline WHERE ${AT_KEY}`,
  put: 'INSERT OR REPLACE INTO timeline (kind, partition, time, id, doc) VALUES (?, ?, ?, ?, ?)',
  delete: `DELETE FROM timeline WHERE ${AT_KEY}`,
  rangeAsc: `SELECT partition, time, id, doc FROM timeline WHERE ${IN_RANGE} ORDER BY time, id LIMIT ? OFFSET ?`,
  rangeDesc: `SELECT partition, time, id, doc FROM timeline WHERE ${IN_RANGE} ORDER BY time DESC, id DESC LIMIT ? OFFSET ?`,
  count: `SELECT COUNT(*) AS n FROM timeline WHERE ${IN_RANGE}`,
  deleteRange: `DELETE FROM timeline WHERE ${IN_RANGE}`,
  partitions: 'SELECT DISTINCT partition FROM timeline WHERE kind = ? ORDER BY partition',
};

class SqliteTimeline<T> extends KindRows<keyof typeof TIMELINE_SQL> implements Timeline<T> {
  constructor(db: Db, kind: string) {
    super(db, kind, TIMELINE_SQL);
  }

  async get(key: TimelineKey): Promise<T | undefined> {
    return docOf<T>(this.sql.get.get(this.kind, key.partition, key.time, key.id));
  }

  async put(key: TimelineKey, doc: T): Promise<void> {
    this.sql.put.run(this.kind, key.partition, key.time, key.id, JSON.stringify(doc));
  }

  async delete(key: TimelineKey): Promise<boolean> {
    return this.sql.delete.run(this.kind, key.partition, key.time, key.id).changes > 0;
  }

  async range(partition: string, options: RangeOptions = {}): Promise<TimelineRecord<T>[]> {
    const statement = options.order === 'desc' ? this.sql.rangeDesc : this.sql.rangeAsc;
    const rows = statement.all(...this.#inRange(partition, options), options.limit ?? -1, options.offset ?? 0) as {
      partition: string;
      time: number;
      id: string;
      doc: string;
    }[];
    return rows.map((r) => ({ partition: r.partition, time: r.time, id: r.id, doc: JSON.parse(r.doc) as T }));
  }

  async count(partition: string, options: Pick<RangeOptions, 'from' | 'to'> = {}): Promise<number> {
    return (this.sql.count.get(...this.#inRange(partition, options)) as { n: number }).n;
  }

  async deleteRange(partition: string, options: Pick<RangeOptions, 'from' | 'to'> = {}): Promise<number> {
    return this.sql.deleteRange.run(...this.#inRange(partition, options)).changes;
  }

  async partitions(): Promise<string[]> {
    return (this.sql.partitions.all(this.kind) as { partition: string }[]).map((r) => r.partition);
  }

  /** The parameters of IN_RANGE: an open end of the range is the widest safe integer. */
  #inRange(partition: string, options: Pick<RangeOptions, 'from' | 'to'>): [string, string, number, number] {
    return [this.kind, partition, options.from ?? Number.MIN_SAFE_INTEGER, options.to ?? Number.MAX_SAFE_INTEGER];
  }
}
