// OpenTSDB TSUIDs: 3-byte UIDs in upper-case hex, the metric UID then tagk‖tagv pairs in byte order.

import { badHex, uidEmpty } from '../errors.ts';

/** Bytes per UID of each kind (OpenTSDB's default `tsd.storage.uid.width.*`). */
export const UID_WIDTH = 3;
/** Largest UID that fits the width. */
export const MAX_UID = 2 ** (8 * UID_WIDTH) - 1;

export type UidKind = 'metric' | 'tagk' | 'tagv';
export const UID_KINDS: readonly UidKind[] = ['metric', 'tagk', 'tagv'];

/** A UID number as OpenTSDB prints it: `000001`. */
export function uidToHex(uid: number): string {
  return uid.toString(16).toUpperCase().padStart(UID_WIDTH * 2, '0');
}

/**
 * Canonical form of a hex UID or TSUID (OpenTSDB's `UniqueId.stringToUid`): odd lengths are
 * left-padded with `0`, either case is accepted, the result is upper case.
 */
export function canonicalHex(text: string): string {
  if (text.length === 0) throw uidEmpty();
  if (!/^[0-9a-fA-F]+$/.test(text)) throw badHex(text);
  const even = text.length % 2 === 1 ? `0${text}` : text;
  return even.toUpperCase();
}

/** The TSUID of a metric UID and (tagk UID, tagv UID) pairs, pairs sorted by byte order. */
export function buildTsuid(metric: number, pairs: readonly (readonly [number, number])[]): string {
  const hexPairs = pairs.map(([k, v]) => uidToHex(k) + uidToHex(v)).sort();
  return uidToHex(metric) + hexPairs.join('');
}

/** Splits a canonical TSUID into its metric UID and pair UIDs; undefined when the length does not fit. */
export function splitTsuid(tsuid: string): { metric: number; pairs: [number, number][] } | undefined {
  const w = UID_WIDTH * 2;
  if (tsuid.length < w || (tsuid.length - w) % (2 * w) !== 0 || !/^[0-9A-F]+$/.test(tsuid)) return undefined;
  const metric = Number.parseInt(tsuid.slice(0, w), 16);
  const pairs: [number, number][] = [];
  for (let i = w; i < tsuid.length; i += 2 * w) {
    pairs.push([Number.parseInt(tsuid.slice(i, i + w), 16), Number.parseInt(tsuid.slice(i + w, i + 2 * w), 16)]);
  }
  return { metric, pairs };
}
