import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  target: "es2022",
  platform: "neutral",
  // The loader is bundled so the published package has no runtime dependency.
  noExternal: ["@assemblyscript/loader"],
  treeshake: true,
});
