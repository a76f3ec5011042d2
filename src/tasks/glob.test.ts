import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchGlob } from './glob.ts';

test("Go's path.Match semantics", () => {
  const cases: Array<[string, string, boolean | 'bad']> = [
    ['a*', 'abc', true],
    ['a*', 'xa', false],
    ['*', '', true],
    ['?1', 'b1', true],
    ['?1', '1', false],
    ['[ab]*', 'bz', true],
    ['[^a]*', 'az', false],
    ['[^a]*', 'bz', true],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['a/*', 'a/b', true],
    ['*', 'a/b', false],
    ['[', 'a', 'bad'],
    ['[]a]', 'a', 'bad'],
    ['[a-]', 'a', 'bad'],
    ['[-a]', 'a', 'bad'],
    ['x\\', 'x', 'bad'],
    ['[\\]]', ']', true],
    ['tásk*', 'tásk7', true],
  ];
  for (const [pattern, name, want] of cases) assert.equal(matchGlob(pattern, name), want, `${pattern} ~ ${name}`);
});
