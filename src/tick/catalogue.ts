// Every TICKscript node kind: Go type, DOT desc, chaining methods and properties with their argument types.

import type { EdgeKind } from './pipeline.ts';

/**
 * Argument types as Kapacitor's Go signatures declare them. `any` is Go's `interface{}`;
 * `node` a pipeline node (join/union parents); `strings`/`lambdas`/`anys` are Go slices set as one
 * field value (`.fields(...)` style properties are rare but exist).
 */
export type ArgType =
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'duration'
  | 'lambda'
  | 'regex'
  | 'any'
  | 'node'
  | 'strings'
  | 'lambdas'
  | 'anys';

export interface Signature {
  readonly params: readonly ArgType[];
  readonly variadic?: ArgType;
}

/**
 * How a property is stored in `PipelineNode.props` (see src/tick/pipeline.ts):
 * `field` one value (last wins), `flag` true once called, `list` the last call's args, `calls` every call's args.
 */
export type PropertyMode = 'field' | 'flag' | 'list' | 'calls';

export interface PropertySpec {
  /** Go name (`RetentionPolicy`, `Align`, `StateChangesOnly`); scripts use it with a lower-case first letter. */
  readonly goName: string;
  /** The key in `props`: the Go name with a lower-case first letter. */
  readonly key: string;
  readonly mode: PropertyMode;
  /** For property methods; undefined for plain fields. */
  readonly sig?: Signature;
  /** For plain fields: the Go field type. */
  readonly fieldType?: ArgType;
  /** Alert handler constructors: the method creates a handler object of this spec. */
  readonly handler?: string;
}

export interface NodeSpec {
  readonly kind: string;
  readonly goType: string;
  readonly desc: string;
  /** Property specs by Go name. */
  readonly props: ReadonlyMap<string, PropertySpec>;
  /** Chaining methods (Go names) this node type offers. */
  readonly chains: ReadonlySet<string>;
}

export interface ChainSpec {
  readonly goName: string;
  /** The node kind created. */
  readonly kind: string;
  readonly sig: Signature;
  /** Edge provided by the new node: a fixed kind or `same` (= what the parent provides). */
  readonly provides: EdgeKind | 'same';
  readonly influxql?: boolean;
}

function sig(text: string): Signature {
  const parts = text === '' ? [] : text.split(',').map((s) => s.trim());
  const params: ArgType[] = [];
  let variadic: ArgType | undefined;
  for (const p of parts) {
    if (p.startsWith('...')) variadic = p.slice(3) as ArgType;
    else params.push(p as ArgType);
  }
  return variadic ? { params, variadic } : { params };
}

function lowerFirst(s: string): string {
  return s[0]!.toLowerCase() + s.slice(1);
}

/**
 * Property DSL, space separated:
 * `Name:type` a field; `Name(sig)!` a flag method; `Name(sig)=` a list method; `Name(sig)+` an appending method;
 * `Name(sig)>Handler` an alert handler constructor.
 */
function props(text: string): Map<string, PropertySpec> {
  const out = new Map<string, PropertySpec>();
  for (const item of text.split(/\s+/).filter(Boolean)) {
    const field = /^(\w+):(\w+)$/.exec(item);
    if (field) {
      const [, goName, type] = field;
      out.set(goName!, { goName: goName!, key: lowerFirst(goName!), mode: 'field', fieldType: type as ArgType });
      continue;
    }
    const m = /^(\w+)\(([^)]*)\)([!=+]|>\w+)$/.exec(item);
    if (!m) throw new Error(`bad property spec ${item}`);
    const [, goName, s, suffix] = m;
    const mode: PropertyMode = suffix === '!' ? 'flag' : suffix === '=' ? 'list' : 'calls';
    const spec: PropertySpec = {
      goName: goName!,
      key: lowerFirst(goName!),
      mode,
      sig: sig(s!),
      ...(suffix!.startsWith('>') ? { handler: suffix!.slice(1) } : {}),
    };
    out.set(goName!, spec);
  }
  return out;
}

