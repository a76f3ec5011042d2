// The pipeline description: what a compiled TICKscript asks the engine to build (the contract with src/pipeline/).

/**
 * # How a script becomes a description
 *
 * `compileTask(script, vars)` (src/tick/index.ts) parses and evaluates a TICKscript and returns a
 * {@link Pipeline}: a DAG of {@link PipelineNode}s in Kapacitor's order. Every node carries
 *
 * - `kind`: what to build. For most nodes the TICKscript chaining-method name (`from`, `window`,
 *   `httpOut`, `influxDBOut`, `stateDuration`, ...); roots are `stream`, `batch` and `stats`;
 *   every InfluxQL function (`mean`, `count`, `percentile`, `top`, `movingAverage`, ...) has
 *   `kind` = its name and `influxql: true`; `@myUdf()` gives kind `udf`; the node Kapacitor adds
 *   under a `stats` source is `noOp`.
 * - `desc` and `name`: Kapacitor's DOT names (`http_out`, `influxdb_out`, `groupby`, `mean`,
 *   `movingAverage`; `name` = desc + id, e.g. `http_out6`). `id` is Kapacitor's creation counter
 *   (a join linked from two parents consumes two ids, as in Kapacitor).
 * - `args`: the chaining method's arguments, in order, a single list argument spread
 *   (`groupBy(['a','b'])` ≡ `groupBy('a','b')`). Nodes given to `join()`/`union()` are *not*
 *   in `args`: they are `parents[1..]`.
 * - `props`: property values set with `.name(...)`, keyed by the TICKscript spelling
 *   (`period`, `every`, `retentionPolicy`, `align`, `as`, `tag`, `where` ...). The shape depends on
 *   the property's mode in the catalogue (src/tick/catalogue.ts, `PropertySpec.mode`):
 *     - `field`: one value, the last call wins (`.period(10s)` → `{type:'duration', ns}`);
 *     - `flag`: `true` once called (`.align()`, `.create()`, `.stateChangesOnly()`); some flags take
 *       optional args, which are kept in `calls` too (`.stateChangesOnly(5m)`, `.keep('a')`);
 *     - `list`: the call's arguments as an array, the last call wins (`.as('a','b')`, `.groupBy(*)`,
 *       `.on('host')`, `.keep('a','b')`);
 *     - `calls`: every call's argument array, appended (`.tag(k, v)` twice → `[[k1,v1],[k2,v2]]`;
 *       `from().where(l1).where(l2)` → `[[l1],[l2]]`, which the engine ANDs together).
 *   `calls` also records the raw argument arrays of every call, so nothing a script said is lost.
 *   `props` starts with Kapacitor's defaults where the engine needs them (alert `id`/`message`/
 *   `details` templates and `history` 21n, derivative and stateDuration `unit` 1s, derivative
 *   `as` = field, stateDuration/stateCount `as`, InfluxQL `as` = function name, join/flatten/combine
 *   `delimiter` '.', influxDBOut `buffer` 1000n and `flushInterval` 10s, log `level` 'INFO').
 *   Chaining-method arguments Kapacitor stores as fields are mirrored into `props` too (`where`/
 *   `stateDuration` `lambda`, `httpOut` `endpoint`, `shift` `shift`, `eval` `lambdas`, `groupBy`
 *   `dimensions`, `query` `queryStr`, InfluxQL `field`, `sample` `n` or `duration`).
 * - `handlers`: on `alert` nodes, one entry per inline handler (`.post(url).header(k, v)`,
 *   `.slack().channel('#x')`, `.log('/tmp/a.log')`...), with its own args and props. Topic and
 *   behaviour properties (`crit`, `id`, `message`, `topic` ...) stay on the alert node's `props`.
 *
 * # Values
 *
 * Values are plain JavaScript where the type is unambiguous, tagged objects otherwise:
 * string → `string`; TICKscript float → `number`; int → `bigint` (as field values, see
 * src/core/point.ts); bool → `boolean`; duration → {@link DurationValue} (ns); regex →
 * {@link RegexValue}; `*` → {@link StarValue}; `lambda: ...` → {@link CompiledLambda} (see
 * src/tick/lambda/types.ts: compiled once, evaluated per point with a per-group state);
 * `time(1m)` inside a batch `groupBy` → {@link TimeDimensionValue}; lists → `Value[]`.
 */

import type { CompiledLambda } from './lambda/types.ts';

