import { config } from "@jumpcloud-sync/eslint-config";

export default config({ tsconfigRootDir: import.meta.dirname });
