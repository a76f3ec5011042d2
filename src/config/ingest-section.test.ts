import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './config.ts';
import { readIngestSection } from './ingest-section.ts';

describe('[ingest]', () => {
  it('falls back to the default worker count when absent', () => {
    assert.deepEqual(readIngestSection(undefined, 1), { parseWorkers: 1 });
    assert.deepEqual(readIngestSection({}, 2), { parseWorkers: 2 });
  });

  it('takes parse-workers from 0 to 16', () => {
    assert.deepEqual(readIngestSection({ 'parse-workers': 0 }, 1), { parseWorkers: 0 });
    assert.deepEqual(readIngestSection({ 'parse-workers': 16 }, 1), { parseWorkers: 16 });
  });

  it('refuses bad values and unknown settings with a message naming them', () => {
    for (const bad of [-1, 17, 1.5, '2']) {
      assert.throws(() => readIngestSection({ 'parse-workers': bad }, 1), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /\[ingest\] parse-workers: expected a whole number from 0 to 16/);
        return true;
      });
    }
    assert.throws(() => readIngestSection({ workers: 1 }, 1), /\[ingest\] workers: unknown setting/);
    assert.throws(() => readIngestSection([], 1), /\[ingest\] must be a table/);
  });
});
