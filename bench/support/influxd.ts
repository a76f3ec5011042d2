// Starts a real InfluxDB 1.x (`influxd` from the Debian package) on loopback ports in a temporary directory.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from './processes.ts';

export interface Influxd {
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** The path of influxd, or undefined when it is not installed. */
export function findInfluxd(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

export async function startInfluxd(binary: string): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'influxd-'));
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const configPath = join(dir, 'influxdb.conf');
  writeFileSync(
    configPath,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
`,
  );
  const child: ChildProcess = spawn(binary, ['-config', configPath], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitForHttp(`${url}/ping`, 30_000);
  const ping = await fetch(`${url}/ping`);
  return {
    url,
    version: ping.headers.get('x-influxdb-version') ?? 'unknown',
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
