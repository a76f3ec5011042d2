// Runs the metadata-store conformance cases against SQLite, plus its file-level guarantees.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runMetaStoreCases } from './meta-store.cases.ts';
import { SqliteMetaStore } from './sqlite-meta-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'inductor-meta-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runMetaStoreCases({ name: 'sqlite file', create: async () => new SqliteMetaStore({ path: join(dir, `case-${n++}.db`) }) });
runMetaStoreCases({ name: 'sqlite in memory', create: async () => new SqliteMetaStore({ path: ':memory:' }) });

describe('SqliteMetaStore', () => {
  it('keeps documents and timelines across a reopen', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteMetaStore({ path });
    await first.documents<{ a: number }>('tasks').put('t1', { a: 1 });
    await first.timeline<string>('history').put({ partition: 'x', time: 1, id: 'r' }, 'ok');
    await first.close();
    const second = new SqliteMetaStore({ path });
    assert.deepEqual(await second.documents('tasks').get('t1'), { a: 1 });
    assert.equal(await second.timeline('history').get({ partition: 'x', time: 1, id: 'r' }), 'ok');
    await second.close();
  });

  it('applies each migration once, in version order', async () => {
    const path = join(dir, 'migrations.db');
    const migrations = [
      { version: 2, name: 'second', sql: 'INSERT INTO steps VALUES (2);' },
      { version: 1, name: 'first', sql: 'CREATE TABLE steps (n INTEGER);' },
    ];
    const store = new SqliteMetaStore({ path, migrations });
    assert.equal(store.schemaVersion(), 2);
    await store.close();
    const again = new SqliteMetaStore({
      path,
      migrations: [...migrations, { version: 3, name: 'third', sql: 'INSERT INTO steps VALUES (3);' }],
    });
    assert.equal(again.schemaVersion(), 3);
    await again.close();
  });
});
