// Job ids: 64-bit decimal strings above 2^53 (like Hazelcast flake ids) that never pass through Number.

import { badJobId } from './errors.ts';

const EPOCH_MS = 1_600_000_000_000;
const MAX_INT64 = (1n << 63n) - 1n;

/** Flake-style generator: milliseconds since a custom epoch in the high bits, a sequence in the low 22. */
export class JobIdGenerator {
  #lastMs = -1;
  #seq = 0;
  constructor(private readonly nowMs: () => number) {}

  next(): string {
    let ms = Math.floor(this.nowMs()) - EPOCH_MS;
    if (ms <= this.#lastMs) {
      ms = this.#lastMs;
      this.#seq++;
      if (this.#seq >= 1 << 22) {
        ms++;
        this.#seq = 0;
      }
    } else this.#seq = 0;
    this.#lastMs = ms;
    return ((BigInt(ms) << 22n) | BigInt(this.#seq)).toString();
  }
}

/**
 * Normalises a job id from a request (a JSON number token or a string) to its canonical decimal
 * text, as Java's Long.parseLong would accept it. The raw text is used, so no digit is lost.
 */
export function parseJobId(raw: string): string {
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) throw badJobId(raw);
  const v = BigInt(text);
  if (v > MAX_INT64 || v < -MAX_INT64 - 1n) throw badJobId(raw);
  return v.toString();
}
