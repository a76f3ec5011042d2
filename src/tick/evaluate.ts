// TICKscript evaluator: runs a parsed program against the node catalogue and builds the pipeline description.

import { formatGoDuration, formatInfluxDuration } from '../core/time.ts';
import type {
  BinaryNode,
  ExprNode,
  FunctionNode,
  IdentNode,
  LambdaNode,
  Pos,
  ProgramNode,
  StatementNode,
} from './ast.ts';
import {
  type ArgType,
  CHAINS,
  type ChainSpec,
  capitalizeFirst,
  HANDLERS,
  nodeSpec,
  type PropertySpec,
  type Signature,
} from './catalogue.ts';
import { atPosition, LambdaError, TickEvalError, type TickWarning } from './errors.ts';
import { compileLambda, evalConstant, LambdaCompileError, type LambdaCompileOptions, lintLambda } from './lambda/compile.ts';
import { isDur, MISSING, type Val } from './lambda/values.ts';
import { T } from './lexer.ts';
import type { AlertHandlerDesc, DBRP, EdgeKind, Pipeline, PipelineNode, Value } from './pipeline.ts';
import { hintForUnknownName, hintForWrongOperator } from './hints.ts';
import {
  type EvVal,
  type GlobalFnVal,
  goTypeOf,
  type HandlerVal,
  type LambdaVal,
  type NodeVal,
  type TickVar,
  type VarType,
  valueTypeName,
  varTypeOf,
} from './values.ts';

export interface EvaluateOptions extends LambdaCompileOptions {
  /** Values for the script's vars (task `vars`). */
  vars?: Record<string, TickVar> | undefined;
  /** Templates: type-only declarations without a value get the type's zero value instead of an error. */
  ignoreMissingVars?: boolean;
  /** Names of configured UDFs, callable with `@name()`. */
  udfs?: ReadonlySet<string>;
}

export interface EvaluationResult {
  readonly pipeline: Pipeline;
  /** Lambdas that compile but cannot work as written (e.g. single-quoted field names), with positions. */
  readonly warnings: readonly TickWarning[];
  /** The script's declared vars with their default values (null for type-only declarations). */
  readonly vars: Record<string, TickVar>;
}

type MutableNode = PipelineNode & { quiet: boolean };

const DEADMAN_ID = "{{ .Group }}:NODE_NAME for task '{{ .TaskName }}'";
const DEADMAN_MESSAGE =
  '{{ .ID }} is {{ if eq .Level "OK" }}alive{{ else }}dead{{ end }}: {{ index .Fields "emitted" | printf "%0.3f" }} points/INTERVAL.';
const ALERT_ID = '{{ .Name }}:{{ .Group }}';
const ALERT_MESSAGE = '{{ .ID }} is {{ .Level }}';
const ALERT_DETAILS = '{{ json . }}';

/** Kapacitor's defaults for properties the engine reads, set when the node is created. */
function defaultsFor(kind: string, influxql: boolean): Record<string, Value> {
  if (influxql) return { as: kind };
  switch (kind) {
    case 'alert':
      return { history: 21n, id: ALERT_ID, message: ALERT_MESSAGE, details: ALERT_DETAILS };
    case 'join':
    case 'flatten':
      return { delimiter: '.' };
    case 'combine':
      return { delimiter: '.', max: 1_000_000n };
    case 'influxDBOut':
      return { buffer: 1000n, flushInterval: { type: 'duration', ns: 10_000_000_000 } };
    case 'log':
      return { level: 'INFO' };
    case 'derivative':
    case 'stateDuration':
      return { unit: { type: 'duration', ns: 1_000_000_000 } };
    case 'k8sAutoscale':
      return { min: 1n, kind: 'deployments', namespaceTag: 'namespace', kindTag: 'kind', resourceTag: 'resource' };
    case 'swarmAutoscale':
    case 'ec2Autoscale':
      return { min: 1n };
    default:
      return {};
  }
}

/** Go type names of parameter types, as reflect prints them. */
const GO_PARAM: Record<ArgType, string> = {
  string: 'string',
  int: 'int64',
  float: 'float64',
  bool: 'bool',
  duration: 'time.Duration',
  lambda: '*ast.LambdaNode',
  regex: '*regexp.Regexp',
  any: 'interface {}',
  node: 'pipeline.Node',
  strings: '[]string',
  lambdas: '[]*ast.LambdaNode',
  anys: '[]interface {}',
};

function accepts(t: ArgType, v: EvVal): boolean {
  switch (t) {
    case 'any':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'bigint';
    case 'float':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'duration':
      return typeof v === 'object' && !Array.isArray(v) && v.type === 'duration';
    case 'lambda':
      return typeof v === 'object' && !Array.isArray(v) && v.type === 'lambdaval';
    case 'regex':
      return typeof v === 'object' && !Array.isArray(v) && v.type === 'regex';
    case 'node':
      return typeof v === 'object' && !Array.isArray(v) && (v.type === 'node' || v.type === 'handler');
    case 'anys':
      return Array.isArray(v);
    default:
      return false;
  }
}

/** Reflect-style argument check: the panic text Kapacitor's evaluator would wrap, or undefined when the call fits. */
function checkArgs(sig: Signature, args: EvVal[]): string | undefined {
  const fixed = sig.params.length;
  if (args.length < fixed) return 'reflect: Call with too few input arguments';
  if (!sig.variadic && args.length > fixed) return 'reflect: Call with too many input arguments';
  for (let i = 0; i < fixed; i++) {
    if (!accepts(sig.params[i]!, args[i]!)) return `reflect: Call using ${goTypeOf(args[i])} as type ${GO_PARAM[sig.params[i]!]}`;
  }
  for (let i = fixed; i < args.length; i++) {
    if (!accepts(sig.variadic!, args[i]!))
      return `reflect: cannot use ${goTypeOf(args[i])} as type ${GO_PARAM[sig.variadic!]} in Call`;
  }
  return undefined;
}

