import { Migration } from '@mikro-orm/migrations';

export class Migration20261203095608_inventory extends Migration {

  override name = 'Migration20261203095608_inventory';

  override up(): void | Promise<void> {
    this.addSql(`create table \`inventory_device\` (\`scope_id\` text not null, \`device_id\` text not null, \`availability\` text not null, \`reason\` text null, \`collected_at\` datetime null, \`row_count\` integer not null, \`removed_at\` datetime null, \`updated_at\` datetime not null, primary key (\`scope_id\`, \`device_id\`));`);

    this.addSql(`alter table \`installation\` add column \`last_opened\` text null;`);
    this.addSql(`alter table \`installation\` add column \`observation\` text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists \`inventory_device\`;`);

    this.addSql(`alter table \`installation\` drop column \`last_opened\`;`);
    this.addSql(`alter table \`installation\` drop column \`observation\`;`);
  }

}
