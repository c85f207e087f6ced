import { Inject, Injectable, type OnApplicationBootstrap } from "@nestjs/common";
import type { Account, StreamName } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import type { StreamDefinition } from "./stream-definition.types.js";

/** Stream names: lowercase kebab-case, short enough for a metric label and a database key. */
const NAME = /^[a-z][a-z0-9-]{0,39}$/u;

export class StreamRegistryError extends Error {
  override readonly name = "StreamRegistryError";
}

/**
 * The streams the sync core schedules and runs. Each sync module registers its streams here when
 * it initialises (`onModuleInit`); the core, the HTTP API and the metrics enumerate them from here,
 * so adding a stream touches none of them. Modules may register in any order (Nest initialises
 * sibling modules in an order of its own): `list()` gives dependencies before their dependents,
 * otherwise registration order, and boot refuses a dependency nobody registered or a cycle.
 */
@Injectable()
export class StreamRegistry implements OnApplicationBootstrap {
  private readonly streams = new Map<StreamName, StreamDefinition>();
  /** `list()`'s order, computed once per set of registrations. */
  private ordered: readonly StreamDefinition[] | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  register(definition: StreamDefinition): void {
    const { name } = definition;
    if (!NAME.test(name)) throw new StreamRegistryError(`Stream name ${JSON.stringify(name)} (module ${definition.module}) must be lowercase kebab-case, at most 40 characters.`);
    const existing = this.streams.get(name);
    if (existing !== undefined) throw new StreamRegistryError(`Stream ${name} is registered twice (modules ${existing.module} and ${definition.module}).`);
    if ((definition.after ?? []).includes(name)) throw new StreamRegistryError(`Stream ${name} cannot run after itself.`);
    if (!Number.isInteger(definition.freshness.defaultMinutes) || definition.freshness.defaultMinutes < 1) {
      throw new StreamRegistryError(`Stream ${name}: the default freshness must be a whole number of minutes, at least 1.`);
    }
    this.streams.set(name, definition);
    this.ordered = null;
  }

  /**
   * Every registered stream, dependencies before their dependents (otherwise in registration
   * order). Throws when a stream runs after one nobody registered, or the dependencies form a cycle.
   */
  list(): readonly StreamDefinition[] {
    if (this.ordered !== null) return this.ordered;
    const out: StreamDefinition[] = [];
    const state = new Map<StreamName, "visiting" | "done">();
    const visit = (definition: StreamDefinition, path: readonly StreamName[]): void => {
      const mark = state.get(definition.name);
      if (mark === "done") return;
      if (mark === "visiting") throw new StreamRegistryError(`Streams run after one another in a cycle: ${[...path, definition.name].join(" → ")}.`);
      state.set(definition.name, "visiting");
      for (const dependency of definition.after ?? []) {
        const before = this.streams.get(dependency);
        if (before === undefined) throw new StreamRegistryError(`Stream ${definition.name} runs after ${dependency}, which is not registered (registered: ${this.registered().join(", ")}).`);
        visit(before, [...path, definition.name]);
      }
      state.set(definition.name, "done");
      out.push(definition);
    };
    for (const definition of this.streams.values()) visit(definition, []);
    this.ordered = out;
    return out;
  }

  /** The registered streams' names, in `list()`'s order. */
  names(): readonly StreamName[] {
    return this.list().map((d) => d.name);
  }

  /** The names in registration order (for messages: never throws). */
  private registered(): readonly StreamName[] {
    return [...this.streams.keys()];
  }

  has(name: string): boolean {
    return this.streams.has(name);
  }

  get(name: StreamName): StreamDefinition {
    const definition = this.streams.get(name);
    if (definition === undefined) throw new StreamRegistryError(`No stream ${name}; registered: ${this.registered().join(", ")}.`);
    return definition;
  }

  /** The stream's freshness target for an account: the account's own setting, the configured override, or the module's default. */
  freshnessMs(name: StreamName, account: Account): number {
    const definition = this.get(name);
    const minutes = definition.freshness.fromAccount?.(account) ?? this.config.sync.streamFreshnessMinutes[name] ?? definition.freshness.defaultMinutes;
    return minutes * 60_000;
  }

  /** Configuration naming a stream that no module registered is a typo: refuse to run on it. */
  onApplicationBootstrap(): void {
    // Every dependency registered, no cycle: refused at boot rather than on the first pass.
    this.list();
    for (const name of Object.keys(this.config.sync.streamFreshnessMinutes)) {
      if (!this.streams.has(name)) throw new StreamRegistryError(`JCS_STREAM_FRESHNESS_MINUTES names ${name}, which no module registered (registered: ${this.registered().join(", ")}).`);
      if (this.get(name).freshness.fromAccount !== undefined) {
        throw new StreamRegistryError(`JCS_STREAM_FRESHNESS_MINUTES cannot set ${name}: its freshness is each account's schedule (set it per account; JCS_DIRECTORY_SCHEDULE_MINUTES is the default for new accounts).`);
      }
    }
  }
}
