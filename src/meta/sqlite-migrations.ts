// Versioned schema steps of the SQLite metadata store; append new steps, never edit applied ones.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and timelines',
    sql: `
      CREATE TABLE documents (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (kind, id)
      ) WITHOUT ROWID;
      CREATE TABLE timeline (
        kind TEXT NOT NULL,
        partition TEXT NOT NULL,
        time INTEGER NOT NULL,
        id TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (kind, partition, time, id)
      ) WITHOUT ROWID;
    `,
  },
];
