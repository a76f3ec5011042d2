// Text patterns that several dialects share: SQL LIKE as a regular expression, `\N` group references as JS replacements.

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * SQL LIKE as an anchored regular expression: `%` is any run of characters and `_` exactly one,
 * line breaks included. With the `u` flag a character is a code point, without it a UTF-16 unit.
 */
export function likeToRegExp(pattern: string, flags = ''): RegExp {
  let re = '^';
  for (const c of pattern) {
    if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegExp(c);
  }
  return new RegExp(`${re}$`, flags);
}

/** A replacement written with sed's `\1` group references, as the `$1` that String.replace reads. */
export function sedReplacement(replacement: string): string {
  return replacement.replace(/\\(\d)/g, '$$$1');
}
