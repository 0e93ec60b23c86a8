import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, loadConfig } from './config';
import { createMisconfiguredHandler, type AuthorizerHandler } from './handler';
import { secretsManagerClientConfig } from './secrets-manager-source';
import { createEmfMetrics, createLogger, parseLogLevel } from './telemetry';
import { buildAuthorizer } from './wiring';

// Cold start: config, clients, logger and clock are created once and reused by every invocation.
const clock = Date.now;
const write = (line: string) => {
  process.stdout.write(`${line}\n`);
};
const logger = createLogger({ write, clock, level: parseLogLevel(process.env.AWS_LAMBDA_LOG_LEVEL) });
const metrics = createEmfMetrics({ write, clock });

function coldStart(): AuthorizerHandler {
  try {
    const config = loadConfig(process.env);
    // Every attempt and every lookup is bounded, so a hung Secrets Manager connection is cut within the
    // authorizer's budget (then stale-on-error applies) instead of holding later requests.
    const secretsManager = config.mode === 'inject' ? new SecretsManagerClient(secretsManagerClientConfig(config.limits)) : undefined;
    return buildAuthorizer(config, { logger, metrics, clock, secretsManager }).handler;
  } catch (err) {
    // Fail closed: every request is refused with a 5xx, and the reason is logged once per cold start.
    const problems = err instanceof ConfigError ? err.problems : [err instanceof Error ? err.message : String(err)];
    logger.error('invalid authorizer configuration', { reason: 'config_invalid', problems });
    return createMisconfiguredHandler({ logger, metrics });
  }
}

export const handler: AuthorizerHandler = coldStart();
