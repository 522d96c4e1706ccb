import type { ChildProcess } from "node:child_process";
export const REDIS_SERVER: string;
export const REDIS_CLI: string;
export function requireRedis(): void;
export function freePort(): Promise<number>;
export function rawCommand(port: number, line: string, timeoutMs?: number): Promise<string>;
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  proc: ChildProcess | null;
  log: string;
  static start(opts?: { aof?: boolean; cluster?: boolean; extra?: string[] }): Promise<RedisServer>;
  launch(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  pause(): void;
  resume(): void;
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}
export function startCluster(n?: number): Promise<{ nodes: RedisServer[]; startupNodes: { host: string; port: number }[]; stop: () => Promise<void[]> }>;
