import { Inject, Injectable } from "@nestjs/common";
import { PgBoss, type Job } from "pg-boss";
import type { Logger } from "pino";
import type { StreamName, SyncTrigger } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../../config/index.js";
import { LOGGER } from "../../logging/index.js";
import { StaleRunSweeper } from "../stale-run-sweeper.js";
import { SyncFacade } from "../sync-facade.service.js";
import type { SyncCoordinator } from "./sync-coordinator.port.js";

/** The one queue of scope × stream runs. */
export const STREAM_RUN_QUEUE = "jcs-stream-run";

export interface StreamRunJobData {
  readonly scopeId: string;
  readonly stream: StreamName;
  readonly trigger: SyncTrigger;
}

/** Lease owners of pg-boss jobs start with this: a job takes the lease over from an earlier job, never from a one-off run. */
export const JOB_OWNER_PREFIX = "job:";

/** The lease owner of one attempt of a job (pg-boss retries keep the job id and count the attempts). */
export function jobOwner(job: Pick<Job, "id" | "retryCount">): string {
  return `${JOB_OWNER_PREFIX}${job.id}:${job.retryCount}`;
}

/** How long a job waits before trying again when a one-off run holds its scope × stream. */
const BUSY_RETRY_SECONDS = 5;

/**
 * pg-boss works higher priorities first. A scope × stream that never succeeded (a new tenant's
 * first sync) comes before any refresh, so frequent refreshes of many tenants (usage every few
 * minutes) cannot keep a first sync waiting; then shorter freshness targets first, so a 5-minute
 * usage stream is not queued behind hour-long snapshots.
 */
export function jobPriority(firstSync: boolean, freshnessMinutes: number): number {
  const byTarget = Math.min(100, Math.max(0, Math.round(600 / Math.max(1, freshnessMinutes))));
  return firstSync ? 1000 + byTarget : byTarget;
}

/** The singleton key of a scope × stream: the queue's `stately` policy allows one active job (and one queued) per key. */
export function streamRunKey(scopeId: string, stream: StreamName): string {
  return `${scopeId}|${stream}`;
}

/**
 * PostgreSQL, any number of replicas: every due scope × stream is a pg-boss job on one `stately`
 * queue keyed by scope × stream, so at most one replica runs it at a time and a second due signal
 * while it runs queues at most one follow-up. Every replica plans (sends the due jobs; duplicates
 * are refused by the key) and works (up to JCS_MAX_CONCURRENT_SCOPES jobs here, up to
 * JCS_JOB_CONCURRENCY_PER_KEY per account key across all replicas, through pg-boss's group
 * concurrency). A job runs under the scope × stream lease as every run does (owner
 * `job:<id>:<attempt>`), so a one-off run in process (`sync --once`, POST /v1/syncs, a forced
 * snapshot) and a job never overlap: a job that finds a one-off run's lease is queued again. A
 * replica that dies stops heartbeating its job; pg-boss's supervisor puts it back after
 * JCS_JOB_HEARTBEAT_SECONDS, another replica takes the lease over from the dead attempt, closes its
 * run record and resumes from the stream's checkpoint; the stale-run sweeper closes the record
 * sooner when the job does not run again (its account paused, no longer due).
 * Failures are not pg-boss retries: the run records them and the stream status backs off as on
 * SQLite; pg-boss retries only a job whose worker vanished or crashed outside the run.
 */
