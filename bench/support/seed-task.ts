// The seed-000 TICKscript of issue 4, which the stream benchmarks run on the load generator's data.

/** Seed 000 as its author wrote it (alert included), on the load generator's measurement and fields. */
export const SEED = `var data = stream
    |from()
        .database('bench')
        .retentionPolicy('autogen')
        .measurement('cpu')
        .groupBy(['host'])
        .where(lambda: TRUE)
    |eval(lambda: "usage_idle")
        .as('value')
var past = data
    |shift(10m)
var current = data
var trigger = past
    |join(current)
        .as('past', 'current')
    |eval(lambda: abs(float("current.value" - "past.value")) / float("past.value") * 100.0)
        .keep()
        .as('value')
    |alert()
        .crit(lambda: "value" > 10)
        .stateChangesOnly()
        .message('')
        .id('bench-{{.Group}}')
        .idTag('alertID')
        .levelTag('level')
        .messageField('message')
        .durationField('duration')
trigger
    |eval(lambda: float("value"))
        .as('value')
        .keep()
    |influxDBOut()
        .create()
        .database('chronograf')
        .retentionPolicy('autogen')
        .measurement('alerts')
        .tag('alertName', 'bench')
        .tag('triggerType', 'relative')
trigger
    |httpOut('output')
`;