class Evaluator {
  readonly #scope = new Map<string, EvVal>();
  readonly #opts: EvaluateOptions;
  readonly #nodes = new Set<MutableNode>();
  readonly #sources: MutableNode[] = [];
  readonly #defaults: Record<string, TickVar> = {};
  readonly #dbrps: DBRP[] = [];
  readonly #warnings: TickWarning[] = [];
  #nextId = 0;

  constructor(type: 'stream' | 'batch', opts: EvaluateOptions) {
    this.#opts = opts;
    const root = this.#newNode(type, false, [], { line: 1, char: 1, pos: 0 }, type === 'stream' ? 'stream' : 'batch');
    this.#addSource(root);
    this.#scope.set(type, { type: 'node', node: root });
    this.#scope.set('time', { type: 'global', name: 'time' } satisfies GlobalFnVal);
  }

  get sources(): MutableNode[] {
    return this.#sources;
  }

  #newNode(kind: string, influxql: boolean, args: Value[], pos: Pos, provides: EdgeKind | 'stream' | 'batch', wants: EdgeKind = 'none'): MutableNode {
    const spec = nodeSpec(kind, influxql);
    const desc = influxql ? kind : kind === 'udf' ? String(args[0] ?? 'udf') : spec.desc;
    const node: MutableNode = {
      id: -1,
      kind,
      desc,
      name: '',
      goType: spec.goType,
      influxql,
      wants,
      provides,
      parents: [],
      children: [],
      args,
      props: defaultsFor(kind, influxql),
      calls: {},
      handlers: [],
      quiet: false,
      position: { line: pos.line, char: pos.char },
    };
    return node;
  }

  #assignId(n: MutableNode): void {
    const id = this.#nextId++;
    (n as { id: number }).id = id;
    (n as { name: string }).name = `${n.desc}${id}`;
  }

  #addSource(n: MutableNode): void {
    this.#assignId(n);
    this.#sources.push(n);
    this.#nodes.add(n);
  }

  #link(parent: MutableNode, child: MutableNode): void {
    this.#assignId(child);
    parent.children.push(child);
    child.parents.push(parent);
    this.#nodes.add(child);
  }

  fail(pos: Pos | undefined, message: string, hint?: string): never {
    throw new TickEvalError(pos ? atPosition(pos, message) : message, pos, hint);
  }

  #get(name: string, pos: Pos): EvVal {
    const v = this.#scope.get(name);
    if (v !== undefined) return v;
    const names = [...this.#scope.keys()];
    throw new TickEvalError(
      `name "${name}" is undefined. Names in scope: ${names.join(',')}`,
      pos,
      hintForUnknownName(name, names),
    );
  }

  #resolve(v: EvVal | IdentNode, _at?: Pos): EvVal {
    if (typeof v === 'object' && !Array.isArray(v) && 'kind' in v && v.kind === 'ident') return this.#get(v.name, v);
    return v as EvVal;
  }

  run(program: ProgramNode): void {
    for (const stmt of program.nodes) {
      const v = this.#statement(stmt);
      if (v !== undefined && typeof v === 'object' && !Array.isArray(v) && 'kind' in v && v.kind === 'function') {
        this.#callFunction(v, undefined);
      }
    }
  }

  #statement(n: StatementNode): EvVal | IdentNode | FunctionNode | undefined {
    switch (n.kind) {
      case 'comment':
        return undefined;
      case 'dbrp':
        this.#dbrps.push({ db: n.db.name, rp: n.rp.name });
        return undefined;
      case 'typedecl':
        this.#typeDeclaration(n);
        return undefined;
      case 'decl':
        this.#declaration(n);
        return undefined;
      case 'function':
        return n;
      default:
        return this.#expr(n);
    }
  }

  #typeDeclaration(n: Extract<StatementNode, { kind: 'typedecl' }>): void {
    const typeName = n.type.name;
    const known: Record<string, VarType> = {
      int: 'int',
      float: 'float',
      bool: 'bool',
      string: 'string',
      regex: 'regex',
      duration: 'duration',
      lambda: 'lambda',
      list: 'list',
      star: 'star',
    };
    const actual = known[typeName];
    if (!actual) this.fail(undefined, `invalid var type "${typeName}"`);
    const name = n.node.name;
    const description = n.comment ? n.comment.comments.join('\n') : '';
    this.#defaults[name] = { type: actual, value: null, description };
    const given = this.#opts.vars?.[name];
    if (given) {
      if (given.type !== actual) {
        this.fail(undefined, `invalid type supplied for ${name}, got ${valueTypeName(given.type)} exp ${valueTypeName(actual)}`);
      }
      this.#scope.set(name, varToValue(given));
    } else if (this.#opts.ignoreMissingVars) {
      this.#scope.set(name, zeroValue(actual));
    } else {
      throw new TickEvalError(`missing value for var "${name}".`, n.node, `supply it in the task's "vars": {"${name}": {"type": "${actual}", "value": ...}}`);
    }
  }

  #declaration(n: Extract<StatementNode, { kind: 'decl' }>): void {
    const name = n.left.name;
    const right = this.#expr(n.right);
    if (this.#scope.has(name)) throw new TickEvalError(`attempted to redefine ${name}, vars are immutable`, n.left);
    let value = this.#resolve(right, n.right);
    const actual = varTypeOf(value);
    if (actual) {
      const description = n.comment ? n.comment.comments.join('\n') : '';
      this.#defaults[name] = { type: actual, value: valueToVar(value), description };
    }
    const given = this.#opts.vars?.[name];
    if (given) {
      if (given.type !== actual) {
        this.fail(
          undefined,
          `invalid type supplied for ${name}, got ${valueTypeName(given.type)} exp ${valueTypeName(actual ?? 'invalid type')}`,
        );
      }
      value = varToValue(given);
    }
    this.#scope.set(name, value);
  }

  /** Evaluates an expression statement or argument; identifiers stay unresolved (like Kapacitor's stack). */
  #expr(n: ExprNode): EvVal | IdentNode {
    switch (n.kind) {
      case 'bool':
        return n.value;
      case 'number':
        return n.isInt ? n.int : n.float;
      case 'duration':
        return { type: 'duration', ns: n.ns };
      case 'string':
        return n.literal;
      case 'regex':
        return { type: 'regex', source: n.source, regex: n.regex };
      case 'star':
        return { type: 'star' };
      case 'reference':
        return { type: 'reference', name: n.name, pos: n };
      case 'ident':
        return n;
      case 'unary':
        return this.#unary(n);
      case 'binary':
        return this.#binary(n);
      case 'lambda':
        return { type: 'lambdaval', expr: this.#resolveIdents(n.expression) };
      case 'list':
        return n.nodes.map((item) => this.#resolve(this.#expr(item), item));
      case 'function':
        return this.#callFunction(n, undefined);
      case 'chain':
        return this.#chain(n);
    }
  }

  #unary(n: Extract<ExprNode, { kind: 'unary' }>): EvVal {
    const v = this.#resolve(this.#expr(n.node), n.node);
    if (n.op === T.Minus) {
      if (typeof v === 'number') return -v;
      if (typeof v === 'bigint') return BigInt.asIntN(64, -v);
      if (typeof v === 'object' && !Array.isArray(v) && v.type === 'duration') return { type: 'duration', ns: -v.ns };
      this.fail(n, `invalid arugument to '-' ${describe(v)}`);
    }
    if (typeof v === 'boolean') return !v;
    return this.fail(n, `invalid arugument to '!' ${describe(v)}`);
  }

  #binary(n: BinaryNode): EvVal {
    const resolved = this.#resolveIdents(n);
    let v: Val;
    try {
      v = evalConstant(resolved);
    } catch (err) {
      if (err instanceof LambdaError) this.fail(undefined, err.message);
      if (err instanceof LambdaCompileError) this.fail(err.node, err.message);
      throw err;
    }
    if (v === MISSING) return this.fail(n, 'expression returned unexpected type missing');
    if (typeof v === 'object') {
      if (isDur(v)) return { type: 'duration', ns: v.ns };
      if (v.type === 'regex') return { type: 'regex', source: v.source, regex: v.regex };
      return this.fail(n, `expression returned unexpected type ${v.type}`);
    }
    return v;
  }

  /** Replaces identifiers inside an expression by literal nodes of their values (Kapacitor's resolveIdents). */
  #resolveIdents(n: ExprNode): ExprNode {
    switch (n.kind) {
      case 'ident':
        return this.#literalFor(n, this.#get(n.name, n));
      case 'unary': {
        const inner = this.#resolveIdents(n.node);
        return inner === n.node ? n : { ...n, node: inner };
      }
      case 'binary': {
        const left = this.#resolveIdents(n.left);
        const right = this.#resolveIdents(n.right);
        return left === n.left && right === n.right ? n : { ...n, left, right };
      }
      case 'function': {
        const args = n.args.map((a) => this.#resolveIdents(a));
        return args.every((a, i) => a === n.args[i]) ? n : { ...n, args };
      }
      default:
        return n;
    }
  }

  #literalFor(at: IdentNode, v: EvVal): ExprNode {
    const p = { pos: at.pos, line: at.line, char: at.char };
    switch (typeof v) {
      case 'number':
        return { kind: 'number', ...p, isInt: false, int: 0n, float: v, base: 10 };
      case 'bigint':
        return { kind: 'number', ...p, isInt: true, int: v, float: 0, base: 10 };
      case 'string':
        return { kind: 'string', ...p, literal: v, triple: false };
      case 'boolean':
        return { kind: 'bool', ...p, value: v };
    }
    if (!Array.isArray(v)) {
      switch (v.type) {
        case 'duration':
          return { kind: 'duration', ...p, literal: formatInfluxDuration(v.ns), ns: v.ns };
        case 'regex':
          return { kind: 'regex', ...p, literal: v.source.replace(/\//g, '\\/'), source: v.source, regex: v.regex };
        case 'lambdaval':
          return v.expr;
        case 'star':
          return { kind: 'star', ...p };
      }
    }
    return this.fail(at, `unsupported literal type ${goTypeOf(v)}`);
  }

  #chain(n: Extract<ExprNode, { kind: 'chain' }>): EvVal {
    const left = this.#resolve(this.#expr(n.left), n.left);
    const right = n.right;
    if (right.kind === 'ident') {
      // `node.property` read.
      const obj = left;
      if (typeof obj === 'object' && !Array.isArray(obj) && (obj.type === 'node' || obj.type === 'handler')) {
        const target = obj.type === 'node' ? obj.node : obj.handler;
        const spec = this.#propSpec(obj, right.name);
        if (spec && spec.mode === 'field') {
          const value = target.props[spec.key];
          if (value !== undefined) return descToEv(value);
          return zeroForArg(spec.fieldType!);
        }
      }
      return this.fail(n, `object ${goTypeOf(obj)} has no property ${capitalizeFirst(right.name)}`);
    }
    return this.#callFunction(right, left);
  }

  #propSpec(obj: NodeVal | HandlerVal, name: string): PropertySpec | undefined {
    const goName = capitalizeFirst(name);
    if (obj.type === 'handler') {
      return HANDLERS.get(obj.handler.kind)?.props.get(goName) ?? nodeSpec('alert', false).props.get(goName);
    }
    const spec = nodeSpec(obj.node.kind, obj.node.influxql).props.get(goName);
    if (spec || obj.node.kind !== 'udf') return spec;
    // UDF options are declared by the agent at run time; every option call is recorded under its name.
    return { goName, key: name, mode: 'calls', sig: { params: [], variadic: 'any' } };
  }

  #hasChain(obj: NodeVal | HandlerVal, name: string): ChainSpec | undefined {
    const goName = capitalizeFirst(name);
    const node = obj.type === 'node' ? obj.node : obj.node.node;
    if (!nodeSpec(node.kind, node.influxql).chains.has(goName)) return undefined;
    return CHAINS.get(goName);
  }

  #callFunction(f: FunctionNode, obj: EvVal | undefined): EvVal {
    let args: EvVal[] = f.args.map((a) => {
      const v = this.#expr(a);
      return this.#resolve(v, a);
    });
    if (args.length === 1 && Array.isArray(args[0])) args = args[0];
    const name = f.name;
    if (f.funcType === 'global') {
      if (obj !== undefined) this.fail(f, `calling global function on object ${goTypeOf(obj)}`);
      const fn = this.#scope.get(name);
      if (fn === undefined) this.fail(f, `no global function "${name}" defined`);
      if (typeof fn === 'object' && !Array.isArray(fn) && fn.type === 'global') {
        const err = checkArgs({ params: ['duration'], variadic: 'duration' }, args);
        if (err) this.fail(f, `error calling func "${name}" on obj <nil>: ${err}`);
        if (args.length > 2) this.fail(f, `time() function expects 1 or 2 args, got ${args.length}`);
        const every = (args[0] as { ns: number }).ns;
        return args.length === 2 ? { type: 'time', every, offset: (args[1] as { ns: number }).ns } : { type: 'time', every };
      }
      return this.fail(f, `error calling func "${name}" on obj <nil>: reflect: call of reflect.Value.Call on ${goTypeOf(fn)} Value`);
    }
    if (typeof obj !== 'object' || Array.isArray(obj) || (obj.type !== 'node' && obj.type !== 'handler')) {
      return this.fail(f, 'cannot get properties of non pointer value');
    }
    const target = obj;
    const goType = goTypeOf(target);
    const chainSpec = this.#hasChain(target, name);
    const propSpec = this.#propSpec(target, name);
    const udf = this.#opts.udfs?.has(name) ?? false;
    const wrap = (err: string): never => {
      if (err.includes('*ast.ReferenceNode') && err.includes('type string')) {
        const bad = args.find((a) => typeof a === 'object' && !Array.isArray(a) && a.type === 'reference');
        throw new TickEvalError(
          atPosition(f, 'cannot assign *ast.ReferenceNode to type string, did you use double quotes instead of single quotes?'),
          bad && typeof bad === 'object' && !Array.isArray(bad) && bad.type === 'reference' ? bad.pos : f,
          bad && typeof bad === 'object' && !Array.isArray(bad) && bad.type === 'reference'
            ? `write '${bad.name}' (single quotes) for a string; "${bad.name}" is a field reference`
            : undefined,
        );
      }
      return this.fail(f, `error calling func "${name}" on obj ${goType}: ${err}`);
    };
    switch (f.funcType) {
      case 'chain':
        if (chainSpec) return this.#callChain(chainSpec, target, args, f, wrap);
        if (propSpec) {
          this.fail(
            f,
            `no chaining method "${name}" on ${goType}, but property does exist. Use '.' operator instead: 'node.${name}(..)'.`,
            hintForWrongOperator(name, '.'),
          );
        }
        if (udf)
          this.fail(
            f,
            `no chaining method "${name}" on ${goType}, but dynamic method does exist. Use '@' operator instead: 'node@${name}(..)'.`,
          );
        break;
      case 'property':
        if (propSpec) return this.#setProperty(propSpec, target, args, f, wrap);
        if (chainSpec) {
          this.fail(
            f,
            `no property method "${name}" on ${goType}, but chaining method does exist. Use '|' operator instead: 'node|${name}(..)'.`,
            hintForWrongOperator(name, '|'),
          );
        }
        if (udf)
          this.fail(
            f,
            `no property method "${name}" on ${goType}, but dynamic method does exist. Use '@' operator instead: 'node@${name}(..)'.`,
          );
        break;
      case 'dynamic':
        if (udf) return this.#callUdf(name, target, args, f);
        if (propSpec)
          this.fail(f, `no dynamic method "${name}" on ${goType}, but property does exist. Use '.' operator instead: 'node.${name}(..)'.`);
        if (chainSpec)
          this.fail(
            f,
            `no dynamic method "${name}" on ${goType}, but chaining method does exist. Use '|' operator instead: 'node|${name}(..)'.`,
          );
        break;
    }
    const node = target.type === 'node' ? target.node : target.node.node;
    throw new TickEvalError(
      atPosition(f, `no method or property "${name}" on ${goType}`),
      f,
      hintForUnknownName(name, this.#namesOn(node), node.kind),
    );
  }

  #namesOn(node: PipelineNode): string[] {
    const spec = nodeSpec(node.kind, node.influxql);
    const lower = (s: string) => s[0]!.toLowerCase() + s.slice(1);
    return [...[...spec.props.keys()].map(lower), ...[...spec.chains].map(lower)];
  }

  #callUdf(name: string, target: NodeVal | HandlerVal, args: EvVal[], f: FunctionNode): EvVal {
    const parent = target.type === 'node' ? target.node : target.node.node;
    const node = this.#newNode('udf', false, [name, ...args.map(evToDesc)], f, parent.provides, parent.provides);
    this.#link(parent, node);
    return { type: 'node', node };
  }

  #callChain(spec: ChainSpec, target: NodeVal | HandlerVal, args: EvVal[], f: FunctionNode, wrap: (e: string) => never): EvVal {
    const parent = target.type === 'node' ? target.node : target.node.node;
    const err = checkArgs(spec.sig, args);
    if (err) wrap(err);
    const provides: EdgeKind = spec.provides === 'same' ? parent.provides : spec.provides;
    switch (spec.kind) {
      case 'window':
        if (parent.provides !== 'stream') wrap('cannot Window batch edge');
        break;
      case 'sample': {
        const rate = args[0];
        if (typeof rate !== 'bigint' && !(typeof rate === 'object' && !Array.isArray(rate) && rate.type === 'duration')) {
          wrap('must pass int64 or duration to new sample node');
        }
        break;
      }
      case 'stats':
        return this.#stats(parent, (args[0] as { ns: number }).ns, f);
      case 'deadman':
        return this.#deadman(parent, args, f);
    }
    if (spec.kind === 'join' || spec.kind === 'union') {
      const others = args as Array<NodeVal | HandlerVal>;
      const node = this.#newNode(spec.kind, false, [], f, provides, parent.provides);
      // join() links the node it was called on first; union() links the others first (each link takes an id).
      const parents = spec.kind === 'join' ? [parent, ...others.map(nodeOf)] : [...others.map(nodeOf), parent];
      for (const p of parents) this.#link(p, node);
      return { type: 'node', node };
    }
    const node = this.#newNode(spec.kind, spec.influxql ?? false, args.map(evToDesc), f, provides, parent.provides);
    this.#initFromArgs(node, args);
    this.#link(parent, node);
    return { type: 'node', node };
  }

  /** Chaining-method arguments that Kapacitor stores as properties. */
  #initFromArgs(node: MutableNode, args: EvVal[]): void {
    const p = node.props as Record<string, Value>;
    const d = (i: number) => evToDesc(args[i]!);
    if (node.influxql) {
      p.field = d(0);
      return;
    }
    switch (node.kind) {
      case 'query':
      case 'queryFlux':
        p.queryStr = d(0);
        break;
      case 'where':
      case 'stateDuration':
      case 'stateCount':
        p.lambda = d(0);
        break;
      case 'httpOut':
        p.endpoint = d(0);
        break;
      case 'httpPost':
        p.uRLs = args.map(evToDesc);
        break;
      case 'eval':
      case 'combine':
        p.lambdas = args.map(evToDesc);
        break;
      case 'groupBy':
        p.dimensions = args.map(evToDesc);
        break;
      case 'derivative':
        p.field = d(0);
        p.as = d(0);
        break;
      case 'changeDetect':
        p.fields = args.map(evToDesc);
        break;
      case 'shift':
        p.shift = d(0);
        break;
      case 'sample':
        if (typeof args[0] === 'bigint') p.n = args[0];
        else p.duration = d(0);
        break;
    }
    if (node.kind === 'stateDuration') p.as = 'state_duration';
    if (node.kind === 'stateCount') p.as = 'state_count';
  }

  #stats(observed: MutableNode, interval: number, f: Pos): NodeVal {
    const stats = this.#newNode('stats', false, [{ type: 'duration', ns: interval }], f, 'stream', 'stream');
    (stats as { observes?: PipelineNode }).observes = observed;
    (stats.props as Record<string, Value>).interval = { type: 'duration', ns: interval };
    this.#addSource(stats);
    if (observed.children.length === 0) {
      const noop = this.#newNode('noOp', false, [], f, observed.provides, observed.provides);
      this.#link(observed, noop);
    }
    return { type: 'node', node: stats };
  }

  #deadman(observed: MutableNode, args: EvVal[], f: FunctionNode): NodeVal {
    const threshold = args[0] as number;
    const interval = (args[1] as { ns: number }).ns;
    const extra = args.slice(2) as LambdaVal[];
    const stats = this.#stats(observed, interval, f).node;
    (stats.props as Record<string, Value>).align = true;
    const deriv = this.#newNode('derivative', false, ['emitted'], f, 'stream', 'stream');
    Object.assign(deriv.props, { field: 'emitted', as: 'emitted', nonNegative: true, unit: { type: 'duration', ns: interval } });
    this.#link(stats, deriv);
    const alert = this.#newNode('alert', false, [], f, 'stream', 'stream');
    this.#link(deriv, alert);
    const p = { pos: f.pos, line: f.line, char: f.char };
    let crit: ExprNode = {
      kind: 'binary',
      ...p,
      op: T.LessEqual,
      left: { kind: 'reference', ...p, name: 'emitted' },
      right: { kind: 'number', ...p, isInt: false, int: 0n, float: threshold, base: 10 },
      parens: false,
      multiLine: false,
    };
    for (const e of extra) {
      crit = { kind: 'binary', ...p, op: T.And, left: crit, right: e.expr, parens: false, multiLine: false };
    }
    const props = alert.props as Record<string, Value>;
    props.crit = this.#compile({ type: 'lambdaval', expr: crit }, f);
    props.id = DEADMAN_ID.replace('NODE_NAME', observed.name);
    props.message = DEADMAN_MESSAGE.replace('INTERVAL', formatGoDuration(interval));
    return { type: 'node', node: alert };
  }

  #compile(l: LambdaVal, at: Pos): Value {
    if (!l.compiled) {
      try {
        l.compiled = compileLambda(l.expr, this.#opts);
      } catch (err) {
        if (err instanceof LambdaCompileError) this.fail(err.message.startsWith('lambda expression too large') ? at : err.node, err.message);
        throw err;
      }
      // After compiling, which bounds the expression's size.
      this.#warnings.push(...lintLambda(l.expr));
    }
    return l.compiled;
  }

  #setProperty(spec: PropertySpec, target: NodeVal | HandlerVal, args: EvVal[], f: FunctionNode, wrap: (e: string) => never): EvVal {
    const holder: { props: Record<string, Value>; calls: Record<string, Value[][]> } =
      target.type === 'node' ? target.node : target.handler;
    const isAlertProp = target.type === 'handler' && !HANDLERS.get(target.handler.kind)?.props.has(spec.goName);
    const owner = isAlertProp ? (target as HandlerVal).node.node : holder;
    if (spec.mode === 'field') {
      if (args.length !== 1) this.fail(f, `too many arguments to set property ${spec.goName} on ${goTypeOf(target)}`);
      const v = args[0]!;
      if (!accepts(spec.fieldType!, v)) {
        wrap(`reflect.Set: value of type ${goTypeOf(v)} is not assignable to type ${GO_PARAM[spec.fieldType!]}`);
      }
      owner.props[spec.key] = this.#toDesc(v, f);
      return target;
    }
    const err = checkArgs(spec.sig!, args);
    if (err) wrap(err);
    const values = args.map((a) => this.#toDesc(a, f));
    if (spec.handler) {
      const node = target.type === 'node' ? target.node : target.node.node;
      const handler: AlertHandlerDesc = { kind: spec.handler, args: values, props: {}, calls: {} };
      initHandler(handler, values);
      node.handlers.push(handler);
      return { type: 'handler', node: target.type === 'node' ? target : target.node, handler };
    }
    const calls = (owner.calls[spec.key] ??= []);
    calls.push(values);
    if (spec.goName === 'Quiet') (target.type === 'node' ? target.node : target.node.node).quiet = true;
    switch (spec.mode) {
      case 'flag':
        owner.props[spec.key] = true;
        this.#flagArgs(spec, owner.props, values);
        break;
      case 'list':
        owner.props[spec.key] = values;
        break;
      case 'calls':
        owner.props[spec.key] = calls;
        break;
    }
    return target;
  }

  /** Flags whose arguments also set a companion property, as their Go methods do. */
  #flagArgs(spec: PropertySpec, props: Record<string, Value>, values: Value[]): void {
    switch (spec.goName) {
      case 'StateChangesOnly':
        if (values.length > 0) props.stateChangesOnlyDuration = values[0]!;
        break;
      case 'Flapping':
        props.flapLow = values[0]!;
        props.flapHigh = values[1]!;
        break;
      case 'Keep':
        props.keepList = values;
        break;
      case 'DropOriginalFieldName':
        props.dropOriginalFieldName = values.length === 0 ? true : values[0]!;
        break;
    }
  }

  #toDesc(v: EvVal, at: Pos): Value {
    if (typeof v === 'object' && !Array.isArray(v) && v.type === 'lambdaval') return this.#compile(v, at);
    if (Array.isArray(v)) return v.map((x) => this.#toDesc(x, at));
    return evToDesc(v);
  }

  finish(): EvaluationResult {
    // Compile every lambda stored in node args (eval/where/stateDuration ...) once, now.
    for (const n of this.#nodes) {
      const args = n.args as Value[];
      for (let i = 0; i < args.length; i++) args[i] = this.#compileDeep(args[i]!, n.position);
      for (const [k, v] of Object.entries(n.props)) (n.props as Record<string, Value>)[k] = this.#compileDeep(v, n.position);
    }
    const nodes = sortPipeline(this.#sources);
    return {
      pipeline: {
        type: this.#sources[0]!.kind === 'batch' ? 'batch' : 'stream',
        nodes,
        sources: [...this.#sources],
        dbrps: [...this.#dbrps],
      },
      warnings: this.#warnings.filter(
        (w, i, all) => all.findIndex((o) => o.line === w.line && o.char === w.char && o.message === w.message) === i,
      ),
      vars: this.#defaults,
    };
  }

  #compileDeep(v: Value, pos: { line: number; char: number }): Value {
    const lv = v as unknown as EvVal;
    if (typeof lv === 'object' && !Array.isArray(lv) && lv !== null && (lv as { type?: string }).type === 'lambdaval') {
      return this.#compile(lv as LambdaVal, { pos: 0, ...pos });
    }
    if (Array.isArray(v)) return v.map((x) => this.#compileDeep(x, pos));
    return v;
  }

  validate(nodes: readonly PipelineNode[]): void {
    for (const n of nodes) {
      const msg = validateNode(n);
      if (msg) this.fail(undefined, msg);
    }
  }
}

function nodeOf(v: NodeVal | HandlerVal): MutableNode {
  return v.type === 'node' ? v.node : v.node.node;
}

function initHandler(h: AlertHandlerDesc, values: Value[]): void {
  const p = h.props as Record<string, Value>;
  switch (h.kind) {
    case 'post':
      if (values.length > 0) p.uRL = values[0]!;
      break;
    case 'tcp':
      p.address = values[0]!;
      break;
    case 'email':
      p.toList = values;
      break;
    case 'exec':
      p.command = values;
      break;
    case 'log':
      p.filePath = values[0]!;
      break;
    case 'mqtt':
      p.topic = values[0]!;
      break;
    case 'snmpTrap':
      p.trapOid = values[0]!;
      break;
  }
}

/** Script value → description value (lambdas are compiled by the evaluator before this). */
function evToDesc(v: EvVal): Value {
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(evToDesc);
  switch (v.type) {
    case 'node':
      return v.node.name;
    case 'handler':
      return v.node.node.name;
    case 'reference':
      return v.name;
    case 'global':
      return v.name;
    case 'lambdaval':
      return v as unknown as Value;
    default:
      return v;
  }
}

function descToEv(v: Value): EvVal {
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(descToEv);
  const o = v as Exclude<Value, readonly Value[] | string | number | bigint | boolean>;
  if (o.type === 'lambda') return { type: 'lambdaval', expr: { kind: 'bool', pos: 0, line: 0, char: 0, value: true }, compiled: o };
  return o;
}

function zeroForArg(t: ArgType): EvVal {
  switch (t) {
    case 'string':
      return '';
    case 'int':
      return 0n;
    case 'float':
      return 0;
    case 'bool':
      return false;
    case 'duration':
      return { type: 'duration', ns: 0 };
    default:
      return [];
  }
}

function describe(v: EvVal): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  return goTypeOf(v);
}

