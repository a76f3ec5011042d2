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

/** Index of the closing ']' of the class opening at i, or -1 when malformed. */
function classEnd(p: string[], i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  let first = true;
  for (; j < p.length; j++) {
    const c = p[j]!;
    if (c === ']' && !first) return j;
    first = false;
    if (c === '\\') {
      j++;
      if (j >= p.length) return -1;
    }
    if (c === '-' && (p[j + 1] === ']' || first)) return -1;
    if (p[j + 1] === '-' && p[j + 2] !== undefined && p[j + 2] !== ']') {
      j += 2;
      if (p[j] === '\\') j++;
      if (j >= p.length) return -1;
    } else if (p[j + 1] === '-' && p[j + 2] === ']') return -1;
  }
  return -1;
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
