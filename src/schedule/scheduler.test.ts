import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/time.ts';
import { cronSchedule } from './schedule.ts';
import { type FireEvent, type MissedRunPolicy, Scheduler } from './scheduler.ts';
import { ManualTimers } from './timers.ts';

const T0 = Date.parse('2024-02-27T10:00:00Z');

function setup(missedRuns?: MissedRunPolicy, runFor?: (event: FireEvent) => Promise<void>) {
  const clock = new ManualClock({ ms: T0, ns: 0 });
  const timers = new ManualTimers(clock);
  const fired: FireEvent[] = [];
  const skipped: FireEvent[] = [];
  const errors: unknown[] = [];
  const scheduler = new Scheduler({
    clock,
    timers,
    missedRuns,
    run: async (event) => {
      fired.push(event);
      if (runFor) await runFor(event);
    },
    onSkip: (event) => skipped.push(event),
    onError: (_event, err) => errors.push(err),
  });
  const advance = (ms: number) => timers.advance(ms, () => scheduler.idle());
  return { clock, timers, scheduler, fired, skipped, errors, advance };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('Scheduler', () => {
  it('fires a 5-second Quartz schedule on the simulated clock', async () => {
    const { scheduler, fired, advance } = setup();
    scheduler.add('a', cronSchedule('*/5 * * * * ?'));
    scheduler.start();
    assert.equal(scheduler.nextFire('a'), T0 + 5000);
    await advance(4999);
    assert.equal(fired.length, 0);
    await advance(1);
    await advance(10_000);
    assert.deepEqual(
      fired.map((e) => e.scheduledMs - T0),
      [5000, 10_000, 15_000],
    );
    assert.deepEqual(
      fired.map((e) => e.previousMs),
      [undefined, T0 + 5000, T0 + 10_000],
    );
  });

  it('fires several jobs in time order and stops firing removed jobs', async () => {
    const { scheduler, fired, advance } = setup();
    scheduler.add('minutely', cronSchedule('0 * * * * ?'));
    scheduler.add('halfminute', cronSchedule('30 * * * * ?'));
    scheduler.start();
    await advance(90_000);
    assert.deepEqual(
      fired.map((e) => `${e.id}@${(e.scheduledMs - T0) / 1000}`),
      ['halfminute@30', 'minutely@60', 'halfminute@90'],
    );
    scheduler.remove('halfminute');
    await advance(60_000);
    assert.deepEqual(fired.map((e) => e.id).slice(3), ['minutely']);
    assert.equal(scheduler.has('halfminute'), false);
  });

  it('never overlaps runs of one job: fires during a run are skipped', async () => {
    let release: () => void = () => {};
    const { scheduler, timers, fired, skipped } = setup('once', (event) =>
      event.scheduledMs === T0 + 5000 ? new Promise<void>((r) => (release = r)) : Promise.resolve(),
    );
    scheduler.add('slow', cronSchedule('*/5 * * * * ?'));
    scheduler.start();
    // Advance without waiting for runs to settle: the first run is still going at 10 s and 15 s.
    await timers.advance(15_000);
    assert.equal(fired.length, 1);
    assert.equal(scheduler.isRunning('slow'), true);
    assert.deepEqual(
      skipped.map((e) => e.scheduledMs - T0),
      [10_000, 15_000],
    );
    release();
    await scheduler.idle();
    await timers.advance(5000, () => scheduler.idle());
    assert.deepEqual(
      fired.map((e) => e.scheduledMs - T0),
      [5000, 20_000],
    );
    // The skipped fires do not count as the job's last run.
    assert.equal(fired[1].previousMs, T0 + 5000);
  });

  it('a failing run is reported and the schedule carries on', async () => {
    const { scheduler, fired, errors, advance } = setup('once', async () => {
      throw new Error('boom');
    });
    scheduler.add('f', cronSchedule('*/5 * * * * ?'));
    scheduler.start();
    await advance(10_000);
    assert.equal(fired.length, 2);
    assert.equal(errors.length, 2);
    assert.equal(scheduler.nextFire('f'), T0 + 15_000);
  });

  it("missed runs, policy 'once': one catch-up run for the latest missed fire, then the schedule", async () => {
    const { scheduler, fired, advance } = setup('once');
    // Last fired 10:00 three hours before the restart (at T0 = 10:00), hourly schedule: 08:00, 09:00, 10:00 missed.
    const last = T0 - 3 * 3_600_000;
    scheduler.add('h', cronSchedule('0 0 * * * ?'), last);
    assert.equal(scheduler.nextFire('h'), T0);
    scheduler.start();
    await advance(0);
    assert.equal(fired.length, 1);
    assert.deepEqual(fired[0], { id: 'h', scheduledMs: T0, previousMs: last, catchUp: true });
    assert.equal(scheduler.nextFire('h'), T0 + 3_600_000);
    await advance(3_600_000);
    assert.equal(fired.length, 2);
    assert.equal(fired[1].catchUp, false);
    assert.equal(iso(fired[1].scheduledMs), '2024-02-27T11:00:00.000Z');
  });

  it("missed runs, policy 'skip': nothing runs until the next fire time", async () => {
    const { scheduler, fired, advance } = setup('skip');
    scheduler.add('h', cronSchedule('0 0 * * * ?'), T0 - 3 * 3_600_000);
    scheduler.start();
    await advance(3_599_999);
    assert.equal(fired.length, 0);
    await advance(1);
    assert.equal(fired.length, 1);
    assert.equal(fired[0].catchUp, false);
  });

  it('no catch-up when nothing was missed', async () => {
    const { scheduler, fired, advance } = setup('once');
    // The 10:00 fire happened just before the restart at 10:00.
    scheduler.add('h', cronSchedule('0 0 * * * ?'), T0);
    scheduler.start();
    await advance(0);
    assert.equal(fired.length, 0);
    assert.equal(scheduler.nextFire('h'), T0 + 3_600_000);
  });

  it('arms no timer while stopped and keeps at most one timer armed', async () => {
    const { scheduler, timers, fired, advance } = setup();
    scheduler.add('a', cronSchedule('*/5 * * * * ?'));
    scheduler.add('b', cronSchedule('*/7 * * * * ?'));
    assert.equal(timers.size, 0);
    scheduler.start();
    assert.equal(timers.size, 1);
    scheduler.stop();
    assert.equal(timers.size, 0);
    await advance(60_000);
    assert.equal(fired.length, 0);
  });

  it('re-arms long waits in steps no longer than the cap', async () => {
    const { scheduler, fired, advance } = setup();
    scheduler.add('yearly', cronSchedule('0 0 0 1 1 ?'));
    scheduler.start();
    await advance(Date.parse('2025-01-01T00:00:00Z') - T0);
    assert.equal(fired.length, 1);
    assert.equal(iso(fired[0].scheduledMs), '2025-01-01T00:00:00.000Z');
  });
});
