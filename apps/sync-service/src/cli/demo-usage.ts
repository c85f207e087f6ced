// The demo's usage text lives apart from the demo: the CLI prints it without loading the stand-in.
export const DEMO_USAGE = `jumpcloud-sync demo [--seed <n>] [--data-dir <dir>] [--scenario demo|no-di]
  Starts the JumpCloud stand-in with a demo organization, syncs it once (every stream: directory,
  usage, and MDM — devices, managed apps, software events) into SQLite under <data-dir> (default
  ./.data) with a generated DEV-ONLY secret key, prints a summary.
  --scenario no-di: an organization whose plan lacks Directory Insights (usage and software events
  are unavailable).`;
