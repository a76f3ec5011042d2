// Which level a point is at: the info/warn/crit expressions and their resets, applied as Kapacitor does.

import { CRITICAL, type Level, OK } from './level.ts';

/** A level or reset test on one point; it may throw (a lambda error), which counts as false. */
export type Predicate<P> = (p: P) => boolean;

export class LevelRules<P> {
  /**
   * @param levels tests indexed by level (index 0, OK, is unused)
   * @param resets reset tests indexed by level
   * @param onError called with the level name context when a test throws
   */
  constructor(
    private readonly levels: readonly (Predicate<P> | undefined)[],
    private readonly resets: readonly (Predicate<P> | undefined)[],
    private readonly onError: (err: unknown, level: Level, reset: boolean) => void,
  ) {}

  /**
   * Levels above the current one are tried first, from CRITICAL down; the first true wins.
   * Otherwise, if the current level has a reset test that is false, the level stays. Otherwise
   * the current level and those below it are tried, down to INFO; nothing true means OK.
   */
  determine(p: P, current: Level): Level {
    const higher = this.#first(p, CRITICAL, current);
    if (higher !== OK) return higher;
    const reset = this.resets[current];
    if (reset !== undefined) {
      try {
        if (!reset(p)) return current;
      } catch (err) {
        this.onError(err, current, true);
      }
    }
    return this.#first(p, current, OK);
  }

  /** The first level from `start` down to (excluding) `stop` whose test passes, else OK. */
  #first(p: P, start: Level, stop: Level): Level {
    for (let l = start; l > stop; l--) {
      const test = this.levels[l];
      if (test === undefined) continue;
      try {
        if (test(p)) return l as Level;
      } catch (err) {
        this.onError(err, l as Level, false);
      }
    }
    return OK;
  }
}
