import { Migration } from '@mikro-orm/migrations';

export class Migration20261203083230_mdm extends Migration {

  override name = 'Migration20261203083230_mdm';

  override up(): void | Promise<void> {
    this.addSql(`create table "device_binding" ("scope_id" varchar(255) not null, "device_id" varchar(255) not null, "user_id" varchar(255) not null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "device_id", "user_id"));`);
    this.addSql(`create index "device_binding_scope_user_index" on "device_binding" ("scope_id", "user_id");`);

    this.addSql(`create table "device" ("scope_id" varchar(255) not null, "id" varchar(255) not null, "hostname" text null, "display_name" text null, "serial_number" text null, "os" text null, "os_family" text null, "version" text null, "arch" text null, "last_contact" varchar(255) null, "last_contact_at" timestamptz null, "active" boolean not null, "agent_version" text null, "system_insights" varchar(255) not null, "mdm" text null, "upstream_created_at" varchar(255) null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "id"));`);
    this.addSql(`create index "device_scope_updated_index" on "device" ("scope_id", "updated_at");`);

    this.addSql(`create table "installation" ("scope_id" varchar(255) not null, "device_id" varchar(255) not null, "app_key" text not null, "source" varchar(255) not null, "source_ref" varchar(255) not null, "name" text not null, "version" text null, "package_manager" text null, "first_seen_at" timestamptz null, "last_seen_at" timestamptz null, "evidence_at" timestamptz not null, "evidence_id" varchar(255) not null, "evidence_kind" varchar(255) not null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "device_id", "app_key", "source", "source_ref"));`);
    this.addSql(`create index "installation_scope_app_index" on "installation" ("scope_id", "app_key");`);
    this.addSql(`create index "installation_scope_updated_index" on "installation" ("scope_id", "updated_at");`);

    this.addSql(`create table "managed_app_link" ("scope_id" varchar(255) not null, "app_id" varchar(255) not null, "device_id" varchar(255) not null, "direct" boolean not null, "group_ids" text not null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "app_id", "device_id"));`);

    this.addSql(`create table "managed_app" ("scope_id" varchar(255) not null, "id" varchar(255) not null, "display_name" text not null, "app_key" text not null, "settings" text not null, "upstream_created_at" varchar(255) null, "upstream_updated_at" varchar(255) null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "id"));`);

    this.addSql(`create table "managed_app_status" ("scope_id" varchar(255) not null, "app_id" varchar(255) not null, "device_id" varchar(255) not null, "state" varchar(255) not null, "version" text null, "reported_at" varchar(255) null, "details" text null, "code" int null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "app_id", "device_id"));`);
    this.addSql(`create index "managed_app_status_scope_device_index" on "managed_app_status" ("scope_id", "device_id");`);

    this.addSql(`create table "software_events_coverage" ("scope_id" varchar(255) not null, "kind" varchar(255) not null, "since" varchar(255) null, "reason" varchar(255) null, "detail" text null, primary key ("scope_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "device_binding" cascade;`);
    this.addSql(`drop table if exists "device" cascade;`);
    this.addSql(`drop table if exists "installation" cascade;`);
    this.addSql(`drop table if exists "managed_app_link" cascade;`);
    this.addSql(`drop table if exists "managed_app" cascade;`);
    this.addSql(`drop table if exists "managed_app_status" cascade;`);
    this.addSql(`drop table if exists "software_events_coverage" cascade;`);
  }

}
