import type { AccountInput } from './account-schema';

/**
 * The account-level stack's settings (`genai-account`, never destroyed). The environments' budgets come from their
 * own overlays; this adds the Bedrock budget and the anomaly alerts.
 */
export const ACCOUNT_SETTINGS: AccountInput = {
  // Subscribe the people who answer for the bill; each address confirms the subscription AWS mails it.
  alertEmails: [],
  // Above the teams' monthly caps together (prod 2000 + 3000 + 1500, dev's small ones), so it warns before they all run out.
  bedrock: { monthlyBudgetUsd: 7000, alertPercents: [80, 100] },
  anomalyAlertUsd: 100,
};
