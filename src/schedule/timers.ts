// The timer interface the scheduler arms, with the real implementation and a manual one for tests.

import type { ManualClock } from '../core/time.ts';

export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

/** One-shot timers. The scheduler never reads a clock through them; they only wake it up. */
export interface Timers {
  set(callback: () => void, delayMs: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** Node's timers, unref'd so that an armed schedule alone does not keep the process alive. */
export const systemTimers: Timers = {
  set(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

interface Pending {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * Timers that fire only when `advance` moves the paired ManualClock past them, in due order, with
 * the clock set to each timer's due time while it runs. Tests drive schedules with it and never sleep.
 */
export class ManualTimers implements Timers {
  readonly #clock: ManualClock;
  #pending: Pending[] = [];
  #nextId = 1;

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  set(callback: () => void, delayMs: number): TimerHandle {
    const handle = { id: this.#nextId++ };
    this.#pending.push({ id: handle.id, due: this.#clock.now().ms + Math.max(0, delayMs), callback });
    return handle;
  }

  clear(handle: TimerHandle): void {
    const id = (handle as { id: number }).id;
    this.#pending = this.#pending.filter((p) => p.id !== id);
  }

  /** Timers armed and not yet fired. */
  get size(): number {
    return this.#pending.length;
  }

  /**
   * Moves the clock forward by `ms`, firing every timer that falls due on the way. After each one,
   * `settle` (for example the scheduler's `idle`) is awaited so that the work it started finishes
   * at that instant of simulated time.
   */
  async advance(ms: number, settle?: () => Promise<void>): Promise<void> {
    const target = this.#clock.now().ms + ms;
    for (;;) {
      let first: Pending | undefined;
      for (const p of this.#pending) if (p.due <= target && (first === undefined || p.due < first.due)) first = p;
      if (first === undefined) break;
      const due = first;
      this.#pending = this.#pending.filter((p) => p !== due);
      if (due.due > this.#clock.now().ms) this.#clock.set({ ms: due.due, ns: 0 });
      due.callback();
      if (settle) await settle();
    }
    this.#clock.set({ ms: target, ns: 0 });
  }
}
