# Sourced by .ci/run (and usable by hand): installs PostgreSQL from Debian packages if needed and
# starts a throwaway cluster on 127.0.0.1:${PGPORT:-the first free port from 55432}. Exports JCS_TEST_PG_URL for the tests.
start_postgres() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  PG_DIR=$(mktemp -d /tmp/jcs-pg.XXXXXX) || return 1
  chown postgres "$PG_DIR" || return 1
  if [ -z "${PGPORT:-}" ]; then
    # The first free port from 55432 (another cluster may already listen there on a shared machine).
    PGPORT=55432
    while (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; do PGPORT=$((PGPORT + 1)); done
  fi
  export PGPORT
  su postgres -c "$bindir/initdb -D $PG_DIR/data -A trust -U postgres" >/dev/null || return 1
  su postgres -c "$bindir/pg_ctl -D $PG_DIR/data -o '-k $PG_DIR -h 127.0.0.1 -p $PGPORT -c fsync=off -c max_connections=200' -l $PG_DIR/log -w start" >/dev/null || { cat "$PG_DIR/log" >&2; return 1; }
  PG_BINDIR=$bindir
  export JCS_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"
}
stop_postgres() {
  [ -n "${PG_DIR:-}" ] && su postgres -c "$PG_BINDIR/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1 || true
  [ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
}