function varToValue(v: TickVar): EvVal {
  if (v.type === 'list') return ((v.value as TickVar[] | null) ?? []).map(varToValue);
  if (v.value === null) return zeroValue(v.type);
  return v.value as EvVal;
}

function valueToVar(v: EvVal): TickVar['value'] {
  if (Array.isArray(v)) {
    return v.map((item) => ({ type: varTypeOf(item) ?? 'string', value: valueToVar(item) }) as TickVar);
  }
  return v as TickVar['value'];
}

function zeroValue(t: VarType): EvVal {
  switch (t) {
    case 'int':
      return 0n;
    case 'float':
      return 0;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'duration':
      return { type: 'duration', ns: 0 };
    case 'regex':
      return { type: 'regex', source: '', regex: /(?:)/ };
    case 'lambda':
      return { type: 'lambdaval', expr: { kind: 'bool', pos: 0, line: 1, char: 1, value: false } };
    case 'list':
      return [];
    case 'star':
      return { type: 'star' };
  }
}

/** Kapacitor's topological order: sources visited last-first, depth-first post-order, reversed. */
export function sortPipeline(sources: readonly PipelineNode[]): PipelineNode[] {
  const done = new Set<PipelineNode>();
  const out: PipelineNode[] = [];
  const visit = (root: PipelineNode) => {
    // Iterative DFS keeps deep pipelines off the call stack.
    const stack: Array<[PipelineNode, number]> = [[root, 0]];
    if (done.has(root)) return;
    const onPath = new Set<PipelineNode>([root]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [n, i] = top;
      if (i < n.children.length) {
        top[1] = i + 1;
        const c = n.children[i]!;
        if (onPath.has(c)) throw new TickEvalError('pipeline contains a cycle');
        if (!done.has(c)) {
          stack.push([c, 0]);
          onPath.add(c);
        }
      } else {
        stack.pop();
        onPath.delete(n);
        if (!done.has(n)) {
          done.add(n);
          out.push(n);
        }
      }
    }
  };
  for (let i = sources.length - 1; i >= 0; i--) visit(sources[i]!);
  return out.reverse();
}

