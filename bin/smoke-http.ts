/** HTTP for the smoke run: one request, its status and parsed body, or why there was no response. */

/** The fetch the smoke run uses everywhere (the global one, or a test's). */
export type Fetch = typeof fetch;

/** A whole response, or the network error that stood in for it. */
export interface HttpAnswer {
  readonly status?: number;
  /** Parsed JSON when the body is JSON, else the text. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly error?: string;
}

/** Sends one request and reads the whole answer; never throws for network errors or timeouts. */
export async function send(fetchFn: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return { status: response.status, body: parseBody(text), contentType: response.headers.get('content-type') ?? '' };
  } catch (e) {
    return { error: describeFetchError(e) };
  }
}

/** JSON when it parses, else the text as is. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A fetch failure in words: undici hides the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
export function describeFetchError(e: unknown): string {
  // Duck-typed: errors from fetch may come from another realm (undici inside Node), where instanceof fails.
  if (typeof e !== 'object' || e === null || typeof (e as { message?: unknown }).message !== 'string') return String(e);
  const { name, message, cause } = e as { name?: unknown; message: string; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return detail ? `${message}: ${detail}` : message;
}
