import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LineProtocolError } from '../lineproto/errors.ts';
import { type ParseOptions, parseLineProtocol } from '../lineproto/parse.ts';
import type { PointBatch } from '../lineproto/point-batch.ts';
import { OffThreadParser } from './off-thread-parser.ts';

const OPTIONS: ParseOptions = { database: 'db', retentionPolicy: 'rp', precision: 'n', now: { ms: 1_700_000_000_000, ns: 5 } };

function body(lines: number, extra = ''): Buffer {
  let text = '';
  for (let i = 0; i < lines; i++) {
    text += `cpu,host=h${i % 7},region=r${i % 3} value=${i}.25,n=${i}i,ok=true,s="x\\"${i}" ${1_700_000_000_000_000_000 + i}\n`;
  }
  return Buffer.from(text + extra);
}

/** Parses `input` as the write route does: read into memory the parser allocated. */
function parseAllocated(parser: OffThreadParser, input: Buffer): Promise<PointBatch> {
  const memory = parser.allocate(input.length);
  memory.set(input);
  return parser.parse(memory, OPTIONS);
}

function points(batch: PointBatch) {
  return Array.from({ length: batch.length }, (_, i) => batch.point(i));
}

describe('OffThreadParser', () => {
  // A zero threshold sends every body, however small, to the workers.
  const parser = new OffThreadParser(2, 0);
  after(() => parser.close());

  it('gives the same points as the inline parser, and leaves the caller its body', async () => {
    const input = body(5000, 'mem free=1i\n');
    const copy = Buffer.from(input);
    const expected = points(parseLineProtocol(Buffer.from(input), OPTIONS));
    const batch = await parser.parse(input, OPTIONS);
    assert.deepEqual(input, copy, 'the caller keeps its buffer');
    assert.deepEqual(batch.body(), copy);
    assert.equal(batch.database, 'db');
    assert.equal(batch.retentionPolicy, 'rp');
    assert.deepEqual(points(batch), expected);
  });

  it('moves a body read into memory it allocated to the worker and back, without a copy', async () => {
    const input = body(100);
    const memory = parser.allocate(input.length);
    memory.set(input);
    const batch = await parser.parse(memory, OPTIONS);
    assert.equal(memory.length, 0, 'the memory was transferred, not copied');
    assert.deepEqual(batch.body(), input);
    assert.deepEqual(points(batch), points(parseLineProtocol(input, OPTIONS)));
  });

  it('reuses the memory of a released body, reading only the bytes of the body written into it', async () => {
    const pooling = new OffThreadParser(1, 0);
    const written = await parseAllocated(pooling, body(300));
    const memory = written.body().buffer;
    pooling.release(written);
    // A shorter body in the same memory: the longer body's bytes past its end stay unread.
    const short = body(2);
    const second = pooling.allocate(short.length);
    assert.equal(second.buffer, memory, 'the released memory is lent again');
    assert.equal(second.length, short.length);
    second.set(short);
    const batch = await pooling.parse(second, OPTIONS);
    assert.deepEqual(batch.body(), short);
    assert.deepEqual(points(batch), points(parseLineProtocol(Buffer.from(short), OPTIONS)));
    await pooling.close();
  });

  it('never lends the memory of a body that was not released, nor of bodies it did not allocate', async () => {
    const pooling = new OffThreadParser(1, 0);
    const input = body(50);
    const kept = await parseAllocated(pooling, input);
    const other = await pooling.parse(Buffer.from(input), OPTIONS);
    pooling.release(other);
    const next = pooling.allocate(input.length);
    assert.notEqual(next.buffer, kept.body().buffer);
    assert.notEqual(next.buffer, other.body().buffer);
    next.fill(0);
    assert.deepEqual(kept.body(), input);
    assert.deepEqual(points(kept), points(parseLineProtocol(Buffer.from(input), OPTIONS)));
    await pooling.close();
  });

  it('scans into the columns of released batches without showing what they held before', async () => {
    const decoding = new OffThreadParser(1, 0, () => true);
    try {
      // Many float fields first, then strings and long integers where those floats were.
      const first = await decoding.parse(Buffer.from('cpu a=1.5,b=2.5,c=3.5,d=4.5 1\n'.repeat(400)), OPTIONS);
      decoding.release(first);
      const input = Buffer.from(`${'m,host=a s="x",big=1234567890123456789i,ok=t 2\n'.repeat(3)}m,host=b v=7i 3\n`);
      const batch = await decoding.parse(input, OPTIONS);
      const inline = parseLineProtocol(Buffer.from(input), OPTIONS);
      assert.deepEqual(batch.decodedFields(), inline.decodedFields());
      assert.deepEqual(points(batch), points(inline));
      assert.deepEqual([...batch.timeMs.subarray(0, batch.length)], [...inline.timeMs.subarray(0, inline.length)]);
    } finally {
      await decoding.close();
    }
  });

  it('allocates ordinary memory for bodies small enough to be parsed inline, and leaves it to the caller', async () => {
    const small = new OffThreadParser(1, 1024);
    const memory = small.allocate(10);
    memory.set(Buffer.from('cpu v=1 1\n'));
    const batch = await small.parse(memory, OPTIONS);
    assert.equal(memory.length, 10);
    assert.equal(batch.body().buffer, memory.buffer);
    await small.close();
  });

  it('keeps each batch intact while later bodies reuse the memory the worker scanned', async () => {
    const first = Buffer.from('cpu v=1 1\n'.repeat(100));
    const expected = points(parseLineProtocol(Buffer.from(first), OPTIONS));
    const batch = await parser.parse(first, OPTIONS);
    await Promise.all(Array.from({ length: 8 }, () => parser.parse(Buffer.from('mem w=2 2\n'.repeat(100)), OPTIONS)));
    assert.deepEqual(points(batch), expected);
  });

  it('stamps lines without a timestamp with the given time at the given precision', async () => {
    const batch = await parser.parse(Buffer.from('cpu value=1\n'), { ...OPTIONS, precision: 'ms' });
    assert.equal(batch.timeMs[0], 1_700_000_000_000);
    assert.equal(batch.timeNs[0], 0);
  });

  it('rejects a bad body with every bad line, as the inline parser does', async () => {
    const input = body(10, 'cpu value=\ncpu,host=a\n');
    let inline: LineProtocolError | undefined;
    try {
      parseLineProtocol(Buffer.from(input), OPTIONS);
    } catch (err) {
      inline = err as LineProtocolError;
    }
    await assert.rejects(parser.parse(input, OPTIONS), (err: unknown) => {
      assert.ok(err instanceof LineProtocolError);
      assert.equal(err.lines.length, 2);
      assert.deepEqual(err.lines, inline?.lines);
      return true;
    });
  });

  it('keeps the order of concurrent writes per worker and answers them all', async () => {
    const inputs = Array.from({ length: 20 }, (_, k) => Buffer.from(`m v=${k} ${k}\n`));
    const batches = await Promise.all(inputs.map((input) => parser.parse(input, OPTIONS)));
    assert.deepEqual(
      batches.map((b) => b.point(0).fields.v),
      inputs.map((_, k) => k),
    );
  });

  it('decodes the field values on the worker for the databases the hint names, as the inline parser would', async () => {
    const asked: string[] = [];
    const decoding = new OffThreadParser(1, 0, (db) => {
      asked.push(db);
      return db === 'db';
    });
    const input = body(50);
    const inline = parseLineProtocol(Buffer.from(input), OPTIONS).decodedFields();
    assert.deepEqual((await decoding.parse(input, OPTIONS)).decodedFields(), inline);
    assert.deepEqual((await decoding.parse(input, { ...OPTIONS, database: 'other' })).decodedFields(), inline);
    assert.deepEqual(asked, ['db', 'other']);
    await decoding.close();
  });

  it('boots its workers ahead of the first body when asked to', async () => {
    const eager = new OffThreadParser(1, 0);
    await eager.start();
    const batch = await eager.parse(body(2), OPTIONS);
    assert.equal(batch.length, 2);
    await eager.close();
  });

  it('parses on the calling thread when it has no workers', async () => {
    const inline = new OffThreadParser(0);
    const batch = await inline.parse(body(3), OPTIONS);
    assert.equal(batch.length, 3);
    await inline.close();
  });
});
