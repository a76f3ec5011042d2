// Loads every module under src/ once: each must import cleanly, and error codes must be unique.

import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { errorCatalogue } from '../src/core/errors.ts';

/** Entry points that run a program when imported. */
const PROGRAMS = new Set(['src/cli/main.ts']);

function modules(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) modules(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.cases.ts')) out.push(path);
  }
  return out;
}

describe('error catalogue', () => {
  it('loads every module, and no error code is declared twice', async () => {
    const root = join(import.meta.dirname, '..');
    for (const file of modules(join(root, 'src'))) {
      if (PROGRAMS.has(relative(root, file))) continue;
      await import(pathToFileURL(file).href);
    }
    const codes = [...errorCatalogue().keys()];
    assert.ok(codes.length > 0);
    for (const code of codes) assert.match(code, /^E_[A-Z0-9_]+$/, `code ${code} should be E_UPPER_SNAKE`);
  });
});
