// SeaTunnel's SQL job files: `/* config env {...} */`, CREATE TABLE ... WITH (...), CREATE TABLE ... AS SELECT, INSERT INTO ... SELECT.

import { configSyntax } from '../errors.ts';
import { type JsonObject, type JsonValue, parseHocon } from './hocon.ts';

interface Statement {
  text: string;
  line: number;
}

/** Splits on `;` outside quotes and comments; `/* config ... *\/` blocks are returned separately. */
function statements(text: string): { config: string[]; statements: Statement[] } {
  const config: string[] = [];
  const out: Statement[] = [];
  let cur = '';
  let line = 1;
  let startLine = 1;
  let i = 0;
  const flush = () => {
    if (cur.trim() !== '') out.push({ text: cur.trim(), line: startLine });
    cur = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (cur.trim() === '') startLine = line;
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw configSyntax(line, 'unterminated comment');
      const body = text.slice(i + 2, end);
      const m = /^\s*config\b([\s\S]*)$/.exec(body);
      if (m) config.push(m[1]);
      for (const ch of body) if (ch === '\n') line++;
      i = end + 2;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw configSyntax(line, 'unterminated quoted text');
        if (text[j] === c) {
          if (c === "'" && text[j + 1] === "'") {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      const quoted = text.slice(i, j + 1);
      for (const ch of quoted) if (ch === '\n') line++;
      cur += quoted;
      i = j + 1;
      continue;
    }
    if (c === ';') {
      flush();
      i++;
      continue;
    }
    if (c === '\n') line++;
    cur += c;
    i++;
  }
  flush();
  return { config, statements: out };
}

/** A `'value'` from WITH: HOCON objects and lists (`'{...}'`, `'[...]'`) become structured values. */
function optionValue(raw: string, line: number): JsonValue {
  const t = raw.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return parseHocon(`v = ${t}`, { pluginSections: [] }).v;
    } catch (err) {
      throw configSyntax(line, `bad structured option value: ${(err as Error).message}`);
    }
  }
  return raw;
}

function withOptions(body: string, line: number): JsonObject {
  const out: JsonObject = {};
  const re = /\s*'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'\s*(,|$)/gy;
  let pos = 0;
  while (pos < body.length && body.slice(pos).trim() !== '') {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) throw configSyntax(line, `bad WITH option near '${body.slice(pos, pos + 40).trim()}'`);
    out[m[1].replace(/''/g, "'")] = optionValue(m[2].replace(/''/g, "'"), line);
    pos = re.lastIndex;
  }
  return out;
}

const IDENT = '([A-Za-z_][A-Za-z0-9_.]*|`[^`]+`|"[^"]+")';
const unquote = (s: string) => s.replace(/^[`"]|[`"]$/g, '');

/** Translates a SQL job file into the JSON job shape (env, source, transform, sink). */
export function parseSqlConfig(text: string, env: Record<string, string | undefined> = {}): JsonObject {
  const { config, statements: stmts } = statements(text);
  const base: JsonObject = config.length > 0 ? parseHocon(config.join('\n'), { env }) : {};
  const source: JsonObject[] = [];
  const transform: JsonObject[] = [];
  const sinks = new Map<string, JsonObject>();
  const sink: JsonObject[] = [];
  let generated = 0;
  for (const st of stmts) {
    let m = new RegExp(`^CREATE\\s+TABLE\\s+${IDENT}\\s+WITH\\s*\\(([\\s\\S]*)\\)$`, 'i').exec(st.text);
    if (m) {
      const name = unquote(m[1]);
      const options = withOptions(m[2], st.line);
      const connector = options.connector;
      const type = String(options.type ?? '').toLowerCase();
      if (typeof connector !== 'string' || connector === '') throw configSyntax(st.line, `table ${name} has no 'connector'`);
      delete options.connector;
      delete options.type;
      if (type === 'source') source.push({ plugin_name: connector, ...options, plugin_output: name });
      else if (type === 'sink') sinks.set(name, { plugin_name: connector, ...options });
      else throw configSyntax(st.line, `table ${name} needs 'type' = 'source' or 'sink'`);
      continue;
    }
    m = new RegExp(`^CREATE\\s+TABLE\\s+${IDENT}\\s+AS\\s+(SELECT[\\s\\S]*)$`, 'i').exec(st.text);
    if (m) {
      const from = new RegExp(`\\bFROM\\s+${IDENT}`, 'i').exec(m[2]);
      if (!from) throw configSyntax(st.line, 'CREATE TABLE ... AS SELECT needs a FROM table');
      transform.push({ plugin_name: 'Sql', plugin_input: unquote(from[1]), plugin_output: unquote(m[1]), query: m[2] });
      continue;
    }
    m = new RegExp(`^INSERT\\s+INTO\\s+${IDENT}\\s+(SELECT[\\s\\S]*)$`, 'i').exec(st.text);
    if (m) {
      const target = sinks.get(unquote(m[1]));
      if (!target) throw configSyntax(st.line, `INSERT INTO ${unquote(m[1])}: no sink table of that name`);
      const select = m[2];
      const from = new RegExp(`\\bFROM\\s+${IDENT}`, 'i').exec(select);
      if (!from) throw configSyntax(st.line, 'INSERT INTO ... SELECT needs a FROM table');
      let input = unquote(from[1]);
      // Anything but `SELECT * FROM t` becomes a Sql transform in front of the sink.
      if (!/^SELECT\s+\*\s+FROM\s+\S+\s*$/i.test(select)) {
        const out = `__insert_${++generated}`;
        transform.push({ plugin_name: 'Sql', plugin_input: input, plugin_output: out, query: select });
        input = out;
      }
      sink.push({ ...target, plugin_input: input });
      continue;
    }
    throw configSyntax(st.line, `unsupported statement: ${st.text.slice(0, 60)}`);
  }
  return { ...base, source, transform, sink };
}
