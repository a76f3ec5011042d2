// TICKscript lexer: the same state machine as Kapacitor's (tick/ast/lex.go), so tokens and error positions match.

export enum T {
  Error = 0,
  EOF,
  Var,
  DBRP,
  Asgn,
  Dot,
  Pipe,
  At,
  Ident,
  Reference,
  Lambda,
  Number,
  String,
  Duration,
  LParen,
  RParen,
  LSBracket,
  RSBracket,
  Comma,
  Not,
  True,
  False,
  Regex,
  Comment,
  Star,
  // operators
  Plus,
  Minus,
  Mult,
  Div,
  Mod,
  And,
  Or,
  Equal,
  NotEqual,
  Less,
  Greater,
  LessEqual,
  GreaterEqual,
  RegexEqual,
  RegexNotEqual,
}

const TOKEN_NAMES: Record<number, string> = {
  [T.Error]: 'ERR',
  [T.EOF]: 'EOF',
  [T.Var]: 'var',
  [T.DBRP]: 'dbrp',
  [T.Asgn]: '=',
  [T.Dot]: '.',
  [T.Pipe]: '|',
  [T.At]: '@',
  [T.Ident]: 'identifier',
  [T.Reference]: 'reference',
  [T.Lambda]: 'lambda',
  [T.Number]: 'number',
  [T.String]: 'string',
  [T.Duration]: 'duration',
  [T.LParen]: '(',
  [T.RParen]: ')',
  [T.LSBracket]: '[',
  [T.RSBracket]: ']',
  [T.Comma]: ',',
  [T.Not]: '!',
  [T.True]: 'TRUE',
  [T.False]: 'FALSE',
  [T.Regex]: 'regex',
  [T.Comment]: '//',
  [T.Star]: '*',
  [T.Plus]: '+',
  [T.Minus]: '-',
  [T.Mult]: '*',
  [T.Div]: '/',
  [T.Mod]: '%',
  [T.And]: 'AND',
  [T.Or]: 'OR',
  [T.Equal]: '==',
  [T.NotEqual]: '!=',
  [T.Less]: '<',
  [T.Greater]: '>',
  [T.LessEqual]: '<=',
  [T.GreaterEqual]: '>=',
  [T.RegexEqual]: '=~',
  [T.RegexNotEqual]: '!~',
};

/** Kapacitor's spelling of a token type, as used in `expected: ...` lists. */
export function tokenName(t: T): string {
  return TOKEN_NAMES[t] ?? String(t);
}

export function isExprOperator(t: T): boolean {
  return t >= T.Plus && t <= T.RegexNotEqual;
}

export function isMathOperator(t: T): boolean {
  return t >= T.Plus && t <= T.Mod;
}

export function isCompOperator(t: T): boolean {
  return t >= T.Equal && t <= T.RegexNotEqual;
}

const OPERATORS: Record<string, T> = {
  '!': T.Not,
  '+': T.Plus,
  '-': T.Minus,
  '*': T.Mult,
  '/': T.Div,
  '%': T.Mod,
  '==': T.Equal,
  '!=': T.NotEqual,
  '<': T.Less,
  '>': T.Greater,
  '<=': T.LessEqual,
  '>=': T.GreaterEqual,
  '=~': T.RegexEqual,
  '!~': T.RegexNotEqual,
};

const KEYWORDS: Record<string, T> = {
  AND: T.And,
  OR: T.Or,
  TRUE: T.True,
  FALSE: T.False,
  var: T.Var,
  dbrp: T.DBRP,
  lambda: T.Lambda,
};

export interface Token {
  readonly type: T;
  /** Index into the script (UTF-16 code units). */
  readonly pos: number;
  /** The lexeme; for error tokens, the error message. */
  readonly val: string;
}

const EOF = -1;
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isLetter(r: number): boolean {
  if (r < 0x80) return (r >= 65 && r <= 90) || (r >= 97 && r <= 122);
  return LETTER.test(String.fromCodePoint(r));
}

function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 48 && r <= 57;
  return DIGIT.test(String.fromCodePoint(r));
}

/** Go's unicode.IsSpace. */
export function isSpace(r: number): boolean {
  switch (r) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200a;
  }
}

function isDurUnit(r: number): boolean {
  // u µ s m h d w
  return r === 117 || r === 0xb5 || r === 115 || r === 109 || r === 104 || r === 100 || r === 119;
}

