import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteMetaStore } from '../../meta/sqlite-meta-store.ts';
import { UidTables, validateName } from './uid-table.ts';

describe('UidTables', () => {
  it('assigns per kind from 1, keeps assignments across reopen, continues the counter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uid-table-'));
    try {
      const path = join(dir, 'meta.db');
      let meta = new SqliteMetaStore({ path });
      let tables = await UidTables.open(meta);
      await tables.ensure('metric', ['b', 'a']);
      await tables.ensure('tagk', ['host']);
      assert.equal(tables.uid('metric', 'b'), 1);
      assert.equal(tables.uid('metric', 'a'), 2);
      assert.equal(tables.uid('tagk', 'host'), 1);
      await meta.close();
      meta = new SqliteMetaStore({ path });
      tables = await UidTables.open(meta);
      assert.equal(tables.uid('metric', 'a'), 2);
      assert.equal(tables.name('metric', 1), 'b');
      await tables.ensure('metric', ['a', 'c']);
      assert.equal(tables.uid('metric', 'c'), 3);
      await meta.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('assign reports taken and invalid names; suggest is sorted, prefixed, capped', async () => {
    const meta = new SqliteMetaStore({ path: ':memory:' });
    const tables = await UidTables.open(meta);
    const out = await tables.assign('tagv', ['web02', 'web01', 'web01', 'bad value']);
    assert.deepEqual([...out], [
      ['web02', { uid: '000001' }],
      ['web01', { uid: '000002' }],
      ['bad value', { error: 'Invalid tagv ("bad value"): illegal character:  ' }],
    ]);
    const again = await tables.assign('tagv', ['web01']);
    assert.deepEqual(again.get('web01'), { error: 'Name already exists with UID: 000002' });
    assert.deepEqual(tables.suggest('tagv', 'web', 25), ['web01', 'web02']);
    assert.deepEqual(tables.suggest('tagv', 'web', 1), ['web01']);
    assert.deepEqual(tables.suggest('tagv', 'x', 5), []);
    assert.throws(() => tables.require('metric', 'nope'), { message: "No such name for 'metrics': 'nope'" });
    await meta.close();
  });

  it('concurrent look-ups meeting the same new name give it one UID', async () => {
    const meta = new SqliteMetaStore({ path: ':memory:' });
    const tables = await UidTables.open(meta);
    await Promise.all([tables.ensure('metric', ['x', 'y']), tables.ensure('metric', ['y', 'x']), tables.ensure('metric', ['z'])]);
    assert.deepEqual([tables.uid('metric', 'x'), tables.uid('metric', 'y'), tables.uid('metric', 'z')], [1, 2, 3]);
    const reopened = await UidTables.open(meta);
    assert.equal(reopened.uid('metric', 'z'), 3);
    assert.equal(reopened.name('metric', 3), 'z');
    await meta.close();
  });

  it('name rules: letters, digits, -_./ and Unicode letters', () => {
    validateName('metric', 'sys.cpu-0_a/b');
    validateName('tagv', 'München');
    assert.throws(() => validateName('metric', 'a:b'), { message: 'Invalid metric ("a:b"): illegal character: :' });
  });
});
