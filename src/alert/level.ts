// Alert levels: OK < INFO < WARNING < CRITICAL, with Kapacitor's names and its lenient level parser.

import { unknownLevel } from './errors.ts';

export const OK = 0;
export const INFO = 1;
export const WARNING = 2;
export const CRITICAL = 3;

export type Level = 0 | 1 | 2 | 3;

export const LEVEL_NAMES = ['OK', 'INFO', 'WARNING', 'CRITICAL'] as const;
export type LevelName = (typeof LEVEL_NAMES)[number];

const PACKED = 'OKINFOWARNINGCRITICAL';
const OFFSETS = [0, 2, 6, 13];

export function levelName(l: Level): LevelName {
  return LEVEL_NAMES[l];
}

/**
 * Kapacitor's ParseLevel: the upper-cased text is searched in "OKINFOWARNINGCRITICAL" and must
 * start at a level's offset, so "" and "o" mean OK and "warn" means WARNING; anything else is an
 * error with the text as given (`unknown alert level 'X'`).
 */
export function parseLevel(text: string): Level {
  const at = PACKED.indexOf(text.toUpperCase());
  const l = OFFSETS.indexOf(at);
  if (at < 0 || l < 0) throw unknownLevel(text.toUpperCase());
  return l as Level;
}

/** Exact names only (stored event states, handler bodies read back). */
export function levelOf(name: string): Level {
  const l = LEVEL_NAMES.indexOf(name as LevelName);
  if (l < 0) throw unknownLevel(name);
  return l as Level;
}
