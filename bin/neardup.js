#!/usr/bin/env node
// The `neardup` command. The program is compiled to dist/cli.js (src/cli/, built by `npm run build`).
import("../dist/cli.js").catch((e) => {
  if (e?.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes("cli.js")) {
    console.error("neardup: dist/cli.js is missing; run `npm run build` first");
    process.exit(2);
  }
  throw e;
});
