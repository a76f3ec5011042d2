import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readOpentsdbSection } from './setup.ts';

describe('[opentsdb] section', () => {
  it('defaults: no native port, database "opentsdb", every retention policy', () => {
    assert.deepEqual(readOpentsdbSection(undefined), { port: 0, database: 'opentsdb', retentionPolicy: '' });
  });
  it('reads port, database and retention_policy', () => {
    assert.deepEqual(readOpentsdbSection({ port: 4242, database: 'telegraf', retention_policy: 'autogen' }), {
      port: 4242,
      database: 'telegraf',
      retentionPolicy: 'autogen',
    });
  });
  it('rejects bad values with the key in the message', () => {
    assert.throws(() => readOpentsdbSection({ port: 'x' }), /\[opentsdb\] port/);
    assert.throws(() => readOpentsdbSection({ port: 70000 }), /\[opentsdb\] port/);
    assert.throws(() => readOpentsdbSection({ database: '' }), /\[opentsdb\] database/);
    assert.throws(() => readOpentsdbSection({ database: 5 }), /\[opentsdb\] database/);
  });
});
