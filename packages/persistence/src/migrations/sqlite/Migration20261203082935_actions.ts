import { Migration } from '@mikro-orm/migrations';

export class Migration20261203082935_actions extends Migration {

  override name = 'Migration20261203082935_actions';

  override up(): void | Promise<void> {
    this.addSql(`create table \`action_request\` (\`scope\` text not null, \`key\` text not null, \`fingerprint\` text not null, \`status\` integer not null, \`body\` text not null, \`created_at\` datetime not null, primary key (\`scope\`, \`key\`));`);

    this.addSql(`create table \`action\` (\`id\` text not null primary key, \`batch_id\` text null, \`scope_id\` text not null, \`account_id\` text not null, \`kind\` text not null, \`target_user_id\` text null, \`target_username\` text null, \`params\` text null, \`state\` text not null, \`actor\` text not null, \`attempts\` integer not null, \`next_attempt_at\` datetime not null, \`lease_owner\` text null, \`lease_expires_at\` datetime null, \`write_started_at\` datetime null, \`created_at\` datetime not null, \`started_at\` datetime null, \`finished_at\` datetime null, \`from_status\` text null, \`to_status\` text null, \`failure_code\` text null, \`failure_message\` text null, \`upstream\` text not null, \`confirmation\` text null, \`confirmation_detail\` text null, \`confirmed_at\` datetime null);`);
    this.addSql(`create index \`action_state_next_attempt_index\` on \`action\` (\`state\`, \`next_attempt_at\`);`);
    this.addSql(`create index \`action_scope_created_index\` on \`action\` (\`scope_id\`, \`created_at\`);`);
    this.addSql(`create index \`action_created_index\` on \`action\` (\`created_at\`);`);
    this.addSql(`create index \`action_confirmation_index\` on \`action\` (\`confirmation\`);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`action_request\`;`);
    this.addSql(`drop table if exists \`action\`;`);
  }

}
