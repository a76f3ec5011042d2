// The SPL subset: parse once (at task create/update), run many times over a row source.

export type { Query } from './ast.ts';
export { runSpl, type SplResult, type SplRunOptions } from './executor.ts';
export { parseSpl } from './parser.ts';
export type { RowChunk, RowSource, SourceRequest } from './row-source.ts';
export type { Row, Value } from './values.ts';
