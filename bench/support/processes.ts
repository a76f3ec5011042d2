// Child processes for benchmarks: this server started through its CLI, free ports, readiness polling.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface InductorProcess {
  url: string;
  dataDir: string;
  /** The server's process id (its threads are under /proc/<pid>/task on Linux). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts `inductor serve` as a separate process, as a user would, on a fresh data directory. */
export async function startInductor(extraArgs: string[] = []): Promise<InductorProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'inductor-bench-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn', ...extraArgs],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/kapacitor/v1/ping`, 30_000);
  return {
    url,
    dataDir,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
