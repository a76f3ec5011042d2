// The data directory: created when missing and checked for writability before anything opens files in it.

import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class DataDirError extends Error {
  override name = 'DataDirError';
}

/** Creates `dir` if needed and proves it writable; returns its absolute path. */
export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK);
    const probe = join(path, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new DataDirError(`data directory ${path} cannot be written: ${(err as Error).message}`);
  }
  return path;
}
