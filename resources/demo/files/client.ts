// Typed client for the shortener's HTTP API: timeouts, and retries with jittered backoff
// for failures that are safe to repeat.

export interface Link {
  code: string;
  target: string;
  createdAt: string;
  clicks: number;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  retries?: number;
  fetchImpl?: typeof fetch;
}

// Statuses worth another attempt; everything else is the caller's mistake or final.
const RETRYABLE = new Set([408, 429, 502, 503, 504]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function toApiError(response: Response): Promise<ApiError> {
  let detail: string | undefined;
  try {
    const body = (await response.json()) as { error?: string; detail?: string };
    detail = body.detail ?? body.error;
  } catch {
    detail = undefined; // not JSON: the status line says enough
  }
  return new ApiError(`${response.status} ${response.statusText}`, response.status, detail);
}

export class ShortenerClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 2;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  shorten(url: string): Promise<Link> {
    return this.request<Link>("POST", "/api/links", { url });
  }

  resolve(code: string): Promise<Link> {
    return this.request<Link>("GET", `/api/links/${encodeURIComponent(code)}`);
  }

  top(limit = 10): Promise<Link[]> {
    return this.request<Link[]>("GET", `/api/links?top=${limit}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      let response: Response;
      try {
        response = await this.fetchImpl(this.baseUrl + path, {
          method,
          headers: body === undefined ? undefined : { "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
        });
      } catch (error) {
        // Network failures and our own timeout are transient; retry them while we may.
        if (attempt >= this.retries) throw error;
        await this.backoff(attempt);
        continue;
      } finally {
        clearTimeout(timer);
      }
      if (response.ok) return (await response.json()) as T;
      if (!RETRYABLE.has(response.status) || attempt >= this.retries) {
        throw await toApiError(response);
      }
      await this.backoff(attempt, response.headers.get("Retry-After"));
    }
  }

  private backoff(attempt: number, retryAfter?: string | null): Promise<void> {
    const hinted = Number(retryAfter);
    if (retryAfter && Number.isFinite(hinted)) return sleep(hinted * 1000);
    const ceiling = Math.min(4000, 250 * 2 ** attempt);
    return sleep(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
