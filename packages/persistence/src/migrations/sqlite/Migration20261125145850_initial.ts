import { Migration } from '@mikro-orm/migrations';

export class Migration20261125145850_initial extends Migration {

  override name = 'Migration20261125145850_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table \`account\` (\`id\` text not null primary key, \`name\` text not null, \`region\` text null, \`console_base_url\` text not null, \`insights_base_url\` text not null, \`permission\` text not null, \`org_id\` text null, \`multi_tenant\` integer not null, \`paused\` integer not null, \`schedule_minutes\` integer not null, \`api_key_ciphertext\` text null, \`api_key_key_id\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);

    this.addSql(`create table \`api_token\` (\`id\` text not null primary key, \`name\` text not null, \`secret_hash\` text not null, \`created_at\` datetime not null, \`revoked_at\` datetime null);`);
    this.addSql(`create unique index \`api_token_name_unique\` on \`api_token\` (\`name\`);`);
    this.addSql(`create unique index \`api_token_secret_hash_unique\` on \`api_token\` (\`secret_hash\`);`);

    this.addSql(`create table \`app_assignment\` (\`scope_id\` text not null, \`application_id\` text not null, \`user_id\` text not null, \`direct\` integer not null, \`group_ids\` text not null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`application_id\`, \`user_id\`));`);
    this.addSql(`create index \`app_assignment_scope_user_index\` on \`app_assignment\` (\`scope_id\`, \`user_id\`);`);

    this.addSql(`create table \`audit_entry\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`actor\` text not null, \`action\` text not null, \`target\` text not null, \`outcome\` text not null, \`details\` text not null);`);
    this.addSql(`create index \`audit_entry_target_index\` on \`audit_entry\` (\`target\`);`);

    this.addSql(`create table \`directory_application\` (\`scope_id\` text not null, \`id\` text not null, \`name\` text not null, \`display_name\` text null, \`display_label\` text null, \`sso_url\` text null, \`sso_type\` text null, \`active\` integer not null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`id\`));`);

    this.addSql(`create table \`directory_group\` (\`scope_id\` text not null, \`id\` text not null, \`name\` text not null, \`description\` text null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`id\`));`);

    this.addSql(`create table \`directory_user\` (\`scope_id\` text not null, \`id\` text not null, \`username\` text not null, \`email\` text not null, \`display_name\` text null, \`first_name\` text null, \`last_name\` text null, \`status\` text not null, \`employee_identifier\` text null, \`employee_type\` text null, \`department\` text null, \`job_title\` text null, \`company\` text null, \`cost_center\` text null, \`location\` text null, \`manager_id\` text null, \`admin_role\` text null, \`group_ids\` text not null, \`upstream_created_at\` text null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`id\`));`);
    this.addSql(`create index \`directory_user_scope_updated_index\` on \`directory_user\` (\`scope_id\`, \`updated_at\`);`);

    this.addSql(`create table \`scope\` (\`id\` text not null primary key, \`account_id\` text not null, \`org_id\` text null, \`org_name\` text null, \`enabled\` integer not null);`);
    this.addSql(`create index \`scope_account_id_index\` on \`scope\` (\`account_id\`);`);

    this.addSql(`create table \`stream_status\` (\`scope_id\` text not null, \`stream\` text not null, \`last_attempt_at\` datetime null, \`last_success_at\` datetime null, \`consecutive_failures\` integer not null, \`next_attempt_at\` datetime null, \`last_error\` text null, \`attention\` text not null, primary key (\`scope_id\`, \`stream\`));`);

    this.addSql(`create table \`sync_cursor\` (\`scope_id\` text not null, \`stream\` text not null, \`value\` text not null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`stream\`));`);

    this.addSql(`create table \`sync_lease\` (\`scope_id\` text not null, \`stream\` text not null, \`owner\` text not null, \`expires_at\` datetime not null, primary key (\`scope_id\`, \`stream\`));`);

    this.addSql(`create table \`sync_run\` (\`id\` text not null primary key, \`scope_id\` text not null, \`stream\` text not null, \`state\` text not null, \`trigger\` text not null, \`started_at\` datetime not null, \`finished_at\` datetime null, \`error\` text null, \`counters\` text not null);`);
    this.addSql(`create index \`sync_run_scope_stream_started_index\` on \`sync_run\` (\`scope_id\`, \`stream\`, \`started_at\`);`);
    this.addSql(`create index \`sync_run_started_index\` on \`sync_run\` (\`started_at\`);`);
    this.addSql(`create index \`sync_run_state_index\` on \`sync_run\` (\`state\`, \`started_at\`);`);

    this.addSql(`create table \`usage_coverage\` (\`scope_id\` text not null primary key, \`kind\` text not null, \`since\` text null, \`reason\` text null, \`detail\` text null);`);

    this.addSql(`create table \`usage_record\` (\`scope_id\` text not null, \`user_id\` text not null, \`application_id\` text not null, \`last_used_at\` datetime not null, \`source\` text not null, \`event_id\` text not null, primary key (\`scope_id\`, \`user_id\`, \`application_id\`));`);
    this.addSql(`create index \`usage_record_scope_app_last_used_index\` on \`usage_record\` (\`scope_id\`, \`application_id\`, \`last_used_at\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`account\`;`);
    this.addSql(`drop table if exists \`api_token\`;`);
    this.addSql(`drop table if exists \`app_assignment\`;`);
    this.addSql(`drop table if exists \`audit_entry\`;`);
    this.addSql(`drop table if exists \`directory_application\`;`);
    this.addSql(`drop table if exists \`directory_group\`;`);
    this.addSql(`drop table if exists \`directory_user\`;`);
    this.addSql(`drop table if exists \`scope\`;`);
    this.addSql(`drop table if exists \`stream_status\`;`);
    this.addSql(`drop table if exists \`sync_cursor\`;`);
    this.addSql(`drop table if exists \`sync_lease\`;`);
    this.addSql(`drop table if exists \`sync_run\`;`);
    this.addSql(`drop table if exists \`usage_coverage\`;`);
    this.addSql(`drop table if exists \`usage_record\`;`);
  }

}
