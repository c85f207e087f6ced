import "reflect-metadata";
import { serve } from "./cli/serve.js";

// `node dist/main.js`: the long-running service (HTTP + scheduler). Same as `jumpcloud-sync serve`.
process.exitCode = await serve();