/** Go's %q rendering of a rune, for the lexer's "unknown state" message. */
function quoteRune(r: number): string {
  if (r === EOF) return `'�'`;
  switch (r) {
    case 7:
      return `'\\a'`;
    case 8:
      return `'\\b'`;
    case 12:
      return `'\\f'`;
    case 10:
      return `'\\n'`;
    case 13:
      return `'\\r'`;
    case 9:
      return `'\\t'`;
    case 11:
      return `'\\v'`;
    case 39:
      return `'\\''`;
    case 92:
      return `'\\\\'`;
  }
  if (r < 0x20 || r === 0x7f) return `'\\x${r.toString(16).padStart(2, '0')}'`;
  if (r >= 0xd800 && r <= 0xdfff) return `'�'`;
  const ch = String.fromCodePoint(r);
  if (/[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/u.test(ch) && r !== 0xa0 && !(r >= 0x2000 && r <= 0x200a) && r !== 0x3000 && r !== 0x202f && r !== 0x205f && r !== 0x1680) {
    return `'${ch}'`;
  }
  return r > 0xffff ? `'\\U${r.toString(16).padStart(8, '0')}'` : `'\\u${r.toString(16).padStart(4, '0')}'`;
}

type State =
  | 'token'
  | 'unary'
  | 'number'
  | 'ident'
  | 'reference'
  | 'string'
  | 'regex'
  | 'comment'
  | 'binary'
  | 'stop';

/** Lexes the whole script. The list ends with an EOF token, or with an Error token where lexing stopped. */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  let pos = 0;
  let width = 0;

  const next = (): number => {
    if (pos >= input.length) {
      width = 0;
      return EOF;
    }
    const r = input.codePointAt(pos)!;
    width = r > 0xffff ? 2 : 1;
    pos += width;
    return r;
  };
  const backup = () => {
    pos -= width;
  };
  const peek = (): number => {
    const r = next();
    backup();
    return r;
  };
  const emit = (type: T) => {
    tokens.push({ type, pos: start, val: input.slice(start, pos) });
    start = pos;
  };
  const errorf = (msg: string): State => {
    tokens.push({ type: T.Error, pos: start, val: msg });
    return 'stop';
  };
  const ignoreSpace = () => {
    while (isSpace(next())) start = pos;
    backup();
  };

  const lexToken = (): State => {
    for (;;) {
      const r = next();
      if (r === 45 || r === 33) {
        backup();
        return 'unary';
      }
      if (isDigit(r) || r === 46) {
        backup();
        return 'number';
      }
      if (isLetter(r)) return 'ident';
      switch (r) {
        case 34:
          return 'reference';
        case 39:
          backup();
          return 'string';
        case 40:
          emit(T.LParen);
          return 'token';
        case 41:
          emit(T.RParen);
          return 'binary';
        case 91:
          emit(T.LSBracket);
          return 'token';
        case 93:
          emit(T.RSBracket);
          return 'token';
        case 124:
          emit(T.Pipe);
          return 'token';
        case 64:
          emit(T.At);
          return 'token';
        case 44:
          emit(T.Comma);
          return 'token';
        case 42:
          emit(T.Star);
          return 'token';
        case 47:
          if (peek() === 47) {
            backup();
            return 'comment';
          }
          backup();
          return 'regex';
        case EOF:
          emit(T.EOF);
          return 'stop';
      }
      if (isSpace(r)) {
        start = pos;
        continue;
      }
      return errorf(`unknown state, last char: ${quoteRune(r)}`);
    }
  };

  const lexUnary = (): State => {
    const c = next();
    emit(OPERATORS[String.fromCharCode(c)]!);
    return 'token';
  };

  const tryLexBinary = (): State => {
    ignoreSpace();
    const r = next();
    switch (r) {
      case 43:
      case 45:
      case 42:
      case 37:
        emit(OPERATORS[input.slice(start, pos)]!);
        return 'token';
      case 47:
        if (peek() === 47) {
          backup();
          return 'comment';
        }
        emit(T.Div);
        return 'token';
      case 33: {
        const p = peek();
        if (p === 61 || p === 126) next();
        const op = OPERATORS[input.slice(start, pos)]!;
        emit(op);
        if (op === T.RegexNotEqual) {
          ignoreSpace();
          if (peek() === 47) return 'regex';
        }
        return 'token';
      }
      case 62:
      case 60:
        if (peek() === 61) next();
        emit(OPERATORS[input.slice(start, pos)]!);
        return 'token';
      case 61: {
        const p = peek();
        if (p === 126 || p === 61) {
          next();
          const op = OPERATORS[input.slice(start, pos)]!;
          emit(op);
          if (op === T.RegexEqual) {
            ignoreSpace();
            if (peek() === 47) return 'regex';
          }
        } else {
          emit(T.Asgn);
          ignoreSpace();
          if (peek() === 47) return 'regex';
        }
        return 'token';
      }
      default:
        backup();
        return 'token';
    }
  };

  const lexIdent = (): State => {
    for (;;) {
      const r = next();
      if (isDigit(r) || isLetter(r) || r === 95) continue;
      backup();
      const kw = KEYWORDS[input.slice(start, pos)];
      if (kw !== undefined) {
        if (kw === T.Lambda && next() !== 58) {
          backup();
          emit(T.Ident);
        } else emit(kw);
      } else emit(T.Ident);
      return 'binary';
    }
  };

  const lexNumber = (): State => {
    let foundDecimal = false;
    let first = true;
    for (;;) {
      const r = next();
      if (r === 46) {
        if (first && !isDigit(peek())) {
          emit(T.Dot);
          return 'token';
        }
        if (foundDecimal) return errorf('multiple decimals in number');
        foundDecimal = true;
      } else if (isDigit(r)) {
        // keep going
      } else if (!foundDecimal && isDurUnit(r)) {
        if (r === 109 && peek() === 115) next();
        emit(T.Duration);
        return 'binary';
      } else {
        backup();
        emit(T.Number);
        return 'binary';
      }
      first = false;
    }
  };

  const lexReference = (): State => {
    for (;;) {
      const r = next();
      if (r === 92) {
        if (peek() === 34) next();
      } else if (r === 34) {
        emit(T.Reference);
        return 'binary';
      } else if (r === EOF) return errorf('unterminated field reference');
    }
  };

  const lexString = (): State => {
    let count = 0;
    for (;;) {
      const r = next();
      if (r !== 39) return errorf('unterminated string');
      count++;
      if (count === 1 && peek() === 39) {
        count++;
        next();
        if (peek() === 39) {
          count++;
          next();
        } else {
          emit(T.String);
          return 'binary';
        }
      }
      if ((count === 1 && peek() !== 39) || count === 3) {
        const total = count;
        for (;;) {
          const c = next();
          if (c === 92 && count === 1) {
            if (peek() === 39) next();
          } else if (c === 39) {
            count--;
            if (count === 0) {
              emit(T.String);
              return 'binary';
            }
          } else if (c === EOF) return errorf('unterminated string');
          else count = total;
        }
      }
    }
  };

  const lexRegex = (): State => {
    const n = next();
    if (n !== 47) return errorf(`unexpected "${n === EOF ? '�' : String.fromCodePoint(n)}" expected "/"`);
    for (;;) {
      const r = next();
      if (r === 92) {
        if (peek() === 47) next();
      } else if (r === 47) {
        emit(T.Regex);
        return 'token';
      } else if (r === EOF) return errorf('unterminated regex');
    }
  };

  const lexComment = (): State => {
    if (peek() === 47) next();
    else return errorf(`invalid character '/'`);
    for (;;) {
      const r = next();
      if (r === 10) {
        let n = next();
        while (n !== 10 && n !== EOF && isSpace(n)) n = next();
        if (n === 47) continue;
        backup();
        emit(T.Comment);
        return 'token';
      }
      if (r === EOF) {
        emit(T.Comment);
        return 'token';
      }
    }
  };

  let state: State = 'token';
  while (state !== 'stop') {
    switch (state) {
      case 'token':
        state = lexToken();
        break;
      case 'unary':
        state = lexUnary();
        break;
      case 'number':
        state = lexNumber();
        break;
      case 'ident':
        state = lexIdent();
        break;
      case 'reference':
        state = lexReference();
        break;
      case 'string':
        state = lexString();
        break;
      case 'regex':
        state = lexRegex();
        break;
      case 'comment':
        state = lexComment();
        break;
      case 'binary':
        state = tryLexBinary();
        break;
    }
  }
  return tokens;
}
