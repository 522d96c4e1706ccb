#!/usr/bin/env bash
# Installs Debian's Redis (redis-server, redis-cli) for the Redis tests (test/redis/), unless it is
# already there. The tests start their own servers on free loopback ports with temporary
# directories (test/redis/harness.mjs); nothing is started here and no service is enabled.
# Run as root, e.g. from .ci/run before `npm test`.
#
#   scripts/install-redis.sh                 installs redis-server and redis-cli if missing
#   NEARDUP_REDIS_SERVER=/path/redis-server  the tests use other binaries instead (then nothing is
#   NEARDUP_REDIS_CLI=/path/redis-cli        installed)
set -euo pipefail

server="${NEARDUP_REDIS_SERVER:-redis-server}"
cli="${NEARDUP_REDIS_CLI:-redis-cli}"
if command -v "$server" >/dev/null 2>&1 && command -v "$cli" >/dev/null 2>&1; then
  echo "redis: $("$server" --version) (already installed)"
  exit 0
fi
if [ -n "${NEARDUP_REDIS_SERVER:-}${NEARDUP_REDIS_CLI:-}" ]; then
  echo "NEARDUP_REDIS_SERVER / NEARDUP_REDIS_CLI name a binary that does not run: $server, $cli" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "redis-server is missing and installing it needs root: sudo $0" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# redis-server pulls in redis-tools (redis-cli); --no-install-recommends keeps it at that
apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
# the package may start a system service on port 6379; the tests never use it
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
echo "redis: $(redis-server --version)"
