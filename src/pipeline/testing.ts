// A harness for engine tests: compiles a TICKscript, runs it on a StreamEngine with a manual clock,
// feeds line protocol through the point router and reads httpOut bodies.

import type { Instant } from '../core/time.ts';
import { ManualClock } from '../core/time.ts';
import { PointRouter } from '../ingest/point-router.ts';
import { parseLineProtocol } from '../lineproto/parse.ts';
import type { Precision } from '../lineproto/precision.ts';
import { evaluateProgram } from '../tick/evaluate.ts';
import { parse } from '../tick/parser.ts';
import type { Pipeline } from '../tick/pipeline.ts';
import { StreamEngine } from './engine.ts';
import type { LogLevel } from './node.ts';
import type { HttpPoster, PointWriter } from './outputs/point-writer.ts';

export interface LogEntry {
  level: LogLevel;
  message: string;
  context: Record<string, unknown>;
}

export class EngineHarness {
  readonly router = new PointRouter();
  readonly clock: ManualClock;
  readonly engine: StreamEngine;
  readonly logs: LogEntry[] = [];

  constructor(
    options: { start?: Instant; writer?: PointWriter; http?: HttpPoster; groupIdleMs?: number } = {},
  ) {
    this.clock = new ManualClock(options.start ?? { ms: 1_700_000_000_000, ns: 0 });
    this.engine = new StreamEngine({
      clock: this.clock,
      subscribe: (db, rp, fn) => this.router.subscribe(db, rp, fn),
      repeat: () => () => {},
      logger: { log: (level, message, context) => this.logs.push({ level, message, context }) },
      writers: () => options.writer,
      http: options.http,
      groupIdleMs: options.groupIdleMs,
    });
  }

  static compile(script: string): Pipeline {
    return evaluateProgram(parse(script), 'stream').pipeline;
  }

  start(id: string, script: string, dbrps: { db: string; rp: string }[] = [{ db: 'db', rp: 'rp' }], groupIdleMs?: number) {
    return this.engine.start({ id, pipeline: EngineHarness.compile(script), dbrps, groupIdleMs });
  }

  write(lines: string | string[], db = 'db', rp = 'rp', precision: Precision = 's'): void {
    const body = Array.isArray(lines) ? lines.join('\n') : lines;
    this.router.publish(parseLineProtocol(Buffer.from(body), { database: db, retentionPolicy: rp, precision, now: this.clock.now() }));
  }

  /** The parsed httpOut body. */
  out(id: string, endpoint: string): { series: Record<string, unknown>[] | null } {
    const body = this.engine.httpOut(id, endpoint);
    if (body === undefined) throw new Error(`no endpoint ${endpoint} on ${id}`);
    return JSON.parse(body);
  }

  /** Moves the wall clock and ticks the engine. */
  advance(ms: number): void {
    this.clock.advance(ms * 1e6);
    this.engine.tick();
  }
}

/** RFC 3339 of `base` seconds plus `s` seconds, as httpOut prints it. */
export function at(baseSeconds: number, s: number): string {
  return new Date((baseSeconds + s) * 1000).toISOString().replace('.000Z', 'Z');
}
