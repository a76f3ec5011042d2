// Tests for the shared LIKE and sed replacement conversions.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeRegExp, likeToRegExp, sedReplacement } from './text-patterns.ts';

describe('likeToRegExp', () => {
  it('reads % as any run and _ as one character, across line breaks, anchored at both ends', () => {
    const re = likeToRegExp('a%b_');
    assert.equal(re.test('ab\n'), true);
    assert.equal(re.test('a\nxbc'), true);
    assert.equal(re.test('ab'), false);
    assert.equal(re.test('xab\nc'), false);
    assert.equal(re.test('ab\ncd'), false);
  });

  it('matches regular expression syntax literally', () => {
    assert.equal(likeToRegExp('a.b*(c)[d]$').test('a.b*(c)[d]$'), true);
    assert.equal(likeToRegExp('a.b').test('axb'), false);
    assert.equal(likeToRegExp('\\%').test('\\anything'), true);
  });

  it('counts an astral character as one _ only with the u flag', () => {
    assert.equal(likeToRegExp('_', 'u').test('😀'), true);
    assert.equal(likeToRegExp('_').test('😀'), false);
    assert.equal(likeToRegExp('__').test('😀'), true);
  });
});

describe('escapeRegExp', () => {
  it('escapes every syntax character', () => {
    const text = '^.*+?$}{()|[]\\/x';
    assert.equal(new RegExp(`^${escapeRegExp(text)}$`).test(text), true);
  });
});

describe('sedReplacement', () => {
  it('turns \\N group references into $N and leaves the rest', () => {
    assert.equal(sedReplacement('<\\2-\\1>'), '<$2-$1>');
    assert.equal('ab'.replace(/(a)(b)/, sedReplacement('\\2\\1 \\x')), 'ba \\x');
  });
});
