import type { Clock } from './jwks-cache';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

export type LogFields = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Last line of defence: a value shaped like a JWT or a LiteLLM key is never written. */
const SECRET_SHAPED = /^sk-|^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./;

function redact(value: unknown): unknown {
  if (typeof value === 'string' && SECRET_SHAPED.test(value)) return '[redacted]';
  if (Array.isArray(value)) return value.map(redact);
  return value;
}

export function parseLogLevel(value: string | undefined): LogLevel {
  const upper = (value ?? '').toUpperCase();
  if (upper === 'TRACE') return 'DEBUG';
  if (upper === 'FATAL') return 'ERROR';
  return upper in RANK ? (upper as LogLevel) : 'INFO';
}

/** One JSON object per line, the shape CloudWatch Logs Insights and Powertools readers expect. */
export function createLogger(props: { write: (line: string) => void; clock: Clock; level?: LogLevel; service?: string }): Logger {
  const min = RANK[props.level ?? 'INFO'];
  const service = props.service ?? 'authorizer';
  const log = (level: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const entry: Record<string, unknown> = { level, message, service, timestamp: new Date(props.clock()).toISOString() };
    for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) entry[k] = redact(v);
    props.write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => log('DEBUG', m, f),
    info: (m, f) => log('INFO', m, f),
    warn: (m, f) => log('WARN', m, f),
    error: (m, f) => log('ERROR', m, f),
  };
}

export type DecisionOutcome = 'allow' | 'deny' | 'fault';

export interface Metrics {
  /** Counts one decision by outcome and reason (`ok` for allows), with its latency. */
  decision(outcome: DecisionOutcome, reason: string, latencyMs: number): void;
}

export const METRICS_NAMESPACE = 'GenAiGateway/Authorizer';

/**
 * CloudWatch embedded metric format: one log line per decision becomes `Decisions` (Count) and
 * `DecisionLatency` (Milliseconds), by Outcome and by Outcome+Reason. Reasons are a closed set.
 */
export function createEmfMetrics(props: { write: (line: string) => void; clock: Clock; namespace?: string }): Metrics {
  // The directive never changes; building the line by concatenation keeps JSON.stringify off the hot path.
  // Outcome and reason come from closed sets of identifiers, so they need no escaping.
  const directive = JSON.stringify([
    {
      Namespace: props.namespace ?? METRICS_NAMESPACE,
      Dimensions: [['Outcome'], ['Outcome', 'Reason']],
      Metrics: [
        { Name: 'Decisions', Unit: 'Count' },
        { Name: 'DecisionLatency', Unit: 'Milliseconds' },
      ],
    },
  ]);
  return {
    decision(outcome, reason, latencyMs) {
      const latency = Math.round(latencyMs * 1000) / 1000;
      props.write(
        `{"_aws":{"Timestamp":${props.clock()},"CloudWatchMetrics":${directive}},"Outcome":"${outcome}","Reason":"${reason}","Decisions":1,"DecisionLatency":${latency}}`,
      );
    },
  };
}
