import { Migration } from '@mikro-orm/migrations';

export class Migration20261203082936_actions extends Migration {

  override name = 'Migration20261203082936_actions';

  override up(): void | Promise<void> {
    this.addSql(`create table "action_request" ("scope" varchar(255) not null, "key" varchar(255) not null, "fingerprint" varchar(255) not null, "status" int not null, "body" text not null, "created_at" timestamptz not null, primary key ("scope", "key"));`);

    this.addSql(`create table "action" ("id" varchar(255) not null, "batch_id" varchar(255) null, "scope_id" varchar(255) not null, "account_id" varchar(255) not null, "kind" varchar(255) not null, "target_user_id" varchar(255) null, "target_username" text null, "params" text null, "state" varchar(255) not null, "actor" varchar(255) not null, "attempts" int not null, "next_attempt_at" timestamptz not null, "lease_owner" varchar(255) null, "lease_expires_at" timestamptz null, "write_started_at" timestamptz null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, "from_status" varchar(255) null, "to_status" varchar(255) null, "failure_code" varchar(255) null, "failure_message" text null, "upstream" text not null, "confirmation" varchar(255) null, "confirmation_detail" text null, "confirmed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "action_state_next_attempt_index" on "action" ("state", "next_attempt_at");`);
    this.addSql(`create index "action_scope_created_index" on "action" ("scope_id", "created_at");`);
    this.addSql(`create index "action_created_index" on "action" ("created_at");`);
    this.addSql(`create index "action_confirmation_index" on "action" ("confirmation");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "action_request" cascade;`);
    this.addSql(`drop table if exists "action" cascade;`);
  }

}
