import { boundary, config } from "@jumpcloud-sync/eslint-config";

const persistence = { name: "@jumpcloud-sync/persistence", message: "Only the store adapter (src/store/) imports persistence; use STORE and the domain's ports." };
const standIn = { name: "@jumpcloud-sync/jumpcloud-sim", message: "The stand-in is a dev dependency: only the demo (src/demo/), the bench (src/bench/) and tests may import it." };
const devTools = ["src/demo/**", "src/bench/**", "test/**", "**/*.test.ts"];

export default [
  ...config({ tsconfigRootDir: import.meta.dirname }),
  // The production path (main, cli, serve, sync): neither persistence outside the adapter nor the stand-in.
  boundary({ files: ["src/**/*.ts"], ignores: ["src/store/**", ...devTools], forbid: [persistence, standIn] }),
  boundary({ files: ["src/store/**/*.ts"], forbid: [standIn] }),
  // The demo runs the real service: it reaches the store through STORE like everything else.
  boundary({ files: ["src/demo/**/*.ts"], forbid: [persistence] }),
];
