import { z } from 'zod';

const ACCOUNT = /^\d{12}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const alertPercents = z
  .array(z.number().int().min(1).max(1000))
  .min(1, 'needs at least one percentage (e.g. [80, 100])')
  .max(4, 'has more than 4 percentages (AWS Budgets allows 5 notifications per budget; one is the forecast)')
  .default([80, 100]);

/**
 * What the account-level stack holds besides one budget per environment (those come from each environment's
 * `observability.monthlyBudgetUsd`): who is told, the Bedrock budget by service, and the anomaly alert threshold.
 */
export const accountSchema = z.strictObject({
  /** The account the stack deploys to; every environment that names an account must name this one. @default the CLI's */
  account: z.string().regex(ACCOUNT, 'is not an AWS account id (12 digits)').optional(),
  /** Subscribed by email to the account topic (budgets and cost anomalies); each address confirms AWS's mail. */
  alertEmails: z.array(z.string().regex(EMAIL, 'is not an email address (name@example.com)')).default([]),
  /**
   * A monthly budget over Bedrock's own Cost Explorer service names, whatever calls it: token spend that carries no
   * environment tag (no application inference profile yet) still counts here. Absent: no Bedrock budget.
   */
  bedrock: z
    .strictObject({
      monthlyBudgetUsd: z.number().gt(0, 'must be above 0 (allowed: US dollars above 0)').max(10_000_000),
      alertPercents,
      /** Cost Explorer "Service" values; models sold through AWS Marketplace bill under their own names (README). */
      services: z.array(z.string().min(1)).min(1, 'needs at least one Cost Explorer service name').default(['Amazon Bedrock']),
    })
    .optional(),
  /** Cost Anomaly Detection notifies for an anomaly whose total impact reaches this many US dollars. */
  anomalyAlertUsd: z.number().min(1).max(1_000_000).default(100),
});

export type AccountInput = z.input<typeof accountSchema>;
export type AccountConfig = z.output<typeof accountSchema>;
