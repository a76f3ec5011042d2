// Line-protocol parsing speed on one core: typical telemetry lines (3 tags, 3 fields, timestamp).

import { parseLineProtocol } from '../src/lineproto/parse.ts';
import type { Figure } from './support/figure.ts';

function telemetryBody(lines: number, offset: number): Buffer {
  let s = '';
  for (let j = offset; j < offset + lines; j++) {
    const sid = j % 1000;
    s += `cpu,host=server${sid},region=r${sid % 8},cpu=cpu-total usage_idle=${(j % 100) + 0.5},usage_user=${(j * 7) % 100}i,ok=true ${1700000000000000000n + BigInt(j) * 1_000_000_000n}\n`;
  }
  return Buffer.from(s);
}

export async function run(): Promise<Figure[]> {
  const bodies = Array.from({ length: 40 }, (_, i) => telemetryBody(5000, i * 5000));
  const options = { database: 'bench', retentionPolicy: 'autogen', precision: 'n' as const, now: { ms: 0, ns: 0 } };
  for (const b of bodies) parseLineProtocol(b, options); // warm-up
  let lines = 0;
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (let round = 0; round < 10; round++) {
    for (const b of bodies) {
      const batch = parseLineProtocol(b, options);
      lines += batch.length;
      checksum += batch.timeNs[batch.length - 1];
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (checksum < 0) throw new Error('unreachable: keeps the parse results alive');
  // Parsing plus decoding every point: what a stream task that reads every point pays.
  const decodeAll = () => {
    let decoded = 0;
    for (const b of bodies) {
      const batch = parseLineProtocol(b, options);
      for (let i = 0; i < batch.length; i++) decoded += batch.point(i).name.length > 0 ? 1 : 0;
    }
    return decoded;
  };
  decodeAll(); // warm-up
  const decodeStart = process.hrtime.bigint();
  let decoded = 0;
  for (let round = 0; round < 3; round++) decoded += decodeAll();
  const decodeSeconds = Number(process.hrtime.bigint() - decodeStart) / 1e9;
  return [
    { name: 'line protocol: validate + index (one core)', value: lines / seconds, unit: 'lines/s', target: '≥ 2,000,000' },
    { name: 'line protocol: parse + decode every point (one core)', value: decoded / decodeSeconds, unit: 'lines/s' },
  ];
}
