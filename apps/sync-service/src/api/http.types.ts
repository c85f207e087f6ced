import type { ApiToken } from "@jumpcloud-sync/domain";

// The few parts of Express's request and response the API touches; the platform's own types are
// not a dependency of this package.

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly originalUrl?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Set by the bearer-token guard. */
  apiToken?: ApiToken;
}

export interface HttpResponse {
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  send(body: string): unknown;
}
