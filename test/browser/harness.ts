/**
 * What the browser tests share: finding Debian's Chromium (or skipping, only when asked to), a
 * static file server on 127.0.0.1 (node:http, a free port), a recorder that stands in as the
 * browser's proxy so any request that tries to leave the machine is caught, and a headless
 * Chromium with a fresh profile driven by playwright-core.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/[\\/]$/, "");
export const CHROMIUM = process.env.NEARDUP_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Whether the browser tests run. They are skipped only when Chromium is missing AND
 * NEARDUP_SKIP_BROWSER=1; a missing Chromium otherwise fails them (CI installs it).
 */
export function browserGate(): { skip: false } | { skip: true; reason: string } {
  if (existsSync(CHROMIUM)) return { skip: false };
  if (process.env.NEARDUP_SKIP_BROWSER === "1") {
    return { skip: true, reason: `${CHROMIUM} not found and NEARDUP_SKIP_BROWSER=1: browser tests skipped` };
  }
  return { skip: false };
}

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it with scripts/install-browser.sh (apt-get install -y chromium), ` +
      "point NEARDUP_CHROMIUM at another Chromium, or set NEARDUP_SKIP_BROWSER=1 to skip the browser tests.",
    );
  }
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".jsonl": "application/x-ndjson",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
};

export interface Mount {
  /** URL prefix, e.g. "/dist/" ("/" for the root). */
  prefix: string;
  /** Directory served under it. */
  dir: string;
}

export interface StaticServer {
  origin: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `mounts` (longest prefix first) on 127.0.0.1. Paths under `isolatedPrefix` are served
 * like the path without it, plus the headers that make a page crossOriginIsolated.
 */
export async function serveStatic(mounts: Mount[], opts: { isolatedPrefix?: string } = {}): Promise<StaticServer> {
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    const headers: Record<string, string> = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };
    if (opts.isolatedPrefix !== undefined && path.startsWith(`${opts.isolatedPrefix}/`)) {
      path = path.slice(opts.isolatedPrefix.length);
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    const mount = sorted.find((m) => path.startsWith(m.prefix));
    if (mount === undefined || req.method !== "GET") return notFound(res);
    const dir = resolve(mount.dir);
    let file = normalize(join(dir, path.slice(mount.prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) return notFound(res);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file) || !statSync(file).isFile()) return notFound(res);
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found");
}

function listen(server: Server): Promise<void> {
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok());
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((ok) => server.close(() => ok()));
}

/**
 * A stand-in proxy: Chromium sends every request for a host other than the loopback to it, so any
 * attempt to reach the network, by the page or by the browser itself, is recorded (and refused).
 */
export async function startEgressRecorder(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(403);
    res.end();
  });
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      for (const s of sockets) s.destroy();
      return closeServer(server);
    },
  };
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile; `proxy` routes all non-loopback traffic there. */
export async function launchChromium(opts: { proxy?: string; downloads?: boolean } = {}): Promise<Chromium> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), "neardup-chromium-"));
  const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--no-default-browser-check", "--disable-sync", "--disable-default-apps", "--metrics-recording-only"];
  if (opts.proxy !== undefined) args.push(`--proxy-server=${opts.proxy}`);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args,
      acceptDownloads: opts.downloads ?? false,
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Whether a URL stays on this machine (or never touches the network). */
export function isLocal(url: string): boolean {
  if (/^(data|blob|about|chrome|chrome-extension|devtools):/.test(url)) return true;
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  } catch {
    return false;
  }
}
