import { Migration } from '@mikro-orm/migrations';

export class Migration20261203084146_stream_unavailable extends Migration {

  override name = 'Migration20261203084146_stream_unavailable';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`stream_status\` add column \`unavailable\` text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`stream_status\` drop column \`unavailable\`;`);
  }

}
