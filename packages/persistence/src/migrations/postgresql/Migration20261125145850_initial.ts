import { Migration } from '@mikro-orm/migrations';

export class Migration20261125145850_initial extends Migration {

  override name = 'Migration20261125145850_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "account" ("id" varchar(255) not null, "name" text not null, "region" varchar(255) null, "console_base_url" varchar(255) not null, "insights_base_url" varchar(255) not null, "permission" varchar(255) not null, "org_id" varchar(255) null, "multi_tenant" boolean not null, "paused" boolean not null, "schedule_minutes" int not null, "api_key_ciphertext" text null, "api_key_key_id" varchar(255) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);

    this.addSql(`create table "api_token" ("id" varchar(255) not null, "name" varchar(255) not null, "secret_hash" varchar(255) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "api_token" add constraint "api_token_name_unique" unique ("name");`);
    this.addSql(`alter table "api_token" add constraint "api_token_secret_hash_unique" unique ("secret_hash");`);

    this.addSql(`create table "app_assignment" ("scope_id" varchar(255) not null, "application_id" varchar(255) not null, "user_id" varchar(255) not null, "direct" boolean not null, "group_ids" text not null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "application_id", "user_id"));`);
    this.addSql(`create index "app_assignment_scope_user_index" on "app_assignment" ("scope_id", "user_id");`);

    this.addSql(`create table "audit_entry" ("id" serial primary key, "at" timestamptz not null, "actor" varchar(255) not null, "action" varchar(255) not null, "target" varchar(255) not null, "outcome" varchar(255) not null, "details" text not null);`);
    this.addSql(`create index "audit_entry_target_index" on "audit_entry" ("target");`);

    this.addSql(`create table "directory_application" ("scope_id" varchar(255) not null, "id" varchar(255) not null, "name" text not null, "display_name" text null, "display_label" text null, "sso_url" text null, "sso_type" text null, "active" boolean not null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "id"));`);

    this.addSql(`create table "directory_group" ("scope_id" varchar(255) not null, "id" varchar(255) not null, "name" text not null, "description" text null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "id"));`);

    this.addSql(`create table "directory_user" ("scope_id" varchar(255) not null, "id" varchar(255) not null, "username" text not null, "email" text not null, "display_name" text null, "first_name" text null, "last_name" text null, "status" varchar(255) not null, "employee_identifier" text null, "employee_type" text null, "department" text null, "job_title" text null, "company" text null, "cost_center" text null, "location" text null, "manager_id" varchar(255) null, "admin_role" text null, "group_ids" text not null, "upstream_created_at" varchar(255) null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "id"));`);
    this.addSql(`create index "directory_user_scope_updated_index" on "directory_user" ("scope_id", "updated_at");`);

    this.addSql(`create table "scope" ("id" varchar(255) not null, "account_id" varchar(255) not null, "org_id" varchar(255) null, "org_name" text null, "enabled" boolean not null, primary key ("id"));`);
    this.addSql(`create index "scope_account_id_index" on "scope" ("account_id");`);

    this.addSql(`create table "stream_status" ("scope_id" varchar(255) not null, "stream" varchar(255) not null, "last_attempt_at" timestamptz null, "last_success_at" timestamptz null, "consecutive_failures" int not null, "next_attempt_at" timestamptz null, "last_error" text null, "attention" text not null, primary key ("scope_id", "stream"));`);

    this.addSql(`create table "sync_cursor" ("scope_id" varchar(255) not null, "stream" varchar(255) not null, "value" text not null, "updated_at" timestamptz not null, primary key ("scope_id", "stream"));`);

    this.addSql(`create table "sync_lease" ("scope_id" varchar(255) not null, "stream" varchar(255) not null, "owner" varchar(255) not null, "expires_at" timestamptz not null, primary key ("scope_id", "stream"));`);

    this.addSql(`create table "sync_run" ("id" varchar(255) not null, "scope_id" varchar(255) not null, "stream" varchar(255) not null, "state" varchar(255) not null, "trigger" varchar(255) not null, "started_at" timestamptz not null, "finished_at" timestamptz null, "error" text null, "counters" text not null, primary key ("id"));`);
    this.addSql(`create index "sync_run_scope_stream_started_index" on "sync_run" ("scope_id", "stream", "started_at");`);
    this.addSql(`create index "sync_run_started_index" on "sync_run" ("started_at");`);
    this.addSql(`create index "sync_run_state_index" on "sync_run" ("state", "started_at");`);

    this.addSql(`create table "usage_coverage" ("scope_id" varchar(255) not null, "kind" varchar(255) not null, "since" varchar(255) null, "reason" varchar(255) null, "detail" text null, primary key ("scope_id"));`);

    this.addSql(`create table "usage_record" ("scope_id" varchar(255) not null, "user_id" varchar(255) not null, "application_id" varchar(255) not null, "last_used_at" timestamptz not null, "source" varchar(255) not null, "event_id" varchar(255) not null, primary key ("scope_id", "user_id", "application_id"));`);
    this.addSql(`create index "usage_record_scope_app_last_used_index" on "usage_record" ("scope_id", "application_id", "last_used_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "account" cascade;`);
    this.addSql(`drop table if exists "api_token" cascade;`);
    this.addSql(`drop table if exists "app_assignment" cascade;`);
    this.addSql(`drop table if exists "audit_entry" cascade;`);
    this.addSql(`drop table if exists "directory_application" cascade;`);
    this.addSql(`drop table if exists "directory_group" cascade;`);
    this.addSql(`drop table if exists "directory_user" cascade;`);
    this.addSql(`drop table if exists "scope" cascade;`);
    this.addSql(`drop table if exists "stream_status" cascade;`);
    this.addSql(`drop table if exists "sync_cursor" cascade;`);
    this.addSql(`drop table if exists "sync_lease" cascade;`);
    this.addSql(`drop table if exists "sync_run" cascade;`);
    this.addSql(`drop table if exists "usage_coverage" cascade;`);
    this.addSql(`drop table if exists "usage_record" cascade;`);
  }

}
