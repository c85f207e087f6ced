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
 * so adding a stream touches none of them. A stream registers after the streams it runs after, so
 * dependencies always exist and cannot form a cycle; the registration order is a valid run order.
 */
@Injectable()
export class StreamRegistry implements OnApplicationBootstrap {
  private readonly streams = new Map<StreamName, StreamDefinition>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  register(definition: StreamDefinition): void {
    const { name } = definition;
    if (!NAME.test(name)) throw new StreamRegistryError(`Stream name ${JSON.stringify(name)} (module ${definition.module}) must be lowercase kebab-case, at most 40 characters.`);
    const existing = this.streams.get(name);
    if (existing !== undefined) throw new StreamRegistryError(`Stream ${name} is registered twice (modules ${existing.module} and ${definition.module}).`);
    for (const dependency of definition.after ?? []) {
      if (!this.streams.has(dependency)) throw new StreamRegistryError(`Stream ${name} runs after ${dependency}, which is not registered (register it first).`);
    }
    if (!Number.isInteger(definition.freshness.defaultMinutes) || definition.freshness.defaultMinutes < 1) {
      throw new StreamRegistryError(`Stream ${name}: the default freshness must be a whole number of minutes, at least 1.`);
    }
    this.streams.set(name, definition);
  }

  /** Every registered stream, dependencies before their dependents. */
  list(): readonly StreamDefinition[] {
    return [...this.streams.values()];
  }

  names(): readonly StreamName[] {
    return [...this.streams.keys()];
  }

  has(name: string): boolean {
    return this.streams.has(name);
  }

  get(name: StreamName): StreamDefinition {
    const definition = this.streams.get(name);
    if (definition === undefined) throw new StreamRegistryError(`No stream ${name}; registered: ${this.names().join(", ")}.`);
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
    for (const name of Object.keys(this.config.sync.streamFreshnessMinutes)) {
      if (!this.streams.has(name)) throw new StreamRegistryError(`JCS_STREAM_FRESHNESS_MINUTES names ${name}, which no module registered (registered: ${this.names().join(", ")}).`);
      if (this.get(name).freshness.fromAccount !== undefined) {
        throw new StreamRegistryError(`JCS_STREAM_FRESHNESS_MINUTES cannot set ${name}: its freshness is each account's schedule (set it per account; JCS_DIRECTORY_SCHEDULE_MINUTES is the default for new accounts).`);
      }
    }
  }
}
