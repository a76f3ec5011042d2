// Go's path.Match: `*`, `?`, `[...]` classes with ranges and `^` negation, `\` escapes; '/' is never matched by wildcards.

/** true / false for a match, 'bad' when the pattern is malformed (Go's ErrBadPattern). */
export function matchGlob(pattern: string, name: string): boolean | 'bad' {
  const p = [...pattern];
  const s = [...name];
  // Validate the whole pattern first so a bad pattern is reported even when an early mismatch happens.
  if (!validPattern(p)) return 'bad';
  return matchFrom(p, 0, s, 0);
}

function validPattern(p: string[]): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      if (i + 1 >= p.length) return false;
      i++;
    } else if (c === '[') {
      const end = classEnd(p, i);
      if (end === -1) return false;
      i = end;
    }
  }
  return true;
}

/** Index of the closing ']' of the class opening at i, or -1 when malformed (Go's getEsc rules). */
function classEnd(p: string[], i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  let ranges = 0;
  // One class character: '-' and ']' must be escaped, '\\' escapes the next one.
  const esc = (k: number): number => {
    if (k >= p.length || p[k] === '-' || p[k] === ']') return -1;
    if (p[k] === '\\') k++;
    return k < p.length ? k + 1 : -1;
  };
  for (;;) {
    if (j < p.length && p[j] === ']' && ranges > 0) return j;
    j = esc(j);
    if (j === -1) return -1;
    if (p[j] === '-') {
      j = esc(j + 1);
      if (j === -1) return -1;
    }
    ranges++;
  }
}

function matchClass(p: string[], i: number, ch: string): [boolean, number] {
  const end = classEnd(p, i);
  let j = i + 1;
  let negate = false;
  if (p[j] === '^') {
    negate = true;
    j++;
  }
  let matched = false;
  while (j < end) {
    let lo = p[j]!;
    if (lo === '\\') lo = p[++j]!;
    let hi = lo;
    if (p[j + 1] === '-' && j + 2 < end) {
      hi = p[j + 2]!;
      if (hi === '\\') {
        hi = p[j + 3]!;
        j++;
      }
      j += 2;
    }
    if (lo <= ch && ch <= hi) matched = true;
    j++;
  }
  return [matched !== negate, end];
}

function matchFrom(p: string[], pi: number, s: string[], si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return !s.slice(si).includes('/');
      for (let k = si; k <= s.length; k++) {
        if (matchFrom(p, pi, s, k)) return true;
        if (s[k] === '/') return false;
      }
      return false;
    }
    if (si >= s.length) return false;
    const ch = s[si]!;
    if (c === '?') {
      if (ch === '/') return false;
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      if (ch === '/') return false;
      const [ok, end] = matchClass(p, pi, ch);
      if (!ok) return false;
      pi = end + 1;
      si++;
      continue;
    }
    const lit = c === '\\' ? p[++pi]! : c;
    if (lit !== ch) return false;
    pi++;
    si++;
  }
  return si === s.length;
}
