// The per-group alert state machine: level history, flapping, stateChangesOnly expiry and episode duration.

import { type Level, OK } from './level.ts';

/** The behaviour switches of one alert node that the state machine needs. */
export interface AlertBehaviour {
  /** History length (Kapacitor's `.history(n)`, default 21, at least 2). */
  readonly history: number;
  readonly stateChangesOnly: boolean;
  /** `.stateChangesOnly(d)`: re-emit an unchanged level once `d` ns have passed since the last event (0 = never). */
  readonly stateChangesOnlyNs: number;
  readonly noRecoveries: boolean;
  /** `.flapping(low, high)`; undefined when not used. */
  readonly flapping: { readonly low: number; readonly high: number } | undefined;
}

/** What `observe` decided for one point or batch. */
export const SKIP = 0;
export const EMIT = 1;
/** The event happened (duration and history updated) but `.noRecoveries()` keeps it quiet. */
export const SUPPRESSED = 2;
export type Decision = typeof SKIP | typeof EMIT | typeof SUPPRESSED;

// The newest change weighs 1.5 times the oldest; the weights end at 1.2 (Kapacitor's constants).
const MAX_WEIGHT = 1.2;
const WEIGHT_DIFF = 1.5;

export class AlertState {
  readonly #history: Uint8Array;
  #idx = 0;
  flapping = false;
  changed = false;
  expired = false;
  /** Start of the current non-OK episode (data time). */
  firstMs = 0;
  firstNs = 0;
  /** Time of the last triggered event; -Infinity before any (Go's zero time). */
  lastMs = Number.NEGATIVE_INFINITY;
  lastNs = 0;

  constructor(private readonly b: AlertBehaviour) {
    this.#history = new Uint8Array(Math.max(2, b.history));
  }

  get level(): Level {
    return this.#history[this.#idx] as Level;
  }

  /** The level before the current one in the history. */
  get previous(): Level {
    const h = this.#history;
    return h[(this.#idx + h.length - 1) % h.length] as Level;
  }

  /** Records a level computed for data at time t. */
  addEvent(tMs: number, tNs: number, level: Level): void {
    const h = this.#history;
    this.changed = h[this.#idx] !== level;
    this.#idx = (this.#idx + 1) % h.length;
    h[this.#idx] = level;
    if (this.b.flapping !== undefined) {
      const p = this.percentChange();
      if (this.flapping && p < this.b.flapping.low) this.flapping = false;
      else if (!this.flapping && p > this.b.flapping.high) this.flapping = true;
    }
    const d = this.b.stateChangesOnlyNs;
    this.expired = !this.changed && d !== 0 && (tMs - this.lastMs) * 1e6 + (tNs - this.lastNs) >= d;
  }

  /** Records that an event fired at t; a new episode starts when the level before this one was OK. */
  triggered(tMs: number, tNs: number): void {
    this.lastMs = tMs;
    this.lastNs = tNs;
    if (this.previous === OK) {
      this.firstMs = tMs;
      this.firstNs = tNs;
    }
  }

  /** Nanoseconds from the episode's first event to the last triggered one. */
  duration(): number {
    return (this.lastMs - this.firstMs) * 1e6 + (this.lastNs - this.firstNs);
  }

  /** Weighted share of level changes across the history (newer changes weigh more). */
  percentChange(): number {
    const h = this.#history;
    const l = h.length;
    let changes = 0;
    let weight = MAX_WEIGHT / WEIGHT_DIFF;
    const step = (MAX_WEIGHT - weight) / (l - 1);
    for (let i = 0; i < l - 1; i++) {
      const c = (i + this.#idx) % l;
      const p = c === 0 ? l - 1 : c - 1;
      if (h[c] !== h[p]) changes += weight;
      weight += step;
    }
    return changes / (l - 1);
  }

  /**
   * One point (or one batch, with its overall level and event time): records the level and
   * says whether an event fires. Non-OK levels fire unless flapping or held back by
   * stateChangesOnly; OK fires only as a recovery (a change).
   */
  observe(tMs: number, tNs: number, level: Level): Decision {
    this.addEvent(tMs, tNs, level);
    if ((this.b.flapping !== undefined && this.flapping) || (this.b.stateChangesOnly && !this.changed && !this.expired)) {
      return SKIP;
    }
    if (level === OK && !this.changed) return SKIP;
    this.triggered(tMs, tNs);
    if (this.b.noRecoveries && level === OK) return SUPPRESSED;
    return EMIT;
  }

  /**
   * A batch: the level is the batch's overall level. Unlike points, a recovery of a batch fires
   * even while flapping (Kapacitor's batch rule).
   */
  observeBatch(tMs: number, tNs: number, level: Level): Decision {
    this.addEvent(tMs, tNs, level);
    const fire =
      level === OK
        ? this.changed
        : !((this.b.flapping !== undefined && this.flapping) || (this.b.stateChangesOnly && !this.changed && !this.expired));
    if (!fire) return SKIP;
    this.triggered(tMs, tNs);
    if (this.b.noRecoveries && level === OK) return SUPPRESSED;
    return EMIT;
  }

  /**
   * Seeds a fresh state from a persisted event (restart, redefined task) when its group is first
   * seen at t. Kapacitor restarts the episode at the stored event's time; we keep the episode's
   * real start (event time − duration), so the recovery reports the whole duration.
   */
  restore(tMs: number, tNs: number, level: Level, eventMs: number, eventNs: number, durationNs: number): void {
    this.addEvent(tMs, tNs, level);
    const startNs = eventNs - (durationNs % 1e6);
    const startMs = eventMs - Math.trunc(durationNs / 1e6);
    this.firstMs = startMs + Math.floor(startNs / 1e6);
    this.firstNs = ((startNs % 1e6) + 1e6) % 1e6;
    this.lastMs = eventMs;
    this.lastNs = eventNs;
  }
}
