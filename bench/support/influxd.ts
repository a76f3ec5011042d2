// Starts a real InfluxDB 1.x (`influxd` from the Debian package) on loopback ports in a temporary directory.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from './figure.ts';
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

/**
 * Runs the same load against a fresh InfluxDB 1.x and returns its figure and the ratio to ours;
 * no figures (and a hint) when influxd is not installed.
 */
export async function influxdPeerFigures(options: {
  ours: number;
  /** What is measured, e.g. `HTTP ingest`. */
  label: string;
  /** How InfluxDB is set up, shown after its version. */
  setup: string;
  target: string;
  run: (writeUrl: string) => Promise<number>;
}): Promise<Figure[]> {
  const binary = findInfluxd();
  if (binary === undefined) {
    console.log('  (influxd not installed: apt-get install -y influxdb for the side-by-side figure)');
    return [];
  }
  const influx = await startInfluxd(binary);
  try {
    await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE bench')}`, { method: 'POST' });
    const theirs = await options.run(`${influx.url}/write?db=bench`);
    return [
      { name: `${options.label}, InfluxDB ${influx.version} (${options.setup})`, value: theirs, unit: 'points/s' },
      { name: `${options.label} ratio, Inductor / InfluxDB`, value: options.ours / theirs, unit: '×', target: options.target },
    ];
  } finally {
    await influx.stop();
  }
}
