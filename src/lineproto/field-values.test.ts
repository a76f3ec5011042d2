// decodeFieldValues: the same values as a FieldCursor walk, each line tied to the first line with its
// field keys and kinds, and strings and long integers left for the reader; a FieldDecoder given to
// the scanner gives the same in the scanning pass.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFieldValues, FieldDecoder } from './field-values.ts';
import { LineProtocolError } from './errors.ts';
import { scanLineProtocol } from './parse.ts';
import { FIELD_BOOLEAN, FIELD_FLOAT, FIELD_INTEGER, FieldCursor, PointBatch } from './point-batch.ts';

const BODY = [
  'cpu,host=a usage=1.5,n=-3i,ok=true 1',
  'cpu,host=b usage=2,n=4i,ok=F 2',
  'cpu,host=a n=4i,usage=2,ok=t 3',
  'cpu,host=a usage=2i,n=4i,ok=F 4',
  'cpu,host=c usage=-0.25,n=0i,ok=TRUE 5',
  'm big=123456789012345678i,s="a \\"q\\"",f\\=x=1e3 6',
  'cpu,host=d usage=7.125,n=9i,ok=false 7',
  'cpu usage=1 8',
].join('\n');

function scanned() {
  const buf = Buffer.from(BODY);
  const { length, cols } = scanLineProtocol(buf, 'n', { ms: 0, ns: 0 });
  return { buf, length, cols };
}

describe('decodeFieldValues', () => {
  it('puts every float, small integer and boolean where the line offsets say, as the cursor reads them', () => {
    const { buf, length, cols } = scanned();
    const d = decodeFieldValues(buf, cols, length);
    const batch = new PointBatch('db', '', buf, length, cols);
    const cursor = new FieldCursor();
    for (let i = 0; i < length; i++) {
      let j = d.valueStart[i];
      batch.fieldCursor(i, cursor);
      while (cursor.next()) {
        if (cursor.kind === FIELD_FLOAT) assert.equal(d.numbers[j], cursor.float());
        if (cursor.kind === FIELD_INTEGER && cursor.smallInteger() !== undefined) assert.equal(d.numbers[j], cursor.smallInteger());
        if (cursor.kind === FIELD_BOOLEAN) assert.equal(d.numbers[j], cursor.boolean() ? 1 : 0);
        j++;
      }
      assert.equal(j - d.valueStart[i], cols.fieldCount[i]);
    }
  });

  it('ties each line to the first line with the same keys and kinds in the same order', () => {
    const { buf, length, cols } = scanned();
    const d = decodeFieldValues(buf, cols, length);
    // 1 repeats 0; 2 swaps keys, 3 changes a kind, 5 and 7 are new; 4 and 6 repeat 0.
    assert.deepEqual([...d.layoutFirst], [0, 0, 2, 3, 0, 5, 0, 7]);
  });

  it('marks the lines holding strings or integers beyond 15 digits', () => {
    const { buf, length, cols } = scanned();
    assert.deepEqual([...decodeFieldValues(buf, cols, length).hasOthers], [0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('keeps all four arrays in one buffer, which a parse worker hands back in one transfer', () => {
    const { buf, length, cols } = scanned();
    const d = decodeFieldValues(buf, cols, length);
    for (const column of [d.valueStart, d.layoutFirst, d.hasOthers]) assert.equal(column.buffer, d.numbers.buffer);
  });
});

describe('FieldDecoder given to the scanner', () => {
  const scanDecoding = (body: string, decoder: FieldDecoder) => scanLineProtocol(Buffer.from(body), 'n', { ms: 0, ns: 0 }, undefined, decoder);
  const cursorWalk = (body: string) => {
    const buf = Buffer.from(body);
    const { length, cols } = scanLineProtocol(buf, 'n', { ms: 0, ns: 0 });
    return decodeFieldValues(buf, cols, length);
  };

  it('decodes in the scanning pass what the cursor walk decodes after it', () => {
    assert.deepEqual(scanDecoding(BODY, new FieldDecoder()).fields, cursorWalk(BODY));
  });

  it('grows past its first arrays and starts every body afresh', () => {
    // More lines and values than the decoder's first arrays hold, layouts alternating, then a small body.
    const lines: string[] = [];
    for (let i = 0; i < 700; i++) lines.push(i % 3 === 0 ? `m,t=${i % 7} a=${i}.5,b=${i}i,c=t,d=${-i} ${i}` : `m,t=${i % 7} b=${i}i,a=${i / 4} ${i}`);
    const big = lines.join('\n');
    const decoder = new FieldDecoder();
    assert.deepEqual(scanDecoding(big, decoder).fields, cursorWalk(big));
    assert.deepEqual(scanDecoding(BODY, decoder).fields, cursorWalk(BODY));
  });

  it('still reports bad lines exactly, and decodes the next body as if none had come before', () => {
    const decoder = new FieldDecoder();
    const bad = 'cpu a=1,b=2 1\ncpu a=1,b=x 2\ncpu a="s",b=3i 3';
    assert.throws(
      () => scanDecoding(bad, decoder),
      (err: unknown) => err instanceof LineProtocolError && err.lines.length === 1 && err.lines[0].line === 2,
    );
    assert.deepEqual(scanDecoding(BODY, decoder).fields, cursorWalk(BODY));
  });
});
