import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTsuid, canonicalHex, splitTsuid, uidToHex } from './tsuid.ts';

describe('TSUIDs', () => {
  it('UIDs are 3 bytes of upper-case hex', () => {
    assert.equal(uidToHex(1), '000001');
    assert.equal(uidToHex(0xabcdef), 'ABCDEF');
  });
  it('metric then pairs sorted by tagk UID (reference A6)', () => {
    assert.equal(buildTsuid(1, [[1, 1]]), '000001000001000001');
    assert.equal(buildTsuid(1, [[2, 2], [1, 1]]), '000001000001000001000002000002');
    assert.equal(buildTsuid(7, []), '000007');
  });
  it('splits back into UIDs; wrong lengths are not TSUIDs', () => {
    assert.deepEqual(splitTsuid('000001000001000001000002000002'), { metric: 1, pairs: [[1, 1], [2, 2]] });
    assert.equal(splitTsuid('0000010000'), undefined);
  });
  it('hex parsing: either case, odd length left-padded, empty and non-hex rejected', () => {
    assert.equal(canonicalHex('abc'), '0ABC');
    assert.throws(() => canonicalHex(''), { message: 'UID was empty' });
    assert.throws(() => canonicalHex('12G4'), { message: 'contains illegal character for hexBinary: 12G4' });
  });
});
