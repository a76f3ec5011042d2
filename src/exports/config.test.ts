import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportSettings } from './config.ts';

describe('[exports] settings', () => {
  it('reads every key', () => {
    assert.deepEqual(
      exportSettings({
        timezone: 'Asia/Shanghai',
        'min-interval': '1m',
        'missed-runs': 'skip',
        'default-owner': 'pandora@qiniu.com',
        'unique-names': true,
        'max-rows': 1000,
        'webhook-timeout': '5s',
      }),
      {
        timezone: 'Asia/Shanghai',
        minIntervalMs: 60_000,
        missedRuns: 'skip',
        defaultOwner: 'pandora@qiniu.com',
        uniqueNames: true,
        maxRows: 1000,
        webhookTimeoutMs: 5000,
      },
    );
    assert.deepEqual(exportSettings(undefined), {});
    assert.deepEqual(exportSettings({ min_interval: '10s', missed_runs: 'once' }), { minIntervalMs: 10_000, missedRuns: 'once' });
  });
  it('names the bad key', () => {
    assert.throws(() => exportSettings({ timezone: 'Nowhere/Land' }), /\[exports\] timezone: unknown time zone "Nowhere\/Land"/);
    assert.throws(() => exportSettings({ 'min-interval': 'soon' }), /\[exports\] min-interval must be a duration/);
    assert.throws(() => exportSettings({ 'missed-runs': 'all' }), /\[exports\] missed-runs must be "once" or "skip"/);
    assert.throws(() => exportSettings({ colour: 'red' }), /\[exports\] colour is not a known setting/);
  });
});
