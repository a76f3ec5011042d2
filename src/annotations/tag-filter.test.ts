import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTagFilter, tagFilterFromPair } from './tag-filter.ts';

describe('tag filters', () => {
  it('literal lists, wildcards, regexps, negation; a missing tag never matches', () => {
    const lit = tagFilterFromPair('host', 'a|b', true);
    assert.equal(lit.groupBy, true);
    assert.deepEqual(['a', 'b', 'c', undefined].map((v) => lit.matches(v)), [true, true, false, false]);
    const star = tagFilterFromPair('host', '*', false);
    assert.deepEqual(['x', undefined].map((v) => star.matches(v)), [true, false]);
    const glob = tagFilterFromPair('host', 'web*.lga', false);
    assert.deepEqual(['web01.lga', 'web01.sjc', 'WEB01.lga'].map((v) => glob.matches(v)), [true, false, false]);
    const iw = buildTagFilter({ type: 'iwildcard', tagk: 'h', filter: 'WEB*' });
    assert.equal(iw.matches('web1'), true);
    const re = tagFilterFromPair('host', 'regexp(^web[0-9]+$)', false);
    assert.deepEqual(['web1', 'webx'].map((v) => re.matches(v)), [true, false]);
    const not = tagFilterFromPair('host', 'not_literal_or(a)', false);
    assert.deepEqual(['a', 'b', undefined].map((v) => not.matches(v)), [false, true, false]);
    assert.equal(tagFilterFromPair('h', 'iliteral_or(AbC)', false).matches('abc'), true);
  });
  it('unknown filter types and bad patterns are rejected', () => {
    assert.throws(() => buildTagFilter({ type: 'fuzzy', tagk: 'h', filter: 'x' }), { message: 'Could not find a filter plugin of type: fuzzy' });
    assert.throws(() => buildTagFilter({ type: 'regexp', tagk: 'h', filter: '(' }));
  });
});
