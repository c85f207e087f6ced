import type { ApplicationQuery, ApplicationUserView, ApplicationView, Page, UserQuery, UserView } from "../model/read-models.js";

/** The read models the HTTP API serves. Secrets are never part of them. */
export interface DirectoryQueryPort {
  listUsers(query: UserQuery): Promise<Page<UserView>>;
  getUser(scopeId: string, userId: string): Promise<UserView | null>;
  listApplications(query: ApplicationQuery): Promise<Page<ApplicationView>>;
  getApplication(scopeId: string, applicationId: string): Promise<ApplicationView | null>;
  listApplicationUsers(scopeId: string, applicationId: string, page: { cursor?: string; limit: number }): Promise<Page<ApplicationUserView>>;
}
