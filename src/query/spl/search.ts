// Compiles a search body into a row predicate: terms against the tokens of `_raw`, field comparisons.

import type { SearchNode } from './ast.ts';
import { type Row, type Scalar, type Value, isNull, toNumber, toText, wildcardRegExp } from './values.ts';

export type RowPredicate = (row: Row) => boolean;

const TOKEN_EDGE = '[^\\p{L}\\p{N}_]';

/** A term or phrase as a case-insensitive regular expression bounded by token edges. */
function termRegExp(text: string, phrase: boolean): RegExp {
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const body = phrase ? quote(text) : text.split("*").map(quote).join('\\S*?');
  return new RegExp(`(?:^|${TOKEN_EDGE})${body}(?:$|${TOKEN_EDGE})`, 'iu');
}

function values(v: Value | undefined): Scalar[] {
  if (isNull(v)) return [];
  return Array.isArray(v) ? v : [v as Scalar];
}

/** `field=value`: numeric equality when both sides are numbers, else a case-insensitive wildcard match. */
function equalsMatcher(value: string): (v: Scalar) => boolean {
  const n = toNumber(value);
  const re = wildcardRegExp(value);
  return (v) => {
    if (n !== undefined) {
      const x = toNumber(v);
      if (x !== undefined) return x === n;
    }
    const text = toText(v);
    return text !== undefined && re.test(text);
  };
}

export function compileSearch(node: SearchNode): RowPredicate {
  switch (node.k) {
    case 'all':
      return () => true;
    case 'and': {
      const items = node.items.map(compileSearch);
      return (row) => items.every((p) => p(row));
    }
    case 'or': {
      const items = node.items.map(compileSearch);
      return (row) => items.some((p) => p(row));
    }
    case 'not': {
      const item = compileSearch(node.item);
      return (row) => !item(row);
    }
    case 'term': {
      if (node.text === '*') return () => true;
      const re = termRegExp(node.text, node.phrase);
      return (row) => {
        const raw = toText(row._raw);
        return raw !== undefined && re.test(raw);
      };
    }
    case 'in': {
      const matchers = node.values.map(equalsMatcher);
      const field = node.field;
      return (row) => values(row[field]).some((v) => matchers.some((m) => m(v)));
    }
    default: {
      const { field, op, value } = node;
      if (op === '=' && value === '*') return (row) => !isNull(row[field]);
      if (op === '=' || op === '!=') {
        const m = equalsMatcher(value);
        // `field!=v` needs the field; `NOT field=v` does not.
        return op === '='
          ? (row) => values(row[field]).some(m)
          : (row) => {
              const vs = values(row[field]);
              return vs.length > 0 && !vs.some(m);
            };
      }
      const n = toNumber(value);
      const test = (c: number) => (op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
      return (row) =>
        values(row[field]).some((v) => {
          const x = toNumber(v);
          if (n !== undefined && x !== undefined) return test(x < n ? -1 : x > n ? 1 : 0);
          if (n !== undefined || x !== undefined) return false;
          const t = toText(v)!;
          return test(t < value ? -1 : t > value ? 1 : 0);
        });
    }
  }
}
