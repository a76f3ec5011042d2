// The `npm start` contract: ready line, clean SIGTERM exit, config sources, and clear start-up failures.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'inductor-proc-'));
  dirs.push(d);
  return d;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  ready: Promise<string>;
  exit: Promise<number | null>;
}

/** Starts the server as `node … serve`, or through `npm start --` exactly as the README says. */
function start(args: string[], env: Record<string, string> = {}, via: 'node' | 'npm' = 'node'): Started {
  const command =
    via === 'npm'
      ? ['npm', ['start', '--', '--log-level', 'warn', ...args]]
      : [process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--log-level', 'warn', ...args]];
  const child = spawn(command[0] as string, command[1] as string[], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Inductor ready: listening on (\S+),/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', () => reject(new Error(`exited before ready:\n${out}`)));
  });
  ready.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, ready, exit };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('inductor serve', () => {
  it('prints a ready line, serves on the given port and data dir, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const s = start(['--port', String(port), '--data-dir', dataDir]);
    const url = await s.ready;
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.match(s.output(), new RegExp(`data in ${dataDir}`));
    assert.equal((await fetch(`${url}/kapacitor/v1/ping`)).status, 204);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
  });

  it('stops the server when npm start itself gets SIGTERM, and exits 0', async () => {
    const port = await freePort();
    const s = start(['--port', String(port), '--data-dir', tempDir()], {}, 'npm');
    const url = await s.ready;
    assert.equal((await fetch(`${url}/kapacitor/v1/ping`)).status, 204);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
    // npm runs the script through a shell: without `exec` the server outlived npm, still listening.
    await assert.rejects(fetch(`${url}/kapacitor/v1/ping`));
  });

  it('takes port and data dir from INDUCTOR_* variables and a TOML config file, flags winning', async () => {
    const dir = tempDir();
    const filePort = await freePort();
    const envPort = await freePort();
    const configFile = join(dir, 'inductor.toml');
    writeFileSync(configFile, `data_dir = "${join(dir, 'from-file')}"\n[http]\nbind-address = "127.0.0.1:${filePort}"\n`);
    const s = start(['--config', configFile], { INDUCTOR_PORT: String(envPort) });
    assert.equal(await s.ready, `http://127.0.0.1:${envPort}`);
    assert.match(s.output(), /from-file/);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    const s = start(['--port', String(port), '--data-dir', tempDir()]);
    assert.equal(await s.exit, 1);
    assert.match(s.output(), new RegExp(`inductor: port ${port} on 127.0.0.1 is already in use`));
    blocker.close();
  });

  it('exits 1 with a clear message when the data dir cannot be written', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const s = start(['--port', '0', '--data-dir', join(file, 'data')]);
    assert.equal(await s.exit, 1);
    assert.match(s.output(), /inductor: data directory .*a-file\/data cannot be written/);
  });

  it('exits 1 naming the bad setting of a config file', async () => {
    const configFile = join(tempDir(), 'bad.toml');
    writeFileSync(configFile, '[http]\nport = "ninety"\n');
    const s = start(['--config', configFile]);
    assert.equal(await s.exit, 1);
    assert.match(s.output(), /inductor: .*bad\.toml: http\.port: expected a port number/);
  });
});
