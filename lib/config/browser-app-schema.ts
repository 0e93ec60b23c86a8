import { z } from 'zod';
import { MAX_BROWSER_ORIGINS, MAX_BROWSER_REDIRECT_URLS, appUrlProblem, originProblem } from '../shared/cors';

type Issue = (path: (string | number)[], message: string) => void;

/**
 * A consumer that is a single-page app: people sign in with the authorization code flow and PKCE on the workforce
 * identity and the app calls the gateway with their access token, from one of its origins. Its spend is its team
 * key's, attributed to the signed-in person as LiteLLM's end user.
 */
export const browserAppSchema = z.strictObject({
  /** Exact origins the app is served from (`https://host[:port]`); the edge answers CORS for these and no other. */
  origins: z
    .array(z.string())
    .min(1, 'needs at least one origin (https://host the app is served from)')
    .max(MAX_BROWSER_ORIGINS, `lists more than ${MAX_BROWSER_ORIGINS} origins`),
  /** Where the identity provider may send the authorization code: https URLs on one of `origins`. */
  redirectUrls: z
    .array(z.string())
    .min(1, 'needs at least one redirect URL (where the sign-in returns the code)')
    .max(MAX_BROWSER_REDIRECT_URLS, `lists more than ${MAX_BROWSER_REDIRECT_URLS} redirect URLs`),
  /** Where the identity provider may send the browser after sign-out: https URLs on one of `origins`. */
  logoutUrls: z.array(z.string()).max(MAX_BROWSER_REDIRECT_URLS, `lists more than ${MAX_BROWSER_REDIRECT_URLS} logout URLs`).default([]),
});

export type BrowserApp = z.output<typeof browserAppSchema>;

/** Every rule on one browser app; `at` is the path of its `browser` field. */
export function checkBrowserApp(app: BrowserApp, at: (string | number)[], issue: Issue): void {
  app.origins.forEach((origin, i) => {
    const problem = originProblem(origin);
    if (problem) issue([...at, 'origins', i], `"${origin}" ${problem}`);
  });
  reportRepeats(app.origins, (i, v) => issue([...at, 'origins', i], `"${v}" is listed twice (allowed: unique origins)`));
  for (const field of ['redirectUrls', 'logoutUrls'] as const) {
    app[field].forEach((url, i) => {
      const problem = appUrlProblem(url, app.origins);
      if (problem) issue([...at, field, i], `"${url}" ${problem}`);
    });
    reportRepeats(app[field], (i, v) => issue([...at, field, i], `"${v}" is listed twice (allowed: unique URLs)`));
  }
}

/**
 * Rules between a browser app and the environment's identity settings. With Cognito its public app client lives in
 * the workforce user pool, which exists only with the Cognito sign-in for employees.
 */
export function checkBrowserIdentity(at: (string | number)[], edgeProvider: string, ssoProvider: string, mode: string, issue: Issue): void {
  if (edgeProvider === 'cognito' && ssoProvider !== 'cognito') {
    issue(
      at,
      'needs web.sso.provider cognito with the cognito edge identity (the app client is created in the employees’ user pool); with an external issuer use edge.identity.provider oidc',
    );
  }
  if (mode !== 'inject') {
    issue(at, 'needs edge.mode inject (a browser app holds no key: the edge injects its team key)');
  }
}

function reportRepeats(values: readonly string[], report: (index: number, value: string) => void): void {
  values.forEach((value, i) => {
    if (values.indexOf(value) !== i) report(i, value);
  });
}