export type { CompiledLambda } from './lambda/types.ts';

/** What flows on an edge: single points, batches, or nothing (terminal nodes like influxDBOut). */
export type EdgeKind = 'stream' | 'batch' | 'none';

/** A TICKscript duration literal or duration var, exact in nanoseconds. */
export interface DurationValue {
  readonly type: 'duration';
  readonly ns: number;
}

/** A regex literal `/.../`, with the source text (after `\/` unescaping) Kapacitor compiles. */
export interface RegexValue {
  readonly type: 'regex';
  readonly source: string;
  readonly regex: RegExp;
}

/** The `*` literal (`groupBy(*)`). */
export interface StarValue {
  readonly type: 'star';
}

/** `time(10m)` or `time(10m, 5s)` used as a group-by dimension of a batch `query` node. */
export interface TimeDimensionValue {
  readonly type: 'time';
  /** The interval length in ns. */
  readonly every: number;
  /** The optional second argument (ns; negative, like QueryNode.offset, shifts earlier). */
  readonly offset?: number;
}

/** The literals a script's evaluator and its pipeline description hold alike. */
export type LiteralValue = string | number | bigint | boolean | DurationValue | RegexValue | StarValue | TimeDimensionValue;

export type Value = LiteralValue | CompiledLambda | readonly Value[];

/** Where in the script something was written: 1-based line, 1-based byte column (Kapacitor's "char"). */
export interface ScriptPosition {
  readonly line: number;
  readonly char: number;
}

/** An inline alert handler (`.post(...)`, `.slack()`, `.log(path)` ...) with its own properties. */
export interface AlertHandlerDesc {
  /** The property method that created it: `post`, `tcp`, `email`, `exec`, `log`, `slack`, ... */
  readonly kind: string;
  readonly args: readonly Value[];
  readonly props: Record<string, Value>;
  readonly calls: Record<string, Value[][]>;
}

export interface PipelineNode {
  readonly id: number;
  /** What to build, see the module comment. */
  readonly kind: string;
  /** Kapacitor's DOT description (`from`, `http_out`, `influxdb_out`, `mean`, UDF name ...). */
  readonly desc: string;
  /** `desc + id`: `stream0`, `from1`, `http_out6`. */
  readonly name: string;
  /** Kapacitor's Go type name, used in messages: `*pipeline.FromNode`. */
  readonly goType: string;
  /** True for InfluxQL functions (mean, count, top, movingAverage ...). */
  readonly influxql: boolean;
  readonly wants: EdgeKind;
  readonly provides: EdgeKind;
  /** Parents in link order (a join's first parent is the node `join()` was called on). */
  readonly parents: PipelineNode[];
  /** Children in creation order (the static DOT order). */
  readonly children: PipelineNode[];
  readonly args: readonly Value[];
  readonly props: Record<string, Value>;
  readonly calls: Record<string, Value[][]>;
  /** Inline alert handlers, in script order (alert nodes only; empty elsewhere). */
  readonly handlers: AlertHandlerDesc[];
  /** `.quiet()` was called: count errors but do not log them. */
  readonly quiet: boolean;
  /** Where the node was created in the script (the chaining call), for runtime error messages. */
  readonly position: ScriptPosition;
  /** For `stats` roots: the observed node. */
  readonly observes?: PipelineNode;
}

export interface DBRP {
  readonly db: string;
  readonly rp: string;
}

export interface Pipeline {
  /** `stream` or `batch`, inferred from the script's roots. */
  readonly type: 'stream' | 'batch';
  /** Every node in Kapacitor's topological order (the order DOT and the engine walk). */
  readonly nodes: readonly PipelineNode[];
  /** Source nodes: the stream/batch root first, then any `stats` roots. */
  readonly sources: readonly PipelineNode[];
  /** `dbrp "db"."rp"` statements found in the script (implicit dbrps), in script order. */
  readonly dbrps: readonly DBRP[];
}

export function isDuration(v: Value | undefined): v is DurationValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { type?: string }).type === 'duration';
}

export function isRegex(v: Value | undefined): v is RegexValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { type?: string }).type === 'regex';
}

export function isStar(v: Value | undefined): v is StarValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { type?: string }).type === 'star';
}

export function isLambda(v: Value | undefined): v is CompiledLambda {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { type?: string }).type === 'lambda';
}

export function isTimeDimension(v: Value | undefined): v is TimeDimensionValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { type?: string }).type === 'time';
}
