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

class SqliteDocuments<T> implements DocumentCollection<T> {
  readonly #kind: string;
  readonly #get: Database.Statement;
  readonly #insert: Database.Statement;
  readonly #put: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #list: Database.Statement;
  readonly #count: Database.Statement;

  constructor(db: Db, kind: string) {
    this.#kind = kind;
    this.#get = db.prepare('SELECT doc FROM documents WHERE kind = ? AND id = ?');
    this.#insert = db.prepare('INSERT OR IGNORE INTO documents (kind, id, doc) VALUES (?, ?, ?)');
    this.#put = db.prepare('INSERT OR REPLACE INTO documents (kind, id, doc) VALUES (?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM documents WHERE kind = ? AND id = ?');
    this.#list = db.prepare(
      'SELECT id, doc FROM documents WHERE kind = ? AND id >= ? AND id < ? ORDER BY id LIMIT ? OFFSET ?',
    );
    this.#count = db.prepare('SELECT COUNT(*) AS n FROM documents WHERE kind = ? AND id >= ? AND id < ?');
  }

  async get(id: string): Promise<T | undefined> {
    const row = this.#get.get(this.#kind, id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  async insert(id: string, doc: T): Promise<boolean> {
    return this.#insert.run(this.#kind, id, JSON.stringify(doc)).changes > 0;
  }

  async put(id: string, doc: T): Promise<void> {
    this.#put.run(this.#kind, id, JSON.stringify(doc));
  }

  async delete(id: string): Promise<boolean> {
    return this.#delete.run(this.#kind, id).changes > 0;
  }

  async list(options: ListOptions = {}): Promise<StoredDocument<T>[]> {
    const prefix = options.prefix ?? '';
    const rows = this.#list.all(
      this.#kind,
      prefix,
      prefix + MAX_CHAR,
      options.limit ?? -1,
      options.offset ?? 0,
    ) as { id: string; doc: string }[];
    return rows.map((r) => ({ id: r.id, doc: JSON.parse(r.doc) as T }));
  }

  async count(prefix = ''): Promise<number> {
    return (this.#count.get(this.#kind, prefix, prefix + MAX_CHAR) as { n: number }).n;
  }
}

class SqliteTimeline<T> implements Timeline<T> {
  readonly #kind: string;
  readonly #get: Database.Statement;
  readonly #put: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #rangeAsc: Database.Statement;
  readonly #rangeDesc: Database.Statement;
  readonly #count: Database.Statement;
  readonly #deleteRange: Database.Statement;
  readonly #partitions: Database.Statement;

  constructor(db: Db, kind: string) {
    this.#kind = kind;
    const where = 'kind = ? AND partition = ? AND time >= ? AND time <= ?';
    this.#get = db.prepare('SELECT doc FROM timeline WHERE kind = ? AND partition = ? AND time = ? AND id = ?');
    this.#put = db.prepare('INSERT OR REPLACE INTO timeline (kind, partition, time, id, doc) VALUES (?, ?, ?, ?, ?)');
    this.#delete = db.prepare('DELETE FROM timeline WHERE kind = ? AND partition = ? AND time = ? AND id = ?');
    this.#rangeAsc = db.prepare(
      `SELECT partition, time, id, doc FROM timeline WHERE ${where} ORDER BY time, id LIMIT ? OFFSET ?`,
    );
    this.#rangeDesc = db.prepare(
      `SELECT partition, time, id, doc FROM timeline WHERE ${where} ORDER BY time DESC, id DESC LIMIT ? OFFSET ?`,
    );
    this.#count = db.prepare(`SELECT COUNT(*) AS n FROM timeline WHERE ${where}`);
    this.#deleteRange = db.prepare(`DELETE FROM timeline WHERE ${where}`);
    this.#partitions = db.prepare('SELECT DISTINCT partition FROM timeline WHERE kind = ? ORDER BY partition');
  }

  async get(key: TimelineKey): Promise<T | undefined> {
    const row = this.#get.get(this.#kind, key.partition, key.time, key.id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  async put(key: TimelineKey, doc: T): Promise<void> {
    this.#put.run(this.#kind, key.partition, key.time, key.id, JSON.stringify(doc));
  }

  async delete(key: TimelineKey): Promise<boolean> {
    return this.#delete.run(this.#kind, key.partition, key.time, key.id).changes > 0;
  }

  async range(partition: string, options: RangeOptions = {}): Promise<TimelineRecord<T>[]> {
    const statement = options.order === 'desc' ? this.#rangeDesc : this.#rangeAsc;
    const rows = statement.all(
      this.#kind,
      partition,
      options.from ?? Number.MIN_SAFE_INTEGER,
      options.to ?? Number.MAX_SAFE_INTEGER,
      options.limit ?? -1,
      options.offset ?? 0,
    ) as { partition: string; time: number; id: string; doc: string }[];
    return rows.map((r) => ({ partition: r.partition, time: r.time, id: r.id, doc: JSON.parse(r.doc) as T }));
  }

  async count(partition: string, options: Pick<RangeOptions, 'from' | 'to'> = {}): Promise<number> {
    const row = this.#count.get(
      this.#kind,
      partition,
      options.from ?? Number.MIN_SAFE_INTEGER,
      options.to ?? Number.MAX_SAFE_INTEGER,
    ) as { n: number };
    return row.n;
  }

  async deleteRange(partition: string, options: Pick<RangeOptions, 'from' | 'to'> = {}): Promise<number> {
    return this.#deleteRange.run(
      this.#kind,
      partition,
      options.from ?? Number.MIN_SAFE_INTEGER,
      options.to ?? Number.MAX_SAFE_INTEGER,
    ).changes;
  }

  async partitions(): Promise<string[]> {
    return (this.#partitions.all(this.#kind) as { partition: string }[]).map((r) => r.partition);
  }
}
