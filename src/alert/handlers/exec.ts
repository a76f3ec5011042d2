// exec handler: runs `prog` with `args` (never through a shell) and writes the event's JSON to its stdin. Off unless allowed.

import { spawn } from 'node:child_process';
import { invalidHandlerOptions } from '../errors.ts';
import { alertBody } from '../event.ts';
import { type AlertHandler, type HandlerEnv, type HandlerOptions, optString, optStrings } from './handler.ts';

export function execHandler(options: HandlerOptions, env: HandlerEnv): AlertHandler {
  const prog = optString(options, 'prog');
  const args = optStrings(options, 'args');
  if (prog === '') throw invalidHandlerOptions('exec handler needs a program (prog)');
  const allowed = env.config.execAllowed;
  if (!allowed.includes('*') && !allowed.includes(prog)) {
    throw invalidHandlerOptions(`exec handler: program ${JSON.stringify(prog)} is not allowed by [alert] exec-allowed`);
  }
  return {
    kind: 'exec',
    handle: (event) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(prog, args, { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d: Buffer) => {
          output += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          output += d.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => {
          if (code === 0) resolve();
          else reject(new Error(`exec command failed: exit status ${code}: ${output}`));
        });
        child.stdin.on('error', () => {});
        child.stdin.end(alertBody(event));
      }),
    close: async () => {},
  };
}
