/**
 * The `neardup` command (bin). Runs `main` on the process's arguments and streams and leaves the
 * exit code in `process.exitCode`, so pending output is flushed before the process ends.
 */
import { main } from "./main.js";

// `neardup scan big.jsonl | head` closes standard output early: stop quietly, as Unix tools do
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

// Ctrl-C during a scan: take the progress bar off the line before stopping
process.once("SIGINT", () => {
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  process.exit(130);
});

main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
);
