// TICKscript syntax tree: the node shapes of Kapacitor's tick/ast, with positions and attached comments.

import type { T } from './lexer.ts';

export interface Pos {
  /** Index into the script (UTF-16 code units). */
  readonly pos: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based byte column, as Kapacitor counts it. */
  readonly char: number;
}

export interface CommentNode extends Pos {
  readonly kind: 'comment';
  /** Comment lines without `//`; a `"\n"` entry marks a blank line between comment groups. */
  readonly comments: string[];
}

interface Base extends Pos {
  comment?: CommentNode | undefined;
}

export interface NumberNode extends Base {
  readonly kind: 'number';
  readonly isInt: boolean;
  readonly int: bigint;
  readonly float: number;
  /** 8 for octal literals (`010`), else 10. */
  readonly base: number;
}

export interface DurationNode extends Base {
  readonly kind: 'duration';
  readonly literal: string;
  readonly ns: number;
}

export interface BoolNode extends Base {
  readonly kind: 'bool';
  readonly value: boolean;
}

export interface UnaryNode extends Base {
  readonly kind: 'unary';
  readonly op: T;
  readonly node: ExprNode;
}

export interface BinaryNode extends Base {
  readonly kind: 'binary';
  readonly op: T;
  readonly left: ExprNode;
  readonly right: ExprNode;
  parens: boolean;
  readonly multiLine: boolean;
}

export interface ReferenceNode extends Base {
  readonly kind: 'reference';
  readonly name: string;
}

export interface StringNode extends Base {
  readonly kind: 'string';
  readonly literal: string;
  readonly triple: boolean;
}

export interface RegexNode extends Base {
  readonly kind: 'regex';
  /** The text between the slashes as written (with `\/` escapes). */
  readonly literal: string;
  readonly regex: RegExp;
  /** The pattern after unescaping `\/`. */
  readonly source: string;
}

export interface StarNode extends Base {
  readonly kind: 'star';
}

export interface IdentNode extends Base {
  readonly kind: 'ident';
  readonly name: string;
}

export type FuncType = 'property' | 'chain' | 'dynamic' | 'global';

export interface FunctionNode extends Base {
  readonly kind: 'function';
  readonly funcType: FuncType;
  readonly name: string;
  readonly args: ExprNode[];
  readonly multiLine: boolean;
}

export interface ListNode extends Base {
  readonly kind: 'list';
  readonly nodes: ExprNode[];
}

export interface LambdaNode extends Base {
  readonly kind: 'lambda';
  readonly expression: ExprNode;
}

export interface ChainNode extends Base {
  readonly kind: 'chain';
  readonly op: T.Dot | T.Pipe | T.At;
  readonly left: ExprNode;
  readonly right: FunctionNode | IdentNode;
}

export interface DeclarationNode extends Base {
  readonly kind: 'decl';
  readonly left: IdentNode;
  readonly right: ExprNode;
}

export interface TypeDeclarationNode extends Base {
  readonly kind: 'typedecl';
  readonly node: IdentNode;
  readonly type: IdentNode;
}

export interface DBRPNode extends Base {
  readonly kind: 'dbrp';
  readonly db: ReferenceNode;
  readonly rp: ReferenceNode;
}

export interface ProgramNode extends Pos {
  readonly kind: 'program';
  readonly nodes: StatementNode[];
}

export type ExprNode =
  | NumberNode
  | DurationNode
  | BoolNode
  | UnaryNode
  | BinaryNode
  | ReferenceNode
  | StringNode
  | RegexNode
  | StarNode
  | IdentNode
  | FunctionNode
  | ListNode
  | LambdaNode
  | ChainNode;

export type StatementNode = ExprNode | DeclarationNode | TypeDeclarationNode | DBRPNode | CommentNode;
