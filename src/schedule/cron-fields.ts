// Field-by-field validation of Quartz (6/7 fields) and Unix (5 fields) cron expressions.
//
// croner is lenient (it accepts `?` in any field, both day fields set, wrap-around ranges in some
// spellings), so we check the rules of each dialect ourselves first and give a message that names
// the field and the offending element.

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value the first name stands for (1 for JAN, 1 for SUN in Quartz, 0 for SUN in Unix). */
  readonly namesFrom?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const SECOND: FieldSpec = { name: 'seconds', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minutes', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hours', min: 0, max: 23 };
const DOM: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 };
const QUARTZ_DOW: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: DAYS, namesFrom: 1 };
const UNIX_DOW: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: DAYS, namesFrom: 0 };
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2099 };

/** Why a field is invalid, or undefined when every field is valid. */
export function checkQuartzFields(fields: readonly string[]): string | undefined {
  if (fields.length !== 6 && fields.length !== 7) {
    return `a Quartz expression has 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), found ${fields.length}`;
  }
  const [sec, min, hour, dom, month, dow, year] = fields;
  const domAny = dom === '?';
  const dowAny = dow === '?';
  if (domAny && dowAny) return "'?' can only be specified for day-of-month -OR- day-of-week";
  if (!domAny && !dowAny) {
    return "specifying both a day-of-month and a day-of-week is not supported: one of them must be '?'";
  }
  for (const [text, spec] of [
    [sec, SECOND],
    [min, MINUTE],
    [hour, HOUR],
    [month, MONTH],
  ] as const) {
    const problem = checkPlainField(text, spec);
    if (problem) return problem;
  }
  if (!domAny) {
    const problem = checkQuartzDom(dom);
    if (problem) return problem;
  }
  if (!dowAny) {
    const problem = checkQuartzDow(dow);
    if (problem) return problem;
  }
  if (year !== undefined) {
    const problem = checkPlainField(year, YEAR);
    if (problem) return problem;
  }
  return undefined;
}

export function checkUnixFields(fields: readonly string[]): string | undefined {
  if (fields.length !== 5) {
    return `a Unix crontab has 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  }
  const specs = [MINUTE, HOUR, DOM, MONTH, UNIX_DOW];
  for (let i = 0; i < 5; i++) {
    const problem = checkPlainField(fields[i], specs[i]);
    if (problem) return problem;
  }
  return undefined;
}

/** `*`, `?`-free lists of values, ranges and steps. */
function checkPlainField(text: string, spec: FieldSpec): string | undefined {
  if (text === '') return `${spec.name}: empty field`;
  for (const element of text.split(',')) {
    const problem = checkElement(element, spec);
    if (problem) return `${spec.name}: ${problem}`;
  }
  return undefined;
}

function checkElement(element: string, spec: FieldSpec): string | undefined {
  if (element === '') return 'empty list element';
  const slash = element.indexOf('/');
  let base = element;
  if (slash >= 0) {
    base = element.slice(0, slash);
    const stepText = element.slice(slash + 1);
    if (!/^\d+$/.test(stepText)) return `invalid step '${stepText}' in '${element}'`;
    const step = Number(stepText);
    if (step < 1 || step > spec.max) return `step ${step} out of range 1-${spec.max} in '${element}'`;
    if (base === '') return `missing start before '/' in '${element}'`;
  }
  if (base === '*') return undefined;
  const dash = base.indexOf('-', 1);
  if (dash >= 0) {
    const from = fieldValue(base.slice(0, dash), spec);
    const to = fieldValue(base.slice(dash + 1), spec);
    if (typeof from === 'string') return from;
    if (typeof to === 'string') return to;
    if (from > to) return `range '${base}' runs backwards`;
    return undefined;
  }
  const v = fieldValue(base, spec);
  return typeof v === 'string' ? v : undefined;
}

/** The numeric value of a number or a name, or a message. */
function fieldValue(text: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) return `value ${n} out of range ${spec.min}-${spec.max}`;
    return n;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec.namesFrom ?? 0);
  return `invalid value '${text}'`;
}

function checkQuartzDom(text: string): string | undefined {
  if (text === 'L' || text === 'LW') return undefined;
  if (/^L-\d+$/.test(text)) return `day-of-month: offsets from the last day ('${text}') are not supported`;
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) {
    const day = Number(weekday[1]);
    return day >= 1 && day <= 31 ? undefined : `day-of-month: value ${day} out of range 1-31 in '${text}'`;
  }
  if (/[LW]/i.test(text)) {
    return `day-of-month: 'L' and 'W' must stand alone ('L', 'LW' or 'nW'), found '${text}'`;
  }
  return checkPlainField(text, DOM);
}

function checkQuartzDow(text: string): string | undefined {
  if (text === 'L') return undefined;
  const last = /^(\w+?)L$/i.exec(text);
  if (last && text.length > 1) {
    const v = fieldValue(last[1], QUARTZ_DOW);
    return typeof v === 'string' ? `day-of-week: ${v} in '${text}'` : undefined;
  }
  const nth = /^(\w+)#(\d+)$/.exec(text);
  if (nth) {
    const v = fieldValue(nth[1], QUARTZ_DOW);
    if (typeof v === 'string') return `day-of-week: ${v} in '${text}'`;
    const n = Number(nth[2]);
    return n >= 1 && n <= 5 ? undefined : `day-of-week: occurrence ${n} out of range 1-5 in '${text}'`;
  }
  // No day name contains 'L' or '#', so any left here are misplaced.
  if (/[L#]/i.test(text)) {
    return `day-of-week: 'L' and '#' must stand alone ('L', 'nL' or 'n#k'), found '${text}'`;
  }
  return checkPlainField(text, QUARTZ_DOW);
}
