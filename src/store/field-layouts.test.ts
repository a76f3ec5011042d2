// FieldStager: lines share a layout exactly when they list the same keys with the same kinds in
// the same order, and every value lands where the line's offset says.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFieldValues } from '../lineproto/field-values.ts';
import { parseLineProtocol, scanLineProtocol } from '../lineproto/parse.ts';
import { PointBatch } from '../lineproto/point-batch.ts';
import { FieldStager } from './field-layouts.ts';

function batchOf(body: string) {
  return parseLineProtocol(Buffer.from(body), { database: 'db', retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } });
}

describe('FieldStager', () => {
  it('gives lines with the same keys and kinds in the same order one layout, across writes', () => {
    const stager = new FieldStager();
    const a = stager.stage(batchOf('m,h=a v=1,n=2i 1\nm,h=b v=2,n=3i 2\nm,h=a n=4i,v=3 3\nm v=1i,n=2i 4'));
    const [first, second, swapped, otherKind] = a.layouts;
    assert.equal(first, second);
    assert.notEqual(first, swapped);
    assert.notEqual(first, otherKind);
    assert.deepEqual(first.keys, ['v', 'n']);
    assert.deepEqual(first.types, ['float', 'integer']);
    assert.deepEqual(otherKind.types, ['integer', 'integer']);
    const again = stager.stage(batchOf('x v=9,n=1i 5'));
    assert.equal(again.layouts[0], first, 'the next write finds the same layout object');
  });

  it('tells a shorter line with the same first keys apart, and marks a key given twice', () => {
    const stager = new FieldStager();
    const s = stager.stage(batchOf('m a=1,b=2 1\nm a=1 2\nm a=1,a=2 3'));
    assert.deepEqual(s.layouts[1].keys, ['a']);
    assert.notEqual(s.layouts[0], s.layouts[1]);
    assert.equal(s.layouts[0].duplicates, false);
    assert.equal(s.layouts[2].duplicates, true);
  });

  it('stages from values a parse worker decoded, reading keys only for the first line of each layout', () => {
    const body = Buffer.from('m a=1,b=2i 1\nm a=3,b=4i 2\nm s="x",b=5i 3');
    const { length, cols } = scanLineProtocol(body, 'n', { ms: 0, ns: 0 });
    const decoded = decodeFieldValues(body, cols, length);
    decoded.numbers[2] = 30; // what the stager reads is the decoded value, not the body's text
    const s = new FieldStager().stage(new PointBatch('db', '', body, length, cols, decoded));
    assert.equal(s.numbers, decoded.numbers);
    assert.equal(s.offsets, decoded.valueStart);
    assert.equal(s.numbers[s.offsets[1]], 30);
    assert.equal(s.layouts[0], s.layouts[1]);
    assert.deepEqual(s.layouts[2].keys, ['s', 'b']);
    assert.equal(s.others?.[4], 'x');
    assert.equal(s.numbers[5], 5);
  });

  it('stages every kind of value at the line offsets', () => {
    const stager = new FieldStager();
    const s = stager.stage(batchOf('m f=1.5,i=-7i,b=true,s="x\\"y" 1\nm big=9223372036854775807i,b=F 2'));
    assert.deepEqual([...s.offsets.subarray(0, 2)], [0, 4]);
    assert.equal(s.numbers[0], 1.5);
    assert.equal(s.numbers[1], -7);
    assert.equal(s.numbers[2], 1);
    assert.equal(s.others?.[3], 'x"y');
    assert.equal(s.others?.[4], 9223372036854775807n);
    assert.equal(s.numbers[5], 0);
    assert.deepEqual(s.layouts[1].types, ['integer', 'boolean']);
  });
});
