import type { Region } from "./types.js";

/** Host roots for the unified console spec (its paths start with `/api` and `/api/v2`). */
export const CONSOLE_BASE_URLS: Readonly<Record<Region, string>> = {
  us: "https://console.jumpcloud.com",
  eu: "https://console.eu.jumpcloud.com",
  in: "https://console.in.jumpcloud.com",
};

/** Directory Insights bases (its paths are `/events`, `/events/count`, ...). */
export const INSIGHTS_BASE_URLS: Readonly<Record<Region, string>> = {
  us: "https://api.jumpcloud.com/insights/directory/v1",
  eu: "https://api.eu.jumpcloud.com/insights/directory/v1",
  in: "https://api.in.jumpcloud.com/insights/directory/v1",
};

export function resolveBaseUrls(opts: { region?: Region; consoleBaseUrl?: string; insightsBaseUrl?: string }): {
  console: string;
  insights: string;
} {
  const region = opts.region ?? "us";
  if (!(region in CONSOLE_BASE_URLS)) throw new TypeError(`Unknown JumpCloud region "${String(region)}" (us, eu, in)`);
  return {
    console: stripSlash(opts.consoleBaseUrl ?? CONSOLE_BASE_URLS[region]),
    insights: stripSlash(opts.insightsBaseUrl ?? INSIGHTS_BASE_URLS[region]),
  };
}

function stripSlash(url: string): string {
  // Validate early: a typo in a base URL should fail at construction, not on the first request.
  new URL(url);
  return url.replace(/\/+$/, "");
}
