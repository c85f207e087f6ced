import { Migration } from '@mikro-orm/migrations';

export class Migration20261203095609_inventory extends Migration {

  override name = 'Migration20261203095609_inventory';

  override up(): void | Promise<void> {
    this.addSql(`create table "inventory_device" ("scope_id" varchar(255) not null, "device_id" varchar(255) not null, "availability" varchar(255) not null, "reason" varchar(255) null, "collected_at" timestamptz null, "row_count" int not null, "removed_at" timestamptz null, "updated_at" timestamptz not null, primary key ("scope_id", "device_id"));`);

    this.addSql(`alter table "installation" add "last_opened" varchar(255) null, add "observation" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "inventory_device" cascade;`);

    this.addSql(`alter table "installation" drop column "last_opened", drop column "observation";`);
  }

}
