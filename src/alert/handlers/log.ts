// log handler: appends each event's JSON line to a file (`path`, `mode`, default 0600).

import { appendFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { invalidHandlerOptions } from '../errors.ts';
import { alertBody } from '../event.ts';
import { type AlertHandler, type HandlerOptions, optNumber, optString } from './handler.ts';

export function logHandler(options: HandlerOptions): AlertHandler {
  const path = optString(options, 'path');
  const mode = optNumber(options, 'mode', 0o600);
  if ((mode & 0o200) === 0) {
    throw invalidHandlerOptions(`invalid file mode ${goFileMode(mode)}, must be user writable`);
  }
  if (!isAbsolute(path)) throw invalidHandlerOptions(`log path must be absolute: ${path} is not absolute`);
  return {
    kind: 'log',
    handle: (event) => appendFile(path, alertBody(event), { mode }),
    close: async () => {},
  };
}

/** os.FileMode's String: `-rw-r--r--`. */
function goFileMode(mode: number): string {
  const rwx = 'rwxrwxrwx';
  let s = '-';
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? rwx[i] : '-';
  return s;
}
