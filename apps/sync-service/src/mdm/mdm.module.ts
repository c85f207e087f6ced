import { Module } from "@nestjs/common";
import { DevicesJob } from "./devices.job.js";
import { ManagedAppsJob } from "./managed-apps.job.js";
import { MdmStreams } from "./mdm-streams.provider.js";
import { SoftwareEventsJob } from "./software-events.job.js";

/**
 * The MDM sync area (issue 11): devices and their bound users, the software JumpCloud manages,
 * and software installed outside it as Directory Insights reports it. Its streams register with
 * the core's stream registry; scheduling, leases, run records and status are the core's.
 */
@Module({
  providers: [MdmStreams, DevicesJob, ManagedAppsJob, SoftwareEventsJob],
})
export class MdmModule {}
