// Go RE2 regex text → JavaScript RegExp, for the constructs TICKscripts use (inline flags, \A, \z, (?P<n>), POSIX classes).

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Compiles Go regex syntax; returns the RegExp or Go's style of error text. */
export function compileGoRegex(source: string): RegExp | string {
  let body = source;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    body = body.slice(lead[0].length);
    for (const f of lead[1]!) if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
  }
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)(\w+):\]/g, (all, neg: string, name: string) => {
      const cls = POSIX[name];
      if (!cls) return all;
      return neg ? all : cls;
    });
  try {
    return new RegExp(body, flags);
  } catch {
    try {
      return new RegExp(body, flags + 'u');
    } catch (err) {
      const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
      return `error parsing regexp: ${reason.toLowerCase()}: \`${source}\``;
    }
  }
}