const CHAIN_LIST: ChainSpec[] = [];
function chain(goName: string, kind: string, s: string, provides: EdgeKind | 'same', influxql = false): void {
  CHAIN_LIST.push({ goName, kind, sig: sig(s), provides, ...(influxql ? { influxql: true } : {}) });
}

// Chaining methods of every chain node (Kapacitor's chainnode), in its declaration order.
chain('Where', 'where', 'lambda', 'same');
chain('HttpOut', 'httpOut', 'string', 'same');
chain('HttpPost', 'httpPost', '...string', 'same');
chain('InfluxDBOut', 'influxDBOut', '', 'none');
chain('KapacitorLoopback', 'kapacitorLoopback', '', 'none');
chain('Alert', 'alert', '', 'same');
chain('Union', 'union', '...node', 'same');
chain('Join', 'join', '...node', 'same');
chain('Combine', 'combine', '...lambda', 'stream');
chain('Flatten', 'flatten', '', 'same');
chain('Eval', 'eval', '...lambda', 'same');
chain('GroupBy', 'groupBy', '...any', 'same');
chain('Window', 'window', '', 'batch');
chain('Barrier', 'barrier', '', 'same');
chain('Sample', 'sample', 'any', 'same');
chain('Derivative', 'derivative', 'string', 'same');
chain('ChangeDetect', 'changeDetect', '...string', 'same');
chain('Shift', 'shift', 'duration', 'same');
chain('Log', 'log', '', 'same');
chain('Default', 'default', '', 'same');
chain('Delete', 'delete', '', 'same');
chain('K8sAutoscale', 'k8sAutoscale', '', 'stream');
chain('SwarmAutoscale', 'swarmAutoscale', '', 'stream');
chain('Ec2Autoscale', 'ec2Autoscale', '', 'stream');
chain('StateDuration', 'stateDuration', 'lambda', 'same');
chain('StateCount', 'stateCount', 'lambda', 'same');
chain('Sideload', 'sideload', '', 'same');
chain('Trickle', 'trickle', '', 'stream');
// InfluxQL functions (pipeline/influxql.go).
for (const f of ['Count', 'Mean', 'Median', 'Mode', 'Spread', 'Sum', 'First', 'Last', 'Min', 'Max', 'Stddev']) {
  chain(f, lowerFirst(f), 'string', 'stream', true);
}
chain('Distinct', 'distinct', 'string', 'batch', true);
chain('Percentile', 'percentile', 'string, float', 'stream', true);
chain('Top', 'top', 'int, string, ...string', 'batch', true);
chain('Bottom', 'bottom', 'int, string, ...string', 'batch', true);
chain('Elapsed', 'elapsed', 'string, duration', 'same', true);
chain('Difference', 'difference', 'string', 'same', true);
chain('MovingAverage', 'movingAverage', 'string, int', 'same', true);
chain('HoltWinters', 'holtWinters', 'string, int, int, duration', 'batch', true);
chain('HoltWintersWithFit', 'holtWintersWithFit', 'string, int, int, duration', 'batch', true);
chain('CumulativeSum', 'cumulativeSum', 'string', 'same', true);
// Methods of every node (Kapacitor's node): new sources.
chain('Stats', 'stats', 'duration', 'stream');
chain('Deadman', 'deadman', 'float, duration, ...lambda', 'same');
// Root-specific.
chain('From', 'from', '', 'stream');
chain('Query', 'query', 'string', 'batch');
chain('QueryFlux', 'queryFlux', 'string', 'batch');

export const CHAINS: ReadonlyMap<string, ChainSpec> = new Map(CHAIN_LIST.map((c) => [c.goName, c]));

const NODE_METHODS = ['Stats', 'Deadman'];
const CHAIN_NODE_METHODS = CHAIN_LIST.filter(
  (c) => !['Stats', 'Deadman', 'From', 'Query', 'QueryFlux'].includes(c.goName),
).map((c) => c.goName);

