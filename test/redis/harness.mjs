// @ts-check
/**
 * Throwaway Redis servers for the tests and the benchmark: each on a free loopback port with a
 * temporary directory, killed when the caller stops it and, in any case, when this process exits.
 * redis-server and redis-cli must be installed (`bash scripts/install-redis.sh`, which CI runs);
 * NEARDUP_REDIS_SERVER / NEARDUP_REDIS_CLI name other binaries.
 */
import { spawn, spawnSync, execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";

export const REDIS_SERVER = process.env.NEARDUP_REDIS_SERVER ?? "redis-server";
export const REDIS_CLI = process.env.NEARDUP_REDIS_CLI ?? "redis-cli";

/** @type {Set<import("node:child_process").ChildProcess>} */
const live = new Set();
/** @type {Set<string>} */
const dirs = new Set();
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const p of live) { try { p.kill("SIGKILL"); } catch { /* gone */ } }
    for (const d of dirs) { try { rmSync(d, { recursive: true, force: true }); } catch { /* gone */ } }
  });
  for (const sig of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.once(sig, () => {
      for (const p of live) { try { p.kill("SIGKILL"); } catch { /* gone */ } }
      process.kill(process.pid, sig);
    });
  }
}

/** Throws a clear error when redis-server or redis-cli is missing (the tests never skip). */
export function requireRedis() {
  for (const bin of [REDIS_SERVER, REDIS_CLI]) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    if (r.error || r.status !== 0) {
      throw new Error(`${bin} is not installed or does not run (${r.error?.message ?? r.stderr}); install it with \`sudo bash scripts/install-redis.sh\` (CI does), or set NEARDUP_REDIS_SERVER / NEARDUP_REDIS_CLI`);
    }
  }
}

/** Whether `port` can be bound on 127.0.0.1 now. */
function canBind(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1, picked at random below Linux's ephemeral range (32768-60999), so
 * that outgoing connections of this or other processes do not take it between the check and
 * redis-server's bind (RedisServer.start retries on a port taken all the same).
 */
export async function freePort() {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await canBind(port)) return port;
  }
  throw new Error("no free port found in 20000-31999 on 127.0.0.1");
}

/** Sends one inline command and resolves with the first reply line ("" on a closed socket). */
export function rawCommand(port, line, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    let buf = "";
    const done = (v) => { clearTimeout(t); sock.destroy(); resolve(v); };
    const t = setTimeout(() => done(""), timeoutMs);
    sock.on("connect", () => sock.write(line + "\r\n"));
    sock.on("data", (d) => { buf += d.toString("latin1"); if (buf.includes("\r\n")) done(buf.slice(0, buf.indexOf("\r\n"))); });
    sock.on("error", () => done(""));
    sock.on("close", () => done(buf));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One redis-server process. */
export class RedisServer {
  /** @param {{ port: number, dir: string, args: string[] }} o */
  constructor(o) {
    this.port = o.port;
    this.dir = o.dir;
    this.args = o.args;
    /** @type {import("node:child_process").ChildProcess | null} */
    this.proc = null;
    this.log = "";
  }

  /**
   * Starts a server. `aof`: append-only file with `appendfsync always` (a reply means the write
   * is on disk); `cluster`: cluster mode (bus on a second free port); `extra`: more arguments.
   * @param {{ aof?: boolean, cluster?: boolean, extra?: string[] }} [opts]
   */
  static async start(opts = {}) {
    requireRedis();
    hookExit();
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), "neardup-redis-"));
      dirs.add(dir);
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--daemonize", "no",
        "--loglevel", "warning", "--appendonly", opts.aof ? "yes" : "no", "--appendfsync", "always"];
      if (opts.cluster) {
        let bus = await freePort();
        while (bus === port) bus = await freePort();
        args.push("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", String(bus),
          "--cluster-node-timeout", "3000");
      }
      args.push(...(opts.extra ?? []));
      const s = new RedisServer({ port, dir, args });
      try {
        await s.launch();
        return s;
      } catch (err) {
        await s.stop();
        // another process took the port between the check and the bind: try other ports
        if (attempt < 5 && /Address already in use/.test(String(err))) continue;
        throw err;
      }
    }
  }

  /** Starts (or restarts, on the same port and directory) the process and waits for PONG. */
  async launch() {
    const p = spawn(REDIS_SERVER, this.args, { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = p;
    live.add(p);
    const keep = (d) => { this.log = (this.log + d.toString()).slice(-4000); };
    p.stdout?.on("data", keep);
    p.stderr?.on("data", keep);
    let exited = false;
    p.once("exit", () => { exited = true; live.delete(p); });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`redis-server on port ${this.port} exited at start: ${this.log}`);
      if ((await rawCommand(this.port, "PING", 500)) === "+PONG") return;
      await sleep(20);
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING within 15 s: ${this.log}`);
  }

  /** Sends `signal` (default SIGKILL) and, for signals that end it, waits for the exit. */
  async kill(signal = "SIGKILL") {
    const p = this.proc;
    if (p === null || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill(signal);
    if (signal === "SIGKILL" || signal === "SIGTERM") await gone;
  }

  pause() { this.proc?.kill("SIGSTOP"); }
  resume() { this.proc?.kill("SIGCONT"); }

  /** Runs redis-cli against this server; resolves with its output. */
  cli(...args) {
    return new Promise((resolve, reject) => {
      execFile(REDIS_CLI, ["-p", String(this.port), ...args], { encoding: "utf8", timeout: 60_000 }, (err, out) => (err ? reject(err) : resolve(out)));
    });
  }

  /** Kills the server and removes its directory. */
  async stop() {
    this.proc?.kill("SIGCONT");
    await this.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
    dirs.delete(this.dir);
  }
}

/**
 * A Redis Cluster of `n` primaries (no replicas) on free loopback ports, created with
 * `redis-cli --cluster create ... --cluster-yes`; resolves once every node reports
 * cluster_state:ok.
 * @param {number} [n]
 */
export async function startCluster(n = 3) {
  const nodes = [];
  try {
    for (let i = 0; i < n; i++) nodes.push(await RedisServer.start({ cluster: true }));
    await nodes[0].cli("--cluster", "create", ...nodes.map((s) => `127.0.0.1:${s.port}`), "--cluster-replicas", "0", "--cluster-yes");
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(nodes.map((s) => s.cli("cluster", "info")));
      if (infos.every((t) => /cluster_state:ok/.test(t))) break;
      if (Date.now() > deadline) throw new Error(`the cluster did not reach cluster_state:ok within 30 s: ${infos.join(" | ")}`);
      await sleep(100);
    }
  } catch (err) {
    await Promise.all(nodes.map((s) => s.stop()));
    throw err;
  }
  return {
    nodes,
    /** [{ host, port }] for `new Cluster(...)`. */
    startupNodes: nodes.map((s) => ({ host: "127.0.0.1", port: s.port })),
    stop: () => Promise.all(nodes.map((s) => s.stop())),
  };
}
