// Durability under SIGKILL: a child process writes to the embedded store on the real disk as fast
// as it can and reports each acknowledged write; after the kill, a reopened store has every one.
// (Run as a child with INDUCTOR_DURABILITY_CHILD=<dir>,<policy> it is the writer.)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseLineProtocol } from '../src/lineproto/parse.ts';
import { openEmbeddedStore } from '../src/store/embedded-store.ts';
import { nodeDisk } from '../src/store/node-disk.ts';
import { scanPoints } from '../src/store/series-store.ts';
import type { FsyncPolicy } from '../src/store/wal.ts';

const child = process.env.INDUCTOR_DURABILITY_CHILD;

async function writer(dir: string, policy: FsyncPolicy): Promise<void> {
  const store = await openEmbeddedStore({ dir, disk: nodeDisk, fsync: policy, snapshotWalBytes: 256 * 1024 });
  await store.createDatabase('db');
  process.stdout.write('ready\n');
  // Several writes in flight at once, as concurrent HTTP clients would have, so group commit and
  // WAL-size snapshots both happen while the process is killed.
  let next = 0;
  const one = async (): Promise<void> => {
    for (;;) {
      const n = next++;
      const lines: string[] = [];
      for (let k = 0; k < 20; k++) lines.push(`load,w=${n % 4} seq=${n}i,k=${k}i ${n * 100 + k}`);
      await store.write(parseLineProtocol(Buffer.from(lines.join('\n')), { database: 'db', retentionPolicy: '', precision: 'n', now: { ms: 0, ns: 0 } }));
      process.stdout.write(`ack ${n}\n`);
    }
  };
  await Promise.all([one(), one(), one(), one()]);
}

if (child !== undefined) {
  const [dir, policy] = child.split(',');
  await writer(dir, policy as FsyncPolicy);
} else {
  describe('store durability under SIGKILL', () => {
    for (const policy of ['always', 'interval'] as const) {
      it(`keeps every acknowledged write (fsync ${policy})`, async () => {
        const dir = await mkdtemp(join(tmpdir(), 'inductor-durability-'));
        try {
          const acked = new Set<number>();
          const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
            env: { ...process.env, INDUCTOR_DURABILITY_CHILD: `${dir},${policy}` },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let buffered = '';
          const exited = new Promise((resolve) => proc.once('exit', resolve));
          await new Promise<void>((resolve, reject) => {
            proc.stdout.on('data', (d: Buffer) => {
              buffered += d.toString();
              let nl = buffered.indexOf('\n');
              while (nl >= 0) {
                const line = buffered.slice(0, nl);
                buffered = buffered.slice(nl + 1);
                if (line.startsWith('ack ')) acked.add(Number(line.slice(4)));
                // Kill once a sustained load has been acknowledged.
                if (acked.size === 300) {
                  proc.kill('SIGKILL');
                  resolve();
                }
                nl = buffered.indexOf('\n');
              }
            });
            proc.once('exit', (code, signal) => {
              if (signal !== 'SIGKILL') reject(new Error(`writer exited early: ${code}`));
            });
          });
          await exited;
          const store = await openEmbeddedStore({ dir, disk: nodeDisk });
          const seen = new Map<number, number>();
          for await (const p of scanPoints(store, { database: 'db' })) {
            const seq = Number(p.fields.seq);
            seen.set(seq, (seen.get(seq) ?? 0) + 1);
          }
          await store.close();
          const lost = [...acked].filter((n) => seen.get(n) !== 20);
          assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged writes missing or partial`);
          // Unacknowledged writes may or may not be there, but never half of one.
          for (const [seq, count] of seen) assert.equal(count, 20, `write ${seq} is torn`);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