const QUIET = 'Quiet()!';

const ALERT_PROPS = `${QUIET} Category:string Topic:string Id:string Message:string Details:string
  Info:lambda Warn:lambda Crit:lambda InfoReset:lambda WarnReset:lambda CritReset:lambda
  Flapping(float,float)! FlapLow:float FlapHigh:float History:int LevelTag:string LevelField:string
  MessageField:string DurationField:string IdTag:string IdField:string All()! NoRecoveries()!
  StateChangesOnly(...duration)! StateChangesOnlyDuration:duration Inhibit(string,...string)+
  Post(...string)>post Tcp(string)>tcp Email(...string)>email Exec(string,...string)>exec Log(string)>log
  VictorOps()>victorOps PagerDuty()>pagerDuty PagerDuty2()>pagerDuty2 Pushover()>pushover Sensu()>sensu
  Slack()>slack Discord()>discord BigPanda()>bigPanda Telegram()>telegram HipChat()>hipChat
  Alerta()>alerta OpsGenie()>opsGenie OpsGenie2()>opsGenie2 Talk()>talk Mqtt(string)>mqtt
  SnmpTrap(string)>snmpTrap Kafka()>kafka Teams()>teams ServiceNow()>serviceNow Zenoss()>zenoss`;

interface NodeDef {
  kind: string;
  goType: string;
  desc: string;
  props: string;
  chains: string[];
}