/** Static validation Kapacitor runs on every node after evaluation (pipeline.Validate). */
function validateNode(n: PipelineNode): string | undefined {
  const p = n.props;
  const strList = (v: Value | undefined): string[] => (Array.isArray(v) ? (v as Value[]).map(String) : []);
  switch (n.kind) {
    case 'from':
    case 'groupBy': {
      const dims = (n.kind === 'from' ? p.groupBy : p.dimensions) as Value[] | undefined;
      for (const d of dims ?? []) {
        if (d === '') return 'dimensions cannot not be the empty string';
        if (typeof d !== 'string' && !(typeof d === 'object' && !Array.isArray(d) && (d as { type: string }).type === 'star')) {
          return `invalid dimension object of type ${typeof d === 'bigint' ? 'int64' : typeof d === 'number' ? 'float64' : typeof d === 'boolean' ? 'bool' : 'interface {}'}`;
        }
      }
      return undefined;
    }
    case 'eval': {
      const as = strList(p.as);
      const lambdas = (p.lambdas as Value[] | undefined) ?? [];
      if (as.length !== lambdas.length) {
        return `must specify same number of expressions and .as() names: got ${as.length} as names, and ${lambdas.length} expressions.`;
      }
      for (const tag of strList(p.tags)) {
        if (!as.includes(tag)) return `invalid tag name "${tag}", name is not present is .as() names`;
      }
      return undefined;
    }
    case 'join': {
      const names = strList(p.as);
      if (names.length === 0) return 'a call to join.as() is required to specify the output stream prefixes.';
      if (names.length !== n.parents.length) return 'number of prefixes specified by join.as() must match the number of joined streams';
      const delim = String(p.delimiter ?? '.');
      for (const name of names) {
        if (name === '') return 'must provide a prefix name for the join node, see .as() property method';
        if (delim !== '' && name.includes(delim)) return `cannot use name ${name} as field prefix, it contains the delimiter "${delim}"\t`;
      }
      return undefined;
    }
    case 'combine': {
      const names = strList(p.as);
      const lambdas = (p.lambdas as Value[] | undefined) ?? [];
      if (names.length === 0) return 'a call to combine.as() is required to specify the output stream prefixes.';
      if (names.length !== lambdas.length) return 'number of prefixes specified by combine.as() must match the number of combine expressions';
      const delim = String(p.delimiter ?? '.');
      for (const name of names) {
        if (name === '') return 'must provide a prefix name for the combine node, see .as() property method';
        if (name.includes(delim)) return `cannot use name ${name} as field prefix, it contains the delimiter character ${delim}`;
      }
      return undefined;
    }
    case 'window': {
      const period = (p.period as { ns: number } | undefined)?.ns ?? 0;
      const periodCount = (p.periodCount as bigint | undefined) ?? 0n;
      const everyCount = (p.everyCount as bigint | undefined) ?? 0n;
      if (periodCount !== 0n && period !== 0) return 'cannot specify both period and periodCount';
      if (periodCount !== 0n && p.align === true) return 'can only align windows based off time, not count';
      if (periodCount !== 0n && everyCount <= 0n) return 'everyCount must be greater than zero';
      return undefined;
    }
    case 'barrier': {
      const idle = (p.idle as { ns: number } | undefined)?.ns ?? 0;
      const period = (p.period as { ns: number } | undefined)?.ns ?? 0;
      if (idle !== 0 && period !== 0) return 'cannot specify both idle and period';
      if (period === 0 && idle <= 0) return 'idle must be greater than zero';
      if (period <= 0 && idle === 0) return 'period must be greater than zero';
      return undefined;
    }
    case 'httpPost': {
      const urls = strList(p.uRLs);
      const endpoints = strList(p.endpoint);
      if (urls.length > 1) return `httpPost expects 0 or 1 arguments, got ${urls.length}`;
      if (endpoints.length > 1) return `httpPost expects 0 or 1 endpoints, got ${endpoints.length}`;
      if (urls.length === 0 && endpoints.length === 0) return 'must provide url or endpoint';
      if (urls.length > 0 && endpoints.length > 0) return 'only one endpoint and url may be specified';
      for (const [k] of (n.calls.header ?? []) as Value[][]) {
        if (String(k).toLowerCase() === 'authenticate') return "cannot set 'authenticate' header";
      }
      return undefined;
    }
    case 'kapacitorLoopback':
      if (!p.database) return 'must specify a database';
      if (!p.retentionPolicy) return 'must specify a retention policy';
      return undefined;
    case 'default':
      for (const [field, value] of (n.calls.field ?? []) as Value[][]) {
        if (!['number', 'bigint', 'string', 'boolean'].includes(typeof value)) {
          return `unsupported type ${typeof value === 'object' ? 'interface {}' : typeof value} for field "${String(field)}", field default values must be float,int,string or bool`;
        }
      }
      return undefined;
    case 'k8sAutoscale':
      if ((p.resourceName ? 1 : 0) + (p.resourceNameTag ? 1 : 0) !== 1) return 'must specify exactly one of ResourceName or ResourceNameTag';
      if (!['deployments', 'replicasets', 'replicationcontrollers'].includes(String(p.kind))) {
        return `invalid Kind, must be 'deployments', 'replicasets' or 'replicationcontrollers', got ${String(p.kind)}`;
      }
      if ((p.min as bigint) < 1n) return `min must be >= 1, got ${p.min}`;
      if (!p.replicas) return 'must provide a replicas lambda expression';
      return undefined;
    case 'swarmAutoscale':
      if ((p.serviceName ? 1 : 0) + (p.serviceNameTag ? 1 : 0) !== 1) return 'must specify exactly one of ServiceName or ServiceNameTag';
      if ((p.min as bigint) < 1n) return `min must be >= 1, got ${p.min}`;
      if (!p.replicas) return 'must provide a replicas lambda expression';
      return undefined;
    case 'ec2Autoscale':
      if ((p.groupName ? 1 : 0) + (p.groupNameTag ? 1 : 0) !== 1) return 'must specify exactly one of GroupName or GroupNameTag';
      if ((p.min as bigint) < 1n) return `min must be >= 1, got ${p.min}`;
      if (!p.replicas) return 'must provide a replicas lambda expression';
      return undefined;
    case 'alert':
      for (const h of n.handlers) {
        if (h.kind === 'post') {
          for (const [k] of (h.calls.header ?? []) as Value[][]) {
            if (String(k).toLowerCase() === 'authenticate') return "cannot set 'authenticate' header";
          }
        }
        if (h.kind === 'snmpTrap' && !h.props.trapOid) return `invalid SNMP trap "": you must supply a trap Oid`;
      }
      return undefined;
  }
  return undefined;
}

/** Evaluates a parsed program for a task of the given type. Throws TickEvalError (Kapacitor's texts). */
export function evaluateProgram(program: ProgramNode, type: 'stream' | 'batch', options: EvaluateOptions = {}): EvaluationResult {
  const ev = new Evaluator(type, options);
  ev.run(program);
  const result = ev.finish();
  ev.validate(result.pipeline.nodes);
  return result;
}

export type { LambdaNode };
