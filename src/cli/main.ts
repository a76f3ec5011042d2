// The `inductor` command: `serve` runs the server in the foreground until SIGTERM or SIGINT.

import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig } from '../config/config.ts';
import { DataDirError } from '../data-dir.ts';
import { createServer, ListenError, type Server } from '../server.ts';

function portNumber(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number between 0 and 65535');
  return n;
}

interface ServeFlags {
  port?: number;
  dataDir?: string;
  config?: string;
  bind?: string;
  logLevel?: string;
}

async function serve(flags: ServeFlags): Promise<void> {
  let server: Server | undefined;
  let stopping = false;
  // Installed before anything starts, so a signal during start-up also ends the process cleanly.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server?.app.log.info({ signal }, 'shutting down');
    (server?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`inductor: shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    const config = loadConfig({
      file: flags.config ?? process.env.INDUCTOR_CONFIG,
      env: process.env,
      overrides: { port: flags.port, dataDir: flags.dataDir, bindAddress: flags.bind, logLevel: flags.logLevel },
    });
    server = await createServer({ config, startParseWorkers: true });
    const address = await server.listen();
    console.log(`Inductor ready: listening on ${address}, data in ${config.dataDir}`);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DataDirError || err instanceof ListenError) {
      console.error(`inductor: ${err.message}`);
      await server?.close();
      process.exit(1);
    }
    throw err;
  }
}

const program = new Command('inductor').description('Time-series and machine-data server');
program
  .command('serve')
  .description('run the server in the foreground')
  .option('--port <n>', 'HTTP port (default 9092, or INDUCTOR_PORT)', portNumber)
  .option('--data-dir <dir>', 'data directory (default ./data, or INDUCTOR_DATA_DIR)')
  .option('--config <file>', 'TOML configuration file (or INDUCTOR_CONFIG)')
  .option('--bind <address>', 'address to listen on (default 127.0.0.1)')
  .option('--log-level <level>', 'trace, debug, info, warn, error or silent')
  .action(serve);

await program.parseAsync(process.argv);
