/**
 * Debian's Chromium, driven by playwright-core for the browser tests (test/browser). Playwright's own browser
 * download cannot run offline, so the tests use the distribution's build at a fixed path; `.ci/run` installs it
 * and the global set-up names the command when it is missing (prerequisites.ts).
 */
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

/**
 * Headless, as root (no sandbox), and nothing that calls out: on a closed network Chromium's background
 * connections (updates, sync, field trials) are refused by the dozen and slow every start.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile (playwright-core makes a new user-data-dir for each launch). */
export async function launchChromium(): Promise<Browser> {
  // Loaded here, not at import: the global set-up reads this file's constants on every run.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
