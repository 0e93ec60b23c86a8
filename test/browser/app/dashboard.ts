/**
 * A minimal dashboard on the gateway, in the browser: the person signs in with the authorization code grant and
 * PKCE (oauth4webapi does the OAuth part), then the page streams a chat completion through the gateway with the
 * person's access token. The README's "Build a dashboard on the gateway" walks through it, and
 * test/browser/dashboard.test.ts runs it in Chromium against stand-ins of the user pool and the edge.
 */
import * as oauth from 'oauth4webapi';
import type { DashboardConfig } from './config';

const VERIFIER_KEY = 'dashboard.pkce-verifier';
const STATE_KEY = 'dashboard.oauth-state';

/** Step 1: send the person to the sign-in page. The PKCE verifier waits in this tab's session storage. */
export async function signIn(config: DashboardConfig): Promise<void> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  const url = new URL(config.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url);
}

/** Step 2, back on the redirect URL: check the state, redeem the code with the verifier, keep the access token. */
export async function completeSignIn(config: DashboardConfig): Promise<string> {
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  const state = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  sessionStorage.removeItem(STATE_KEY);
  if (!verifier || !state) throw new Error('no sign-in was started in this tab');
  const server: oauth.AuthorizationServer = {
    issuer: config.issuer,
    authorization_endpoint: config.authorizationEndpoint,
    token_endpoint: config.tokenEndpoint,
  };
  const client: oauth.Client = { client_id: config.clientId };
  const params = oauth.validateAuthResponse(server, client, new URL(location.href), state);
  const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), params, config.redirectUri, verifier);
  const tokens = await oauth.processAuthorizationCodeResponse(server, client, response);
  // The code is spent: take it out of the address bar and the history.
  history.replaceState(null, '', config.redirectUri);
  return tokens.access_token;
}

/** An answer of the gateway other than 2xx: the status is readable because the edge sends CORS headers on it. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the gateway answered ${status}`);
  }
}

/** Step 3: a streamed chat completion; `onText` gets each piece as it arrives. */
export async function streamCompletion(
  config: DashboardConfig,
  accessToken: string,
  prompt: string,
  onText: (text: string) => void,
): Promise<void> {
  const response = await fetch(`${config.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: config.model, stream: true, messages: [{ role: 'user', content: prompt }] }),
  });
  if (!response.ok || !response.body) throw new GatewayError(response.status, await response.text());
  // Server-sent events: one `data: <json>` line per chunk, `data: [DONE]` at the end.
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const lines = (pending + read.value).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const chunk = JSON.parse(line.slice('data: '.length)) as { choices?: { delta?: { content?: string } }[] };
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) onText(text);
    }
  }
}

/** The page: a sign-in button; once signed in, a prompt whose answer streams into the page. */
async function main(config: DashboardConfig): Promise<void> {
  const $ = (id: string) => document.getElementById(id)!;
  const status = $('status');
  $('sign-in').addEventListener('click', () => void signIn(config));
  if (!new URLSearchParams(location.search).has('code')) return;
  const accessToken = await completeSignIn(config);
  status.textContent = 'signed in';
  $('ask').addEventListener('click', () => {
    const answer = $('answer');
    answer.textContent = '';
    const prompt = ($('prompt') as HTMLInputElement).value;
    streamCompletion(config, accessToken, prompt, (text) => answer.append(text))
      .then(() => (status.textContent = 'done'))
      .catch((err: unknown) => (status.textContent = err instanceof GatewayError ? `error ${err.status}` : String(err)));
  });
}

// The page embeds its configuration as JSON (see index.html).
const embedded = document.getElementById('config')?.textContent;
if (embedded) {
  main(JSON.parse(embedded) as DashboardConfig).catch((err: unknown) => {
    document.getElementById('status')!.textContent = `sign-in failed: ${String(err)}`;
  });
}
