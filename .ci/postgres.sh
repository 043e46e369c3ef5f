# Throw-away PostgreSQL cluster for the store tests (sourced by .ci/run; usable by hand too):
#   source .ci/postgres.sh && pg_start   ->  exports CARTPLAN_TEST_PG_URL
#   pg_stop                              ->  stops the server and removes its folder
# initdb refuses to run as root: the cluster belongs to the postgres system user, in a fresh
# temporary folder, listening only on 127.0.0.1 at a free port, with trust authentication for
# the one superuser it makes (cartplan). Installs Debian's postgresql when it is missing.

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

pg_start() {
    if ! pg_bin >/dev/null; then
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
    fi
    local bin port
    bin="$(pg_bin)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    PG_DIR="$(mktemp -d /tmp/cartplan-pg.XXXXXX)"
    chown postgres: "$PG_DIR"
    runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" -U cartplan --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log"; return 1; }
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=200 -c fsync=off" \
        start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
    export PG_DIR
    export CARTPLAN_TEST_PG_URL="postgresql://cartplan@127.0.0.1:$port/postgres"
    echo "PostgreSQL test cluster at $CARTPLAN_TEST_PG_URL ($PG_DIR)"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    local bin
    bin="$(pg_bin)"
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    unset PG_DIR CARTPLAN_TEST_PG_URL
}
