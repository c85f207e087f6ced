import { Migration } from '@mikro-orm/migrations';

export class Migration20261203083230_mdm extends Migration {

  override name = 'Migration20261203083230_mdm';

  override up(): void | Promise<void> {
    this.addSql(`create table \`device_binding\` (\`scope_id\` text not null, \`device_id\` text not null, \`user_id\` text not null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`device_id\`, \`user_id\`));`);
    this.addSql(`create index \`device_binding_scope_user_index\` on \`device_binding\` (\`scope_id\`, \`user_id\`);`);

    this.addSql(`create table \`device\` (\`scope_id\` text not null, \`id\` text not null, \`hostname\` text null, \`display_name\` text null, \`serial_number\` text null, \`os\` text null, \`os_family\` text null, \`version\` text null, \`arch\` text null, \`last_contact\` text null, \`last_contact_at\` datetime null, \`active\` integer not null, \`agent_version\` text null, \`system_insights\` text not null, \`mdm\` text null, \`upstream_created_at\` text null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`id\`));`);
    this.addSql(`create index \`device_scope_updated_index\` on \`device\` (\`scope_id\`, \`updated_at\`);`);

    this.addSql(`create table \`installation\` (\`scope_id\` text not null, \`device_id\` text not null, \`app_key\` text not null, \`source\` text not null, \`source_ref\` text not null, \`name\` text not null, \`version\` text null, \`package_manager\` text null, \`first_seen_at\` datetime null, \`last_seen_at\` datetime null, \`evidence_at\` datetime not null, \`evidence_id\` text not null, \`evidence_kind\` text not null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`device_id\`, \`app_key\`, \`source\`, \`source_ref\`));`);
    this.addSql(`create index \`installation_scope_app_index\` on \`installation\` (\`scope_id\`, \`app_key\`);`);
    this.addSql(`create index \`installation_scope_updated_index\` on \`installation\` (\`scope_id\`, \`updated_at\`);`);

    this.addSql(`create table \`managed_app_link\` (\`scope_id\` text not null, \`app_id\` text not null, \`device_id\` text not null, \`direct\` integer not null, \`group_ids\` text not null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`app_id\`, \`device_id\`));`);

    this.addSql(`create table \`managed_app\` (\`scope_id\` text not null, \`id\` text not null, \`display_name\` text not null, \`app_key\` text not null, \`settings\` text not null, \`upstream_created_at\` text null, \`upstream_updated_at\` text null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`id\`));`);

    this.addSql(`create table \`managed_app_status\` (\`scope_id\` text not null, \`app_id\` text not null, \`device_id\` text not null, \`state\` text not null, \`version\` text null, \`reported_at\` text null, \`details\` text null, \`code\` integer null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`app_id\`, \`device_id\`));`);
    this.addSql(`create index \`managed_app_status_scope_device_index\` on \`managed_app_status\` (\`scope_id\`, \`device_id\`);`);

    this.addSql(`create table \`software_events_coverage\` (\`scope_id\` text not null primary key, \`kind\` text not null, \`since\` text null, \`reason\` text null, \`detail\` text null);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`device_binding\`;`);
    this.addSql(`drop table if exists \`device\`;`);
    this.addSql(`drop table if exists \`installation\`;`);
    this.addSql(`drop table if exists \`managed_app_link\`;`);
    this.addSql(`drop table if exists \`managed_app\`;`);
    this.addSql(`drop table if exists \`managed_app_status\`;`);
    this.addSql(`drop table if exists \`software_events_coverage\`;`);
  }

}
