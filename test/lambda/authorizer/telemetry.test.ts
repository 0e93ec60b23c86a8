import { createEmfMetrics, createLogger, parseLogLevel } from '../../../lambda/authorizer/telemetry';

const clock = () => Date.UTC(2025, 0, 1);

describe('createLogger', () => {
  test('writes one JSON object per line with level, message and fields', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), clock }).info('deny', { reason: 'expired', status: 401, clientId: undefined });
    expect(JSON.parse(lines[0] as string)).toEqual({
      level: 'INFO',
      message: 'deny',
      service: 'authorizer',
      timestamp: '2025-01-01T00:00:00.000Z',
      reason: 'expired',
      status: 401,
    });
  });

  test('drops entries below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), clock, level: 'WARN' });
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['c', 'd']);
  });

  test('redacts values shaped like tokens or virtual keys', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), clock }).info('x', {
      a: 'sk-secret_value_123',
      b: 'eyJhbGciOi.eyJzdWIiOi.sig',
      c: ['sk-zzzzzzzz'],
      d: 'client7abc',
    });
    expect(JSON.parse(lines[0] as string)).toMatchObject({ a: '[redacted]', b: '[redacted]', c: ['[redacted]'], d: 'client7abc' });
  });

  test.each([
    [undefined, 'INFO'],
    ['debug', 'DEBUG'],
    ['TRACE', 'DEBUG'],
    ['warn', 'WARN'],
    ['FATAL', 'ERROR'],
    ['nonsense', 'INFO'],
  ])('reads log level %p as %s', (input, level) => {
    expect(parseLogLevel(input)).toBe(level);
  });
});

describe('createEmfMetrics', () => {
  test('emits an embedded-metric-format line counting the decision by outcome and reason', () => {
    const lines: string[] = [];
    createEmfMetrics({ write: (l) => lines.push(l), clock }).decision('deny', 'expired', 1.23456);
    expect(JSON.parse(lines[0] as string)).toEqual({
      _aws: {
        Timestamp: Date.UTC(2025, 0, 1),
        CloudWatchMetrics: [
          {
            Namespace: 'GenAiGateway/Authorizer',
            Dimensions: [['Outcome'], ['Outcome', 'Reason']],
            Metrics: [
              { Name: 'Decisions', Unit: 'Count' },
              { Name: 'DecisionLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Outcome: 'deny',
      Reason: 'expired',
      Decisions: 1,
      DecisionLatency: 1.235,
    });
  });
});
