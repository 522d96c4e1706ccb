import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: {
      index: "src/index.ts", "index.node": "src/index.node.ts", node: "src/node/index.ts", "sign-worker": "src/node/sign-worker.ts", "miner-worker": "src/node/miner-worker.ts",
      browser: "src/browser/index.ts", "browser-sign-worker": "src/browser/sign-worker.ts",
      redis: "src/redis/index.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    // keep the CLI built by the second config
    clean: ["!cli.js"],
    sourcemap: false,
    target: "es2022",
    platform: "neutral",
    external: ["node:fs", "node:fs/promises", "node:crypto", "node:path", "node:os", "node:url", "node:events", "node:worker_threads", "ioredis"],
    shims: true,
    // The loader is bundled so the published package has no runtime dependency.
    noExternal: ["@assemblyscript/loader"],
    treeshake: true,
  },
  {
    // The CLI imports "neardup" by package name, so it uses dist/index.js, not a second kernel copy.
    entry: { cli: "src/cli/index.ts" },
    format: ["esm"],
    platform: "node",
    target: "node18",
    external: ["neardup", "neardup/node"],
    dts: false,
    clean: false,
    sourcemap: false,
  },
]);
