// Loads a connector's driver package on first use, so a missing package is a clear job error, not a boot failure.

import { driverMissing } from '../errors.ts';

export async function loadDriver<T>(pkg: string, plugin: string): Promise<T> {
  try {
    return (await import(pkg)) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw driverMissing(plugin, pkg);
    throw err;
  }
}