const DEFS: NodeDef[] = [
  { kind: 'stream', goType: '*pipeline.StreamNode', desc: 'stream', props: QUIET, chains: ['From', ...NODE_METHODS] },
  {
    kind: 'batch',
    goType: '*pipeline.BatchNode',
    desc: 'batch',
    props: QUIET,
    chains: ['Query', 'QueryFlux', ...NODE_METHODS],
  },
  {
    kind: 'from',
    goType: '*pipeline.FromNode',
    desc: 'from',
    props: `${QUIET} Where(lambda)+ GroupBy(...any)= GroupByMeasurement()! Database:string RetentionPolicy:string
      Measurement:string Truncate:duration Round:duration`,
    chains: ['From', ...CHAIN_NODE_METHODS, ...NODE_METHODS],
  },
  {
    kind: 'query',
    goType: '*pipeline.QueryNode',
    desc: 'query',
    props: `${QUIET} QueryStr:string Period:duration Every:duration Align()! Cron:string Offset:duration AlignGroup()!
      GroupBy(...any)= GroupByMeasurement()! Fill:any Cluster:string`,
    chains: [...CHAIN_NODE_METHODS, ...NODE_METHODS],
  },
  {
    kind: 'queryFlux',
    goType: '*pipeline.QueryFluxNode',
    desc: 'queryFlux',
    props: `${QUIET} QueryStr:string Period:duration Every:duration Align()! Cron:string Offset:duration Cluster:string
      Org:string OrgID:string`,
    chains: [...CHAIN_NODE_METHODS, ...NODE_METHODS],
  },
  { kind: 'where', goType: '*pipeline.WhereNode', desc: 'where', props: `${QUIET} Lambda:lambda`, chains: [] },
  { kind: 'httpOut', goType: '*pipeline.HTTPOutNode', desc: 'http_out', props: `${QUIET} Endpoint:string`, chains: [] },
  {
    kind: 'httpPost',
    goType: '*pipeline.HTTPPostNode',
    desc: 'http_post',
    props: `${QUIET} Endpoint(string)+ Header(string,string)+ CodeField:string CaptureResponse()! URLs:strings Timeout:duration`,
    chains: [],
  },
  {
    kind: 'influxDBOut',
    goType: '*pipeline.InfluxDBOutNode',
    desc: 'influxdb_out',
    props: `${QUIET} Cluster:string Database:string RetentionPolicy:string Measurement:string WriteConsistency:string
      Precision:string Buffer:int FlushInterval:duration Tag(string,string)+ Create()!`,
    chains: [...NODE_METHODS],
  },
  {
    kind: 'kapacitorLoopback',
    goType: '*pipeline.KapacitorLoopbackNode',
    desc: 'kapacitor_loopback',
    props: `${QUIET} Database:string RetentionPolicy:string Measurement:string Tag(string,string)+`,
    chains: [...NODE_METHODS],
  },
  { kind: 'alert', goType: '*pipeline.AlertNode', desc: 'alert', props: ALERT_PROPS, chains: [] },
  { kind: 'union', goType: '*pipeline.UnionNode', desc: 'union', props: `${QUIET} Rename:string`, chains: [] },
  {
    kind: 'join',
    goType: '*pipeline.JoinNode',
    desc: 'join',
    props: `${QUIET} As(...string)= On(...string)= Delimiter:string DeleteAll:bool StreamName:string Tolerance:duration Fill:any`,
    chains: [],
  },
  {
    kind: 'combine',
    goType: '*pipeline.CombineNode',
    desc: 'combine',
    props: `${QUIET} Lambdas:lambdas As(...string)= Delimiter:string Tolerance:duration Max:int`,
    chains: [],
  },
  {
    kind: 'flatten',
    goType: '*pipeline.FlattenNode',
    desc: 'flatten',
    props: `${QUIET} On(...string)= Delimiter:string Tolerance:duration DropOriginalFieldName(...bool)!`,
    chains: [],
  },
  {
    kind: 'eval',
    goType: '*pipeline.EvalNode',
    desc: 'eval',
    props: `${QUIET} As(...string)= Tags(...string)= Lambdas:lambdas Keep(...string)!`,
    chains: [],
  },
  {
    kind: 'groupBy',
    goType: '*pipeline.GroupByNode',
    desc: 'groupby',
    props: `${QUIET} Dimensions:anys Exclude(...string)= ByMeasurement()!`,
    chains: [],
  },
  {
    kind: 'window',
    goType: '*pipeline.WindowNode',
    desc: 'window',
    props: `${QUIET} Period:duration Every:duration Align()! FillPeriod()! PeriodCount:int EveryCount:int`,
    chains: [],
  },
  {
    kind: 'barrier',
    goType: '*pipeline.BarrierNode',
    desc: 'barrier',
    props: `${QUIET} Idle:duration Period:duration Delete:bool`,
    chains: [],
  },
  { kind: 'sample', goType: '*pipeline.SampleNode', desc: 'sample', props: `${QUIET} N:int Duration:duration`, chains: [] },
  {
    kind: 'derivative',
    goType: '*pipeline.DerivativeNode',
    desc: 'derivative',
    props: `${QUIET} Field:string As:string Unit:duration NonNegative()!`,
    chains: [],
  },
  {
    kind: 'changeDetect',
    goType: '*pipeline.ChangeDetectNode',
    desc: 'changeDetect',
    props: `${QUIET} Fields:strings`,
    chains: [],
  },
  { kind: 'shift', goType: '*pipeline.ShiftNode', desc: 'shift', props: `${QUIET} Shift:duration`, chains: [] },
  { kind: 'log', goType: '*pipeline.LogNode', desc: 'log', props: `${QUIET} Level:string Prefix:string`, chains: [] },
  {
    kind: 'default',
    goType: '*pipeline.DefaultNode',
    desc: 'default',
    props: `${QUIET} Field(string,any)+ Tag(string,string)+`,
    chains: [],
  },
  {
    kind: 'delete',
    goType: '*pipeline.DeleteNode',
    desc: 'delete',
    props: `${QUIET} Field(string)+ Tag(string)+`,
    chains: [],
  },
  {
    kind: 'k8sAutoscale',
    goType: '*pipeline.K8sAutoscaleNode',
    desc: 'k8s_autoscale',
    props: `${QUIET} Cluster:string Namespace:string Kind:string ResourceName:string ResourceNameTag:string
      CurrentField:string Max:int Min:int Replicas:lambda IncreaseCooldown:duration DecreaseCooldown:duration
      NamespaceTag:string KindTag:string ResourceTag:string`,
    chains: [],
  },
  {
    kind: 'swarmAutoscale',
    goType: '*pipeline.SwarmAutoscaleNode',
    desc: 'swarm_autoscale',
    props: `${QUIET} Cluster:string ServiceName:string ServiceNameTag:string OutputServiceNameTag:string
      CurrentField:string Max:int Min:int Replicas:lambda IncreaseCooldown:duration DecreaseCooldown:duration`,
    chains: [],
  },
  {
    kind: 'ec2Autoscale',
    goType: '*pipeline.Ec2AutoscaleNode',
    desc: 'ec2_autoscale',
    props: `${QUIET} Cluster:string GroupName:string GroupNameTag:string OutputGroupNameTag:string
      CurrentField:string Max:int Min:int Replicas:lambda IncreaseCooldown:duration DecreaseCooldown:duration`,
    chains: [],
  },
  {
    kind: 'stateDuration',
    goType: '*pipeline.StateDurationNode',
    desc: 'state_duration',
    props: `${QUIET} Lambda:lambda As:string Unit:duration`,
    chains: [],
  },
  {
    kind: 'stateCount',
    goType: '*pipeline.StateCountNode',
    desc: 'state_count',
    props: `${QUIET} Lambda:lambda As:string`,
    chains: [],
  },
  {
    kind: 'sideload',
    goType: '*pipeline.SideloadNode',
    desc: 'sideload',
    props: `${QUIET} Source:string Order(...string)= Field(string,any)+ Tag(string,string)+`,
    chains: [],
  },
  { kind: 'trickle', goType: '*pipeline.TrickleNode', desc: 'trickle', props: QUIET, chains: [] },
  { kind: 'stats', goType: '*pipeline.StatsNode', desc: 'stats', props: `${QUIET} Interval:duration Align()!`, chains: [] },
  { kind: 'noOp', goType: '*pipeline.NoOpNode', desc: 'noop', props: QUIET, chains: [] },
  {
    kind: 'influxql',
    goType: '*pipeline.InfluxQLNode',
    desc: 'influxql',
    props: `${QUIET} Method:string Field:string As:string UsePointTimes()! Args:anys`,
    chains: [],
  },
  { kind: 'udf', goType: '*pipeline.UDFNode', desc: 'udf', props: QUIET, chains: [] },
];

