// Starts a throw-away InfluxDB 1.x (`influxd`) on loopback ports for tests and benchmarks.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface InfluxdProcess {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** The reason influxd cannot be used here, or undefined when it can. */
export function influxdMissing(): string | undefined {
  const r = spawnSync('influxd', ['version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return 'influxd is not installed (Debian package `influxdb`)';
  return undefined;
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts influxd with a temporary data directory; resolves once /ping answers. */
export async function startInfluxd(): Promise<InfluxdProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'inductor-influxd-'));
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const config = `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
  logging-enabled = false
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[logging]
  level = "error"
[continuous_queries]
  enabled = false
`;
  await writeFile(join(dir, 'influxdb.conf'), config);
  const child: ChildProcess = spawn('influxd', ['run', '-config', join(dir, 'influxdb.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`influxd exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 204) return { url, version: res.headers.get('x-influxdb-version') ?? '', stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`influxd did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
