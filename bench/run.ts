// `npm run bench`: runs every benchmark module in bench/ (or those named on the command line) in turn.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Benchmark, type Figure, formatFigure } from './support/figure.ts';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const all: Array<Figure & { bench: string }> = [];
let failed = 0;
for (const file of modules) {
  const { run } = (await import(join(dir, file))) as { run?: Benchmark };
  if (typeof run !== 'function') continue;
  console.log(`\n▶ ${file}`);
  try {
    for (const figure of await run()) {
      console.log(`  ${formatFigure(figure)}`);
      all.push({ ...figure, bench: file });
    }
  } catch (err) {
    failed++;
    console.log(`  failed: ${(err as Error).stack ?? err}`);
  }
}
console.log(`\n${all.length} figures from ${modules.length} benchmark files${failed ? `, ${failed} failed` : ''}`);
process.exit(failed ? 1 : 0);
