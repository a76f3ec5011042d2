import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TickSyntaxError } from './errors.ts';
import { lex, T } from './lexer.ts';
import { parse } from './parser.ts';

function parseError(text: string): TickSyntaxError {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof TickSyntaxError, String(err));
    return err;
  }
  assert.fail(`expected a syntax error for ${JSON.stringify(text)}`);
}

test('syntax errors carry Kapacitor text, line and char', () => {
  assert.equal(
    parseError('a\n\n\nvar b = ').message,
    'parser: unexpected EOF line 4 char 9 in "var b = ". expected: "number","string","duration","identifier","TRUE","FALSE","==","(","-","!"',
  );
  assert.equal(
    parseError('a\n\n\nvar b = stream.window()var period)\n\nvar x = 1').message,
    'parser: unexpected ) line 4 char 34 in "var period)". expected: "identifier"',
  );
  const e = parseError('a\n\n\nvar b = stream.window(\nb.period(10s)');
  assert.equal(e.message, 'parser: unexpected EOF line 5 char 14 in "eriod(10s)". expected: ")"');
  assert.deepEqual(e.position, { line: 5, char: 14 });
});

test('lexer errors surface as the unexpected token text', () => {
  assert.equal(parseError("var x = 'abc").message, `parser: unexpected unterminated string line 1 char 9 in "var x = 'abc". expected: "number","string","duration","identifier","TRUE","FALSE","==","(","-","!"`);
  assert.match(parseError('stream|from() # x').message, /^parser: unexpected unknown state, last char: '#' line 1 char 15/);
  assert.match(parseError('var x = 09').message, /^parser: illegal number syntax: "09"/);
});

test('lexer: operators, regex after =~, star vs mult, lambda keyword, durations', () => {
  const types = (s: string) => lex(s).map((t) => t.type);
  assert.deepEqual(types('"a" =~ /x\\/y/'), [T.Reference, T.RegexEqual, T.Regex, T.EOF]);
  assert.deepEqual(types('groupBy(*)'), [T.Ident, T.LParen, T.Star, T.RParen, T.EOF]);
  assert.deepEqual(types('"a" * 2'), [T.Reference, T.Mult, T.Number, T.EOF]);
  assert.deepEqual(types('lambda: lambda'), [T.Lambda, T.Ident, T.EOF]);
  assert.deepEqual(
    lex('10ms 5m 1u 2µ 3w 1.5').map((t) => t.val),
    ['10ms', '5m', '1u', '2µ', '3w', '1.5', ''],
  );
  assert.equal(lex('// a\n// b\nvar')[0]!.type, T.Comment);
  assert.equal(lex('// a\n// b\nvar').length, 3);
});

test('chains are left-associative and share one level', () => {
  const prog = parse("stream|from().measurement('cpu')|window()");
  const top = prog.nodes[0]!;
  assert.equal(top.kind, 'chain');
  if (top.kind !== 'chain') return;
  assert.equal(top.right.kind === 'function' && top.right.name, 'window');
  assert.equal(top.left.kind, 'chain');
});

test('precedence climbing', () => {
  const prog = parse('lambda: "a" + 2 * 3 > 4 AND TRUE OR FALSE');
  const l = prog.nodes[0]!;
  assert.equal(l.kind, 'lambda');
  if (l.kind !== 'lambda') return;
  const or = l.expression;
  assert.ok(or.kind === 'binary' && or.op === T.Or);
});

test('deep nesting fails with a positioned error, not a stack overflow', () => {
  const e = parseError('var x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000));
  assert.match(e.message, /nested too deeply/);
  const u = parseError('var x = ' + '-'.repeat(5000) + '1');
  assert.match(u.message, /nested too deeply/);
  // Left-associative runs and long chains deepen the tree as much as parentheses do.
  assert.match(parseError('var x = ' + '1+'.repeat(20000) + '1').message, /nested too deeply/);
  assert.match(parseError('stream|from()' + '.quiet()'.repeat(20000)).message, /nested too deeply/);
  assert.doesNotThrow(() => parse('var x = ' + '1+'.repeat(500) + '1\nstream|from()' + '.quiet()'.repeat(500)));
});