/** Alert handler objects (returned by `.post()`, `.slack()` ...) with their own properties. */
const HANDLER_DEFS: Record<string, [string, string]> = {
  post: [
    '*pipeline.AlertHTTPPostHandler',
    'URL:string Endpoint:string Header(string,string)+ CaptureResponse()! Timeout:duration SkipSSLVerification()!',
  ],
  tcp: ['*pipeline.TcpHandler', 'Address:string'],
  email: ['*pipeline.EmailHandler', 'To(...string)+ ToTemplates(...string)+'],
  exec: ['*pipeline.ExecHandler', 'Command:strings'],
  log: ['*pipeline.LogHandler', 'FilePath:string Mode:int'],
  victorOps: ['*pipeline.VictorOpsHandler', 'RoutingKey:string'],
  pagerDuty: ['*pipeline.PagerDutyHandler', 'ServiceKey:string'],
  pagerDuty2: ['*pipeline.PagerDuty2Handler', 'RoutingKey:string Link(string,...string)+ ServiceKey(string)+'],
  hipChat: ['*pipeline.HipChatHandler', 'Room:string Token:string'],
  alerta: [
    '*pipeline.AlertaHandler',
    `Token:string Resource:string Event:string Environment:string Group:string Value:string Origin:string
     Services(...string)= Correlated(...string)= Attribute(string,any)+ Timeout:duration`,
  ],
  mqtt: ['*pipeline.MQTTHandler', 'BrokerName:string Topic:string Qos:int Retained:bool'],
  sensu: ['*pipeline.SensuHandler', 'Source:string Handlers(...string)= Metadata(string,any)+'],
  pushover: [
    '*pipeline.PushoverHandler',
    'UserKey:string Device:string Title:string URL:string URLTitle:string Sound:string',
  ],
  slack: ['*pipeline.SlackHandler', 'Workspace:string Channel:string Username:string IconEmoji:string'],
  discord: ['*pipeline.DiscordHandler', 'Workspace:string Username:string AvatarURL:string EmbedTitle:string'],
  bigPanda: [
    '*pipeline.BigPandaHandler',
    'AppKey:string Host:string PrimaryProperty:string SecondaryProperty:string Attribute(string,any)+',
  ],
  telegram: [
    '*pipeline.TelegramHandler',
    'ChatId:string ParseMode:string DisableWebPagePreview()! DisableNotification()!',
  ],
  opsGenie: ['*pipeline.OpsGenieHandler', 'Teams(...string)= Recipients(...string)='],
  opsGenie2: [
    '*pipeline.OpsGenie2Handler',
    'Teams(...string)= Recipients(...string)= RecoveryAction(string)+ Details()!',
  ],
  talk: ['*pipeline.TalkHandler', ''],
  snmpTrap: ['*pipeline.SNMPTrapHandler', 'TrapOid:string Data(string,string,string)+'],
  kafka: [
    '*pipeline.KafkaHandler',
    'Cluster:string KafkaTopic:string DisablePartitionById()! PartitionHashAlgorithm:string Template:string',
  ],
  teams: ['*pipeline.TeamsHandler', 'ChannelURL:string'],
  serviceNow: [
    '*pipeline.ServiceNowHandler',
    `URL:string Username:string Password:string Source:string Node:string Type:string Resource:string
     MetricName:string MessageKey:string AdditionalInfo(string,any)+`,
  ],
  zenoss: [
    '*pipeline.ZenossHandler',
    `URL:string Username:string Password:string Action:string Method:string Type:string Tid:int Collector:string
     Summary:string Device:string Component:string EventClassKey:string EventClass:string Message:string
     CustomField(string,any)+`,
  ],
};

