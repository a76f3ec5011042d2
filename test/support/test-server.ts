// Starts a real listening server on a free loopback port with a temporary data directory.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, defaultConfig } from '../../src/config/config.ts';
import type { Clock } from '../../src/core/time.ts';
import { createServer, type Server } from '../../src/server.ts';

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  server: Server;
  dataDir: string;
  /** Closes the server and starts a new one on the same data directory (not the same port). */
  restart(): Promise<TestServer>;
  /** Closes the server and removes the data directory. */
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Changes to the default configuration (port and data dir are set by the helper). */
  configure?: (config: Config) => void;
  clock?: Clock;
  /** Reuse this data directory instead of a new temporary one. */
  dataDir?: string;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'inductor-test-'));
  const config = defaultConfig();
  config.dataDir = dataDir;
  config.http.port = 0;
  config.logging.level = 'silent';
  options.configure?.(config);
  const server = await createServer({ config, clock: options.clock });
  const url = await server.listen();
  return {
    url,
    server,
    dataDir,
    async restart() {
      await server.close();
      return startTestServer({ ...options, dataDir });
    },
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The JSON body of a response, typed loosely as tests inspect it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary response shapes
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
