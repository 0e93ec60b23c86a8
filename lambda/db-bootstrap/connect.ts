import { Client, type ClientConfig } from 'pg';

/** Who to log in as, and where. */
export interface Login {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Opens a connected client for a login; the caller ends it. */
export type Connect = (login: Login) => Promise<Client>;

/** Where the cluster is and how to reach it. */
export interface ServerEndpoint {
  readonly host: string;
  readonly port: number;
  /** `{ rejectUnauthorized: true }` in Lambda; `false` only for a local test server. */
  readonly ssl: ClientConfig['ssl'];
  /** Bounds one connection attempt, so a retry loop keeps to its own bound. */
  readonly connectionTimeoutMs: number;
}

/** A Connect for one server. */
export function pgConnect(endpoint: ServerEndpoint): Connect {
  return async (login) => {
    const client = new Client({
      host: endpoint.host,
      port: endpoint.port,
      ssl: endpoint.ssl,
      connectionTimeoutMillis: endpoint.connectionTimeoutMs,
      user: login.user,
      password: login.password,
      database: login.database,
      application_name: 'db-bootstrap',
    });
    // Failures surface through the pending connect or query; an unhandled 'error' event would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  };
}

/** How long to keep trying to reach a server that may be resuming from auto-pause. */
export interface RetryOptions {
  /** Give up once this much time has passed (an attempt in flight may overrun it by its own timeout). */
  readonly timeoutMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Injected so tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Raised when the server stayed unreachable for the whole retry bound. */
export class ConnectTimeoutError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(message);
    this.name = 'ConnectTimeoutError';
  }
}

/**
 * Runs `attempt` until it succeeds, retrying network-level failures with exponential backoff.
 * Aurora Serverless v2 resumes from auto-pause on the first connection, which can take a while;
 * wrong credentials or a TLS mismatch will not fix themselves, so those fail at once.
 */
export async function connectWithRetry<T>(attempt: () => Promise<T>, target: string, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let delay = options.initialDelayMs;
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (now() + delay > deadline) {
        throw new ConnectTimeoutError(
          `Could not connect to ${target} within ${options.timeoutMs / 1000}s (${attempts} attempts). ` +
            `Check that the cluster is available and that this function's security group may reach it. ` +
            `Last error: ${describeError(err)}`,
          attempts,
          err,
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs);
    }
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  '57P03', // cannot_connect_now: the server is starting up
  '53300', // too_many_connections
]);

/** True for failures that a resuming or briefly overloaded server produces. */
export function isTransient(err: unknown): boolean {
  const { code, message } = errorFields(err);
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  // node-postgres reports timeouts and dropped sockets without a code.
  return message !== undefined && /timeout expired|connection timeout|Connection terminated/i.test(message);
}

/** One line naming the error; PostgreSQL and socket messages carry no passwords. */
export function describeError(err: unknown): string {
  const { code, message } = errorFields(err);
  if (message === undefined) return String(err);
  return code === undefined ? message : `${code} ${message}`;
}

// Duck-typed: socket errors come from Node's own realm, where `instanceof Error` can be false (jest).
function errorFields(err: unknown): { code?: string; message?: string } {
  if (typeof err !== 'object' || err === null) return {};
  const { code, message } = err as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}
