/**
 * Names of the account-level stage and stack (lib/account-stack.ts), shared with the deploy command and the tests.
 * Dependency-free on purpose.
 */

/** Stage id, and the `env` context value that synthesizes it: `cdk deploy -c env=account 'account/*'`. */
export const ACCOUNT_STAGE = 'account';
/** One per account; no environment's stack name starts with it plus a dash, so no environment's destroy selects it. */
export const ACCOUNT_STACK_NAME = 'genai-account';
/**
 * Budgets and Cost Anomaly Detection are global services whose API endpoints live in us-east-1; keeping the stack (and
 * its topic) there avoids relying on either accepting resources elsewhere, which was not checked.
 */
export const ACCOUNT_STACK_REGION = 'us-east-1';
