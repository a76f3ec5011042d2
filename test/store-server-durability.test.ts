// Durability through the real server: `inductor serve` under a sustained /write load is killed with
// SIGKILL; after a restart every write answered 204 is returned by /query (fsync = "always").

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../src/store/influxd-process.ts';


async function startServer(dataDir: string, configFile: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--data-dir', dataDir, '--config', configFile, '--log-level', 'error'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/kapacitor/v1/ping`);
      await res.arrayBuffer();
      return child;
    } catch {
      if (Date.now() > deadline) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

describe('server durability under SIGKILL', () => {
  it('returns every write answered 204 after a kill and restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inductor-server-durability-'));
    const configFile = join(dir, 'inductor.toml');
    await writeFile(configFile, '[storage]\nfsync = "always"\n\n[[storage.databases]]\nname = "dur"\nstore-raw-writes = true\n');
    const dataDir = join(dir, 'data');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = await startServer(dataDir, configFile, port);
    try {
      const acked = new Set<number>();
      let next = 0;
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const n = next++;
          const lines: string[] = [];
          for (let k = 0; k < 20; k++) lines.push(`load,w=${n % 4} seq=${n}i,k=${k}i ${n * 100 + k}`);
          try {
            const res = await fetch(`${base}/write?db=dur`, { method: 'POST', body: lines.join('\n') });
            await res.arrayBuffer();
            if (res.status === 204 && !killed) acked.add(n);
          } catch {
            return; // the server is gone
          }
          if (acked.size >= 300 && !killed) {
            killed = true;
            await stop(server, 'SIGKILL');
          }
        }
      };
      await Promise.all([writer(), writer(), writer(), writer()]);
      server = await startServer(dataDir, configFile, port);
      const res = await fetch(`${base}/query?db=dur&epoch=ns&q=${encodeURIComponent('SELECT seq, k FROM load')}`);
      const body = (await res.json()) as { results: { series?: { values: [number, number, number][] }[] }[] };
      const perSeq = new Map<number, number>();
      for (const row of body.results[0].series?.[0]?.values ?? []) perSeq.set(row[1], (perSeq.get(row[1]) ?? 0) + 1);
      const lost = [...acked].filter((n) => perSeq.get(n) !== 20);
      assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged writes missing after the restart`);
      for (const [seq, count] of perSeq) assert.equal(count, 20, `write ${seq} is torn`);
    } finally {
      await stop(server, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
