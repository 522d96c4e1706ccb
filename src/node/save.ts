/**
 * Writing snapshots to disk atomically (Node.js only; the core modules stay browser-safe).
 *
 * The classic sequence for a file that is either the old or the new version after a crash, never a
 * mix (see e.g. SQLite's "Atomic Commit", and the POSIX rename(2) guarantee that the target is
 * replaced atomically within one file system):
 *   1. write the bytes to a new temporary file in the same directory (so rename stays on one file system);
 *   2. fsync it, so its data is on disk before its name is;
 *   3. rename it over the target;
 *   4. fsync the directory, so the rename itself is durable (skipped where directories cannot be
 *      opened or synced, as on Windows).
 * On failure the temporary file is removed and the target is left as it was.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { describeValue } from "../text.js";

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

function check(path: unknown, bytes: unknown, where: string): void {
  if (typeof path !== "string" || path.length === 0) throw new TypeError(`${where}: path must be a non-empty string, got ${describeValue(path)}`);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${where}: bytes must be a Uint8Array (e.g. from index.serialize()), got ${describeValue(bytes)}`);
}

/** Errors that mean "this platform cannot fsync a directory", not a failed write. */
function dirSyncUnsupported(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === "EISDIR" || code === "EPERM" || code === "EACCES" || code === "EINVAL" || code === "ENOTSUP" || code === "EBADF";
}

/**
 * Writes `bytes` to `path` atomically: readers see the old file or the new one, never a partial write.
 * @example await saveFileAtomic("index.ndup", index.serialize());
 */
export async function saveFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  check(path, bytes, "saveFileAtomic");
  const tmp = tempPath(path);
  let renamed = false;
  try {
    const fh = await open(tmp, "wx", 0o666);
    try {
      let off = 0;
      while (off < bytes.length) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    let dir;
    try {
      dir = await open(dirname(path), "r");
      await dir.sync();
    } catch (err) {
      if (!dirSyncUnsupported(err)) throw err;
    } finally {
      await dir?.close();
    }
  } catch (err) {
    if (!renamed) await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * `saveFileAtomic`, synchronously.
 * @example saveFileAtomicSync("index.ndup", index.serialize());
 */
export function saveFileAtomicSync(path: string, bytes: Uint8Array): void {
  check(path, bytes, "saveFileAtomicSync");
  const tmp = tempPath(path);
  let renamed = false;
  try {
    const fd = openSync(tmp, "wx", 0o666);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
    let dir = -1;
    try {
      dir = openSync(dirname(path), "r");
      fsyncSync(dir);
    } catch (err) {
      if (!dirSyncUnsupported(err)) throw err;
    } finally {
      if (dir !== -1) closeSync(dir);
    }
  } catch (err) {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        // the temporary file was never created
      }
    }
    throw err;
  }
}
