// The SPL syntax tree: a search body followed by piped commands.

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type SearchNode =
  | { readonly k: 'all' }
  | { readonly k: 'and'; readonly items: readonly SearchNode[] }
  | { readonly k: 'or'; readonly items: readonly SearchNode[] }
  | { readonly k: 'not'; readonly item: SearchNode }
  /** A bare word (may hold `*`) or a quoted phrase, matched against the tokens of `_raw`. */
  | { readonly k: 'term'; readonly text: string; readonly phrase: boolean }
  | { readonly k: 'cmp'; readonly field: string; readonly op: CompareOp; readonly value: string; readonly quoted: boolean }
  | { readonly k: 'in'; readonly field: string; readonly values: readonly string[] };

/** `earliest=...` / `latest=...` (and Pandora's `start` / `end`), resolved when the query runs. */
export interface TimeModifier {
  readonly which: 'earliest' | 'latest';
  readonly value: string;
  readonly column: number;
}

export type Expr =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'null' }
  | { readonly k: 'field'; readonly name: string }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly column: number }
  | { readonly k: 'neg'; readonly e: Expr }
  | { readonly k: 'not'; readonly e: Expr }
  | { readonly k: 'bin'; readonly op: string; readonly l: Expr; readonly r: Expr };

export type AggFn = 'count' | 'dc' | 'sum' | 'avg' | 'min' | 'max' | 'values' | 'list' | 'earliest' | 'latest';

export interface Aggregation {
  readonly fn: AggFn;
  /** Undefined for `count` / `count()`. */
  readonly field: string | undefined;
  /** Output column: the `as` name or `fn(field)` (`count` for a bare count). */
  readonly as: string;
}

export interface SortKey {
  readonly field: string;
  readonly desc: boolean;
}

export type Command = { readonly column: number } & (
  | { readonly name: 'search'; readonly body: SearchNode }
  | { readonly name: 'where'; readonly expr: Expr }
  | { readonly name: 'eval'; readonly assigns: readonly { field: string; expr: Expr }[] }
  | { readonly name: 'stats'; readonly aggs: readonly Aggregation[]; readonly by: readonly string[] }
  | {
      readonly name: 'timechart';
      /** Bucket width in ms; undefined = chosen from the time range. */
      readonly spanMs: number | undefined;
      readonly limit: number;
      readonly agg: Aggregation;
      readonly by: string | undefined;
    }
  | { readonly name: 'sort'; readonly limit: number; readonly keys: readonly SortKey[] }
  | { readonly name: 'head' | 'tail'; readonly count: number }
  | { readonly name: 'table'; readonly patterns: readonly string[] }
  | { readonly name: 'fields'; readonly remove: boolean; readonly patterns: readonly string[] }
  | { readonly name: 'rename'; readonly pairs: readonly { from: string; to: string }[] }
  | { readonly name: 'dedup'; readonly count: number; readonly fields: readonly string[]; readonly sortBy: readonly SortKey[] }
  | {
      readonly name: 'top';
      readonly limit: number;
      readonly showPercent: boolean;
      readonly countField: string;
      readonly percentField: string;
      readonly fields: readonly string[];
      readonly by: readonly string[];
    }
  | {
      readonly name: 'rex';
      readonly field: string;
      readonly regex: RegExp;
      readonly maxMatch: number;
      /** For `mode=sed`: the replacement applied instead of extracting groups. */
      readonly sed: { readonly pattern: RegExp; readonly replacement: string } | undefined;
    }
);

export interface Query {
  readonly text: string;
  readonly search: SearchNode;
  readonly time: readonly TimeModifier[];
  readonly commands: readonly Command[];
}
