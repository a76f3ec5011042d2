// Line-protocol errors: one entry per bad line, rendered as InfluxDB words them plus the position.

import { DomainError } from '../core/errors.ts';

/** One rejected line: 1-based line number and byte column, the line's text and InfluxDB's reason. */
export interface LineError {
  line: number;
  column: number;
  text: string;
  reason: string;
}

/** `unable to parse '<line>': <reason>` as InfluxDB prints it, followed by where the parser stopped. */
export function formatLineError(e: LineError): string {
  return `unable to parse '${e.text}': ${e.reason} (line ${e.line}, column ${e.column})`;
}

/** A body with at least one bad line. The message joins every line's error with newlines. */
export class LineProtocolError extends DomainError {
  readonly lines: readonly LineError[];

  constructor(lines: readonly LineError[]) {
    super('E_LINE_PROTOCOL', 'invalid', lines.map(formatLineError).join('\n'));
    this.lines = lines;
  }
}
