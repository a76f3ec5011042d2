// The alert handler contract: every kind (log, post, tcp, exec, mqtt, smtp, slack, pagerduty, publish, aggregate) implements it.

import type { AlertConfig } from '../alert-config.ts';
import { invalidHandlerOptions } from '../errors.ts';
import type { AlertEvent } from '../event.ts';

export interface AlertHandler {
  readonly kind: string;
  /** Delivers one event; rejects when delivery fails (the topic logs it and goes on). */
  handle(event: AlertEvent): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** What handlers may use besides their options. */
export interface HandlerEnv {
  readonly config: AlertConfig;
  /** Publishes an event into a topic (publish and aggregate actions). */
  collect(event: AlertEvent): void;
}

/** A handler's options as the topic-handler API spells them (`path`, `mode`, `url`, `headers` ...). */
export type HandlerOptions = Record<string, unknown>;

export type HandlerBuilder = (options: HandlerOptions, env: HandlerEnv) => AlertHandler;

export function optString(o: HandlerOptions, key: string, fallback = ''): string {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw invalidHandlerOptions(`option ${key} must be a string`);
  return v;
}

export function optStrings(o: HandlerOptions, key: string): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidHandlerOptions(`option ${key} must be a list of strings`);
  return v as string[];
}

export function optNumber(o: HandlerOptions, key: string, fallback: number): number {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'number') throw invalidHandlerOptions(`option ${key} must be a number`);
  return v;
}

export function optBool(o: HandlerOptions, key: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw invalidHandlerOptions(`option ${key} must be a boolean`);
  return v;
}

export function optRecord(o: HandlerOptions, key: string): Record<string, string> {
  const v = o[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidHandlerOptions(`option ${key} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = String(x);
  return out;
}

/** Runs deliveries one after another, so a handler sees events in the order they happened. */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  push(work: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
    const next = this.#tail.then(work).catch(onError);
    this.#tail = next;
    return next;
  }

  /** Resolves once everything queued so far is done. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
