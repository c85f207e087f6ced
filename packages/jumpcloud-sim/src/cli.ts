#!/usr/bin/env node
// Serves a stand-in until Ctrl-C: `pnpm --filter @jumpcloud-sync/jumpcloud-sim start -- --scale demo`.
import { parseArgs } from "node:util";
import type { Scenario } from "./api.types.js";
import { DEFAULT_START, createTickingClock } from "./clock.js";
import { startSim } from "./sim.js";

const SCENARIOS: Scenario[] = ["demo", "msp", "no-di", "large"];
const USAGE = `usage: jumpcloud-sim [--scale demo|msp|no-di|large] [--seed N] [--users N] [--days N]
                     [--host 127.0.0.1] [--port N] [--clock real|fixed] [--retention-days N]`;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer`);
  return Number(v);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: {
      scale: { type: "string", default: "demo" },
      scenario: { type: "string" },
      seed: { type: "string" },
      users: { type: "string" },
      days: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      clock: { type: "string", default: "real" },
      "retention-days": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const scenario = (values.scenario ?? values.scale) as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new Error(`unknown scale "${scenario}"\n${USAGE}`);
  if (values.clock !== "real" && values.clock !== "fixed") throw new Error(`--clock must be real or fixed\n${USAGE}`);
  const started = performance.now();
  const seed = int("seed", values.seed);
  const users = int("users", values.users);
  const days = int("days", values.days);
  const port = int("port", values.port);
  const retention = int("retention-days", values["retention-days"]);
  const sim = await startSim({
    scenario,
    host: values.host,
    clock: values.clock === "real" ? createTickingClock() : new Date(DEFAULT_START),
    ...(seed === undefined ? {} : { seed }),
    ...(users === undefined ? {} : { users }),
    ...(days === undefined ? {} : { days }),
    ...(port === undefined ? {} : { port }),
    ...(retention === undefined ? {} : { diRetentionDays: retention }),
  });
  const truths = sim.credentials.orgs.map((o) => sim.truth(o.id));
  const summary = {
    url: sim.url,
    consoleBaseUrl: sim.consoleBaseUrl,
    insightsBaseUrl: sim.insightsBaseUrl,
    scenario,
    seed: seed ?? 1,
    clock: values.clock,
    now: sim.clock.now().toISOString(),
    credentials: sim.credentials,
    orgs: truths.map((t) => ({
      id: t.orgId,
      users: t.users.length,
      groups: t.groups.length,
      applications: t.applications.length,
      directoryInsights: t.directoryInsights,
      minimumRequests: t.minimumRequests.total,
    })),
    startedInMs: Math.round(performance.now() - started),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const header = sim.credentials.multiTenant ? ` -H 'x-org-id: ${sim.credentials.orgs[0]?.id ?? ""}'` : "";
  process.stdout.write(`\ntry: curl -s -H 'x-api-key: ${sim.credentials.apiKey}'${header} '${sim.url}/api/systemusers?limit=2'\nserving until Ctrl-C\n`);
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
