// Scripts from the shared seeds (000: a Chronograf-generated relative alert task) used by several tests.

import { readFileSync } from 'node:fs';

/** The POST body of seed 000 and the task object Kapacitor answered with. */
export function seed000(): { request: { id: string; script: string }; response: { script: string; dot: string } } {
  const text = readFileSync(new URL('../../../../shared/seeds/000_7abcb7842f4ff1e7.txt', import.meta.url), 'utf8');
  const first = text.indexOf('{');
  const reqEnd = text.indexOf('\n}\n', first) + 2;
  const request = JSON.parse(text.slice(first, reqEnd));
  const second = text.indexOf('{', reqEnd);
  const resEnd = text.indexOf('\n}\n', second) + 2;
  const response = JSON.parse(text.slice(second, resEnd));
  return { request, response };
}
