// Fires scheduled jobs: a queue sorted by next-fire time, one armed timer, no overlapping runs per job.

import type { Clock } from '../core/time.ts';
import type { Schedule } from './schedule.ts';
import type { TimerHandle, Timers } from './timers.ts';

/**
 * What to do with fires that fell while the server was down (between a job's last fire and the
 * moment it is added again):
 * - `once`: run once right away for the most recent missed fire time, then resume the schedule
 *   (Quartz's default "smart" misfire policy for cron triggers, fire-once-now);
 * - `skip`: forget them and wait for the next fire time.
 * Fires missed because the previous run of the same job was still going are always skipped.
 */
export type MissedRunPolicy = 'once' | 'skip';

export interface FireEvent {
  readonly id: string;
  /** The fire time the run stands for (epoch ms). */
  readonly scheduledMs: number;
  /** The fire before it that this scheduler knows of (the job's last run), if any. */
  readonly previousMs: number | undefined;
  /** True when this run catches up fires missed while the server was down. */
  readonly catchUp: boolean;
}

export interface SchedulerOptions {
  clock: Clock;
  timers: Timers;
  run: (event: FireEvent) => Promise<void>;
  /** Called when a fire is dropped because the job's previous run is still going. */
  onSkip?: (event: FireEvent) => void;
  /** Called when `run` rejects; the schedule carries on. */
  onError?: (event: FireEvent, error: unknown) => void;
  missedRuns?: MissedRunPolicy;
  /** Longest single timer delay; longer waits re-arm (keeps clear of setTimeout's 2^31 ms limit). */
  maxTimerDelayMs?: number;
}

interface Entry {
  readonly id: string;
  readonly schedule: Schedule;
  nextMs: number;
  lastMs: number | undefined;
  catchUp: boolean;
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #entries = new Map<string, Entry>();
  /** Entries with a next fire, sorted by it (ties by id so the order is deterministic). */
  #queue: Entry[] = [];
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: TimerHandle | undefined;
  #started = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /**
   * Schedules (or reschedules) a job. `lastFireMs` is when it last fired, if ever: fires between
   * then and now count as missed and follow the missed-run policy.
   */
  add(id: string, schedule: Schedule, lastFireMs?: number): void {
    this.#unqueue(id);
    const now = this.#options.clock.now().ms;
    const entry: Entry = { id, schedule, nextMs: Number.NaN, lastMs: lastFireMs, catchUp: false };
    const policy = this.#options.missedRuns ?? 'once';
    const firstMissed = lastFireMs === undefined ? undefined : schedule.next(lastFireMs);
    if (policy === 'once' && firstMissed !== undefined && firstMissed <= now) {
      entry.nextMs = schedule.previous(now + 1) ?? firstMissed;
      entry.catchUp = true;
    } else {
      entry.nextMs = schedule.next(now) ?? Number.NaN;
    }
    this.#entries.set(id, entry);
    this.#enqueue(entry);
    this.#arm();
  }

  /** Stops scheduling a job. A run already going finishes. */
  remove(id: string): void {
    this.#unqueue(id);
    this.#entries.delete(id);
    this.#arm();
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** The job's next fire time (epoch ms), if it has one. */
  nextFire(id: string): number | undefined {
    const entry = this.#entries.get(id);
    return entry === undefined || Number.isNaN(entry.nextMs) ? undefined : entry.nextMs;
  }

  isRunning(id: string): boolean {
    return this.#inFlight.has(id);
  }

  start(): void {
    this.#started = true;
    this.#arm();
  }

  /** Disarms the timer; runs already going finish (await `idle`). */
  stop(): void {
    this.#started = false;
    this.#disarm();
  }

  /** Resolves when no run is going. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    if (!this.#started) return;
    const now = this.#options.clock.now().ms;
    while (this.#queue.length > 0 && this.#queue[0].nextMs <= now) {
      const entry = this.#queue.shift()!;
      const event: FireEvent = {
        id: entry.id,
        scheduledMs: entry.nextMs,
        previousMs: entry.lastMs,
        catchUp: entry.catchUp,
      };
      if (this.#inFlight.has(entry.id)) {
        this.#options.onSkip?.(event);
      } else {
        entry.lastMs = entry.nextMs;
        this.#launch(event);
      }
      entry.catchUp = false;
      // A late timer coalesces the fires it slept through into the one just handled.
      entry.nextMs = entry.schedule.next(Math.max(entry.nextMs, now)) ?? Number.NaN;
      this.#enqueue(entry);
    }
    this.#arm();
  };

  #launch(event: FireEvent): void {
    const promise = (async () => {
      try {
        await this.#options.run(event);
      } catch (err) {
        this.#options.onError?.(event, err);
      } finally {
        this.#inFlight.delete(event.id);
      }
    })();
    this.#inFlight.set(event.id, promise);
  }

  #enqueue(entry: Entry): void {
    if (Number.isNaN(entry.nextMs)) return;
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.#queue[mid];
      if (other.nextMs < entry.nextMs || (other.nextMs === entry.nextMs && other.id < entry.id)) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, entry);
  }

  #unqueue(id: string): void {
    const index = this.#queue.findIndex((e) => e.id === id);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  #disarm(): void {
    if (this.#timer !== undefined) {
      this.#options.timers.clear(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(): void {
    this.#disarm();
    if (!this.#started || this.#queue.length === 0) return;
    const delay = this.#queue[0].nextMs - this.#options.clock.now().ms;
    const cap = this.#options.maxTimerDelayMs ?? 3_600_000;
    this.#timer = this.#options.timers.set(this.#onTimer, Math.max(0, Math.min(delay, cap)));
  }
}