export const NODES: ReadonlyMap<string, NodeSpec> = new Map(
  DEFS.map((d) => [d.kind, { kind: d.kind, goType: d.goType, desc: d.desc, props: props(d.props), chains: new Set(d.chains) }]),
);

/** Chain-node kinds get every chaining method unless their definition lists its own set. */
for (const spec of NODES.values()) {
  if (spec.chains.size === 0 && !['stream', 'batch'].includes(spec.kind)) {
    const set = spec.chains as Set<string>;
    for (const m of CHAIN_NODE_METHODS) set.add(m);
    for (const m of NODE_METHODS) set.add(m);
  }
}

export interface HandlerSpec {
  readonly kind: string;
  readonly goType: string;
  readonly props: ReadonlyMap<string, PropertySpec>;
}

export const HANDLERS: ReadonlyMap<string, HandlerSpec> = new Map(
  Object.entries(HANDLER_DEFS).map(([kind, [goType, p]]) => [kind, { kind, goType, props: props(p) }]),
);

/** The spec for a node kind; InfluxQL functions share one spec. */
export function nodeSpec(kind: string, influxql: boolean): NodeSpec {
  return NODES.get(influxql ? 'influxql' : kind)!;
}

/** Go's capitalizeFirst, used to look names up (`retentionPolicy` → `RetentionPolicy`). */
export function capitalizeFirst(name: string): string {
  const cp = name.codePointAt(0);
  if (cp === undefined) return name;
  const first = String.fromCodePoint(cp);
  return first.toUpperCase() + name.slice(first.length);
}
