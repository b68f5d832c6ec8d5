/** Low-level HTTP helpers shared by every API module: CSRF, JSON, typed errors. */

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly url: string;

  constructor(status: number, url: string, body: unknown, message?: string) {
    super(message ?? describeError(status, url, body));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.url = url;
  }

  /** True when the endpoint does not exist (yet): the UI shows a softer banner. */
  get isMissing(): boolean {
    return this.status === 404 || this.status === 405 || this.status === 501;
  }
}

function describeError(status: number, url: string, body: unknown): string {
  if (status === 0) return `Could not reach the server (${url}).`;
  const detail = extractDetail(body);
  if (status === 401 || status === 403) return detail ?? "You are not allowed to do that. Try logging in again.";
  if (status === 404) return detail ?? `Not found: ${url}`;
  if (status >= 500) return `The server failed (${status}) on ${url}.`;
  return detail ?? `Request failed (${status}) on ${url}.`;
}

function extractDetail(body: unknown): string | undefined {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    if (typeof b.detail === "string") return b.detail;
    const err = b.error;
    if (typeof err === "string") return err;
    if (err && typeof err === "object" && typeof (err as Record<string, unknown>).message === "string") {
      return (err as Record<string, string>).message;
    }
  }
  return undefined;
}

let csrfToken: string | undefined;

/** Set once at start-up from the page's data-props (falls back to the csrftoken cookie). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

function currentCsrfToken(): string | undefined {
  if (csrfToken) return csrfToken;
  if (typeof document === "undefined") return undefined;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Parse the response as text instead of JSON. */
  text?: boolean;
}

export function buildUrl(path: string, query?: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Fetch JSON from the app's own origin; throws ApiError on any non-2xx status. */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = (opts.method ?? "GET").toUpperCase();
  const url = buildUrl(path, opts.query);
  const headers: Record<string, string> = { Accept: opts.text ? "text/plain, */*" : "application/json" };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (!SAFE_METHODS.has(method)) {
    const token = currentCsrfToken();
    if (token) headers["X-CSRFToken"] = token;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, url, null);
  }
  const raw = await res.text();
  let parsed: unknown = raw;
  if (!opts.text || !res.ok) {
    try {
      parsed = raw ? JSON.parse(raw) : null;
    } catch {
      parsed = raw;
    }
  }
  if (!res.ok) throw new ApiError(res.status, url, parsed);
  if (!opts.text && typeof parsed === "string" && parsed.length > 0) {
    // A 200 HTML page (for example a login redirect) is not an API answer.
    throw new ApiError(res.status, url, parsed, `Expected JSON from ${url} but got something else. Are you logged in?`);
  }
  return parsed as T;
}

/** Human-readable message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