@Injectable()
export class PgBossCoordinator implements SyncCoordinator {
  readonly kind = "pg-boss" as const;
  private boss: PgBoss | null = null;
  private readonly jobs: NonNullable<AppConfig["sync"]["jobs"]>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly sync: SyncFacade,
    private readonly sweeper: StaleRunSweeper,
  ) {
    if (config.sync.jobs === null || config.database.url === null) throw new Error("The pg-boss coordinator needs PostgreSQL (JCS_DB_DRIVER=postgresql).");
    this.jobs = config.sync.jobs;
  }

  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.config.database.url ?? "",
      schema: this.jobs.schema,
      application_name: "jumpcloud-sync",
      max: 4,
      // pg-boss installs and migrates its own schema: nothing to provision beside the database.
      migrate: true,
      createSchema: true,
      schedule: false,
      superviseIntervalSeconds: this.jobs.superviseSeconds,
      monitorIntervalSeconds: this.jobs.superviseSeconds,
    });
    boss.on("error", (error: unknown) => this.logger.error({ err: error }, "pg-boss error"));
    await boss.start();
    await boss.createQueue(STREAM_RUN_QUEUE, {
      policy: "stately",
      heartbeatSeconds: this.jobs.heartbeatSeconds,
      // A run is bounded by its heartbeat; the expiry is only pg-boss's outer bound.
      expireInSeconds: 24 * 3600,
      retryLimit: 5,
      retryDelay: 1,
      retryBackoff: true,
      retryDelayMax: 300,
      deleteAfterSeconds: 24 * 3600,
    });
    this.boss = boss;
    // A run whose lease a job attempt holds is dead once pg-boss no longer has that attempt active (its replica stopped heartbeating).
    this.sweeper.useOwnerCheck(async (owner) => {
      if (!owner.startsWith(JOB_OWNER_PREFIX)) return null;
      const [id, attempt] = owner.slice(JOB_OWNER_PREFIX.length).split(":");
      if (id === undefined || attempt === undefined) return null;
      const job = await boss.getJobById(STREAM_RUN_QUEUE, id);
      return job !== null && job.state === "active" && job.retryCount === Number(attempt);
    });
    await boss.work<StreamRunJobData>(
      STREAM_RUN_QUEUE,
      {
        localConcurrency: this.config.sync.maxConcurrentScopes,
        groupConcurrency: this.jobs.concurrencyPerKey,
        pollingIntervalSeconds: this.jobs.pollSeconds,
        batchSize: 1,
      },
      async (batch: Job<StreamRunJobData>[]) => {
        for (const job of batch) await this.handle(job);
      },
    );
    this.logger.info({ schema: this.jobs.schema, queue: STREAM_RUN_QUEUE, heartbeatSeconds: this.jobs.heartbeatSeconds }, "pg-boss coordinator started");
  }

  async tick(scopeIds?: readonly string[]): Promise<number> {
    const boss = this.boss;
    if (boss === null || this.sync.isStopping) return 0;
    let sent = 0;
    for (const { account, scope, streams } of await this.sync.dueWork({ trigger: "schedule", ...(scopeIds === undefined ? {} : { scopeIds }) })) {
      const statuses = await this.sync.listStreamStatuses(scope.id);
      for (const stream of await this.sync.withDependenciesMet(scope.id, streams)) {
        if (this.sync.isStreamRunningHere(scope.id, stream)) continue;
        const firstSync = (statuses.find((x) => x.stream === stream)?.lastSuccessAt ?? null) === null;
        const id = await boss.send(STREAM_RUN_QUEUE, { scopeId: scope.id, stream, trigger: "schedule" } satisfies StreamRunJobData, {
          singletonKey: streamRunKey(scope.id, stream),
          // Scopes sharing one key share its concurrency across replicas.
          group: { id: account.id },
          priority: jobPriority(firstSync, this.sync.freshnessMinutes(stream, account)),
        });
        if (id !== null) sent += 1;
      }
    }
    return sent;
  }

  /** Shutdown: the running jobs already stopped at their checkpoint (and were handed back); stop taking new ones. */
  async stop(): Promise<void> {
    const boss = this.boss;
    if (boss === null) return;
    // Graceful: a handler still handing its job back finishes first.
    await boss.stop({ graceful: true, timeout: Math.max(1000, this.config.sync.shutdownGraceMs) });
    this.boss = null;
  }

  private async handle(job: Job<StreamRunJobData>): Promise<void> {
    const { scopeId, stream, trigger } = job.data;
    const result = await this.sync.runJob(scopeId, stream, trigger, job.signal, { owner: jobOwner(job), takeOverFrom: JOB_OWNER_PREFIX });
    if (result.kind === "busy") {
      // A one-off run (sync --once, POST /v1/syncs, a forced snapshot) holds the scope × stream: try again after it.
      await this.handBack(job, BUSY_RETRY_SECONDS);
      return;
    }
    if (result.kind === "skipped") {
      if (result.reason === "stopping") await this.handBack(job);
      else this.logger.debug({ scopeId, stream, reason: result.reason }, "job skipped");
      return;
    }
    if (result.kind === "ran" && result.outcome === "interrupted") {
      // Stopped at a checkpoint (SIGTERM, pause, a lost claim): give the work to another replica now.
      await this.handBack(job);
      return;
    }
    // Streams that wait on this one (usage after the first snapshot) are due now, not at the next tick.
    if (result.kind === "ran" && result.state === "succeeded") await this.tick([scopeId]).catch((error: unknown) => this.logger.warn({ err: error, scopeId }, "could not queue follow-up streams"));
  }

  /** Queues the same scope × stream again (the stately queue allows one queued beside this active job). */
  private async handBack(job: Job<StreamRunJobData>, afterSeconds?: number): Promise<void> {
    const boss = this.boss;
    if (boss === null) {
      // stop() already ran: the job itself goes back through pg-boss's retry.
      throw new Error("handed back at shutdown");
    }
    await boss.send(STREAM_RUN_QUEUE, job.data, {
      singletonKey: streamRunKey(job.data.scopeId, job.data.stream),
      ...(job.groupId == null ? {} : { group: { id: job.groupId } }),
      ...(afterSeconds === undefined ? {} : { startAfter: afterSeconds }),
    });
    this.logger.info({ scopeId: job.data.scopeId, stream: job.data.stream }, "job handed back to the queue");
  }
}
