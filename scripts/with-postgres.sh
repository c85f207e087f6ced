#!/usr/bin/env bash
# Runs a command (the test suite) with a PostgreSQL server for the tests that need one.
# - JCS_TEST_PG_URL set: used as it is (CI starts its own server in .ci/run).
# - otherwise, as root: installs PostgreSQL from Debian packages if needed and starts a throwaway
#   cluster on loopback for the duration of the command, then stops and removes it.
# - otherwise (or JCS_TEST_PG=off): runs without; the PostgreSQL halves of the suites are skipped
#   (they fail instead when CI=true, so CI can never skip them silently).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${JCS_TEST_PG_URL:-}" ] && [ "${JCS_TEST_PG:-auto}" != "off" ]; then
  if [ "$(id -u)" = 0 ]; then
    # shellcheck source=../.ci/postgres.sh
    source "$here/../.ci/postgres.sh"
    port=55433
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    if PGPORT=$port start_postgres; then
      trap stop_postgres EXIT
    else
      echo "note: could not start PostgreSQL; its tests are skipped" >&2
    fi
  else
    echo "note: JCS_TEST_PG_URL is not set and this is not root: PostgreSQL tests are skipped" >&2
  fi
fi
"$@"
