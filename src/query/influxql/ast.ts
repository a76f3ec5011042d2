// InfluxQL syntax tree: expressions and the statements this server executes.

import type { Duration } from '../../core/time.ts';

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~' | 'AND' | 'OR';

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'integer'; value: bigint }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'duration'; value: Duration; text: string }
  | { kind: 'regex'; value: RegExp }
  | { kind: 'ref'; name: string; type?: 'field' | 'tag' }
  | { kind: 'wildcard'; type?: 'field' | 'tag' }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'paren'; expr: Expr };

export interface SelectField {
  expr: Expr;
  alias?: string;
}

export interface Source {
  database?: string;
  retentionPolicy?: string;
  /** A measurement name or a pattern. */
  name: string | RegExp;
}

export type FillOption =
  | { mode: 'null' }
  | { mode: 'none' }
  | { mode: 'previous' }
  | { mode: 'linear' }
  | { mode: 'value'; value: number | bigint };

export interface GroupByTime {
  interval: Duration;
  offset: Duration;
}

export interface SelectStatement {
  kind: 'select';
  fields: SelectField[];
  sources: Source[];
  condition?: Expr;
  groupByTime?: GroupByTime;
  /** Tag keys to group by; `*` expands to every tag. */
  groupByTags: string[];
  groupByAll: boolean;
  fill: FillOption;
  descending: boolean;
  limit: number;
  offset: number;
  slimit: number;
  soffset: number;
}

export interface ShowStatement {
  kind:
    | 'show_databases'
    | 'show_measurements'
    | 'show_tag_keys'
    | 'show_tag_values'
    | 'show_field_keys'
    | 'show_series'
    | 'show_retention_policies';
  database?: string;
  retentionPolicy?: string;
  sources: Source[];
  condition?: Expr;
  /** SHOW TAG VALUES WITH KEY: `=`/`!=` with a name, `=~`/`!~` with a pattern, or IN (...). */
  key?: { op: '=' | '!=' | '=~' | '!~' | 'IN'; values: Array<string | RegExp> };
  /** SHOW MEASUREMENTS WITH MEASUREMENT ... */
  measurement?: string | RegExp;
  limit: number;
  offset: number;
}

export interface RetentionClause {
  name?: string;
  duration?: Duration;
  replication?: number;
  shardDuration?: Duration;
  default?: boolean;
}

export type Statement =
  | SelectStatement
  | ShowStatement
  | { kind: 'create_database'; name: string; rp?: RetentionClause }
  | { kind: 'drop_database'; name: string }
  | { kind: 'create_retention_policy'; database: string; rp: RetentionClause & { name: string; duration: Duration } }
  | { kind: 'alter_retention_policy'; database: string; name: string; rp: RetentionClause }
  | { kind: 'drop_retention_policy'; database: string; name: string };

/** The expression inside any parentheses. */
export function unparen(e: Expr): Expr {
  return e.kind === 'paren' ? unparen(e.expr) : e;
}
