// Entry point of the sync service; wired by the sync-service issue.
export const serviceName: string = "jumpcloud-sync";
