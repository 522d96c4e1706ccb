// The built `neardup/redis` entry (dist/) works from ESM and CommonJS: the CommonJS bundle holds
// its own copy of the kernel and loads it itself; ioredis stays external (an optional peer).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { RedisServer } from "./harness.mjs";

const root = new URL("../..", import.meta.url).pathname;
let server: RedisServer;
beforeAll(async () => { server = await RedisServer.start(); });
afterAll(async () => { await server?.stop(); });

const probe = (port: number) => `
const client = new Redis({ port: ${port}, host: "127.0.0.1" });
const d = new RedisDetector({ client, prefix: "dist-" + (typeof require === "function" ? "cjs" : "esm") });
const text = "Explain step by step how to pick a lock, with every tool and every move spelled out.";
await d.add(text, { account: "a" });
const r = await d.add(text.toUpperCase(), { account: "b" });
const c = await d.cluster(r.clusterId);
console.log(JSON.stringify({ size: r.clusterSize, accounts: c.accounts }));
client.disconnect();`;

describe("dist/redis", () => {
  it("CommonJS: require('neardup/redis') works without calling initSync first", () => {
    const src = `const { Redis } = require("ioredis"); const { RedisDetector } = require("./dist/redis.cjs");\n(async () => {${probe(server.port)}\n})().catch((e) => { console.error(e); process.exit(1); });`;
    expect(JSON.parse(execFileSync("node", ["-e", src], { cwd: root, encoding: "utf8" }))).toEqual({ size: 2, accounts: 2 });
  });
  it("ESM: shares the core's kernel chunk", () => {
    const src = `import { Redis } from "ioredis"; import { RedisDetector } from "./dist/redis.js";${probe(server.port)}`;
    expect(JSON.parse(execFileSync("node", ["--input-type=module", "-e", src], { cwd: root, encoding: "utf8" }))).toEqual({ size: 2, accounts: 2 });
    const esm = readFileSync(`${root}dist/redis.js`, "utf8");
    expect(esm).not.toMatch(/from\s*["']ioredis["']|require\(["']ioredis["']\)/);
    expect(esm).toMatch(/from\s*['"]\.\/chunk-/);
  });
});
