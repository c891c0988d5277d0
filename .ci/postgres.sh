#!/usr/bin/env bash
# A throw-away PostgreSQL for the store tests: Debian's postgresql, a cluster in a temp
# dir, listening on 127.0.0.1 only, run as a non-root user.
#
#   source .ci/postgres.sh
#   pg_start                 # prints and exports POLICYBOT_TEST_POSTGRES_URL
#   ... run tests ...
#   pg_stop                  # stops the server and removes the cluster
#
# or:  bash .ci/postgres.sh start   /   bash .ci/postgres.sh stop <dir>
# Environment: PG_PORT (first port to try, default 55432).

pg_bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
        return 1
    fi
    echo "$dir"
}

pg_install() {
    pg_bin_dir >/dev/null && return 0
    echo "postgres.sh: installing Debian's postgresql" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
    pg_bin_dir >/dev/null
}

_pg_as() {  # run a command as the cluster's owner (postgres when we are root)
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PG_OWNER" -- "$@"
    else
        "$@"
    fi
}

_pg_free_port() {
    local port=${PG_PORT:-55432}
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

pg_start() {
    pg_install || { echo "postgres.sh: PostgreSQL is not available" >&2; return 1; }
    local bin port
    bin=$(pg_bin_dir)
    PG_OWNER=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        PG_OWNER=postgres
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    fi
    PG_DIR=$(mktemp -d /tmp/policybot-pg.XXXXXX)
    chown "$PG_OWNER" "$PG_DIR" 2>/dev/null || true
    chmod 700 "$PG_DIR"
    port=$(_pg_free_port)
    _pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; return 1; }
    _pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c max_connections=200" \
        >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
    _pg_as "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres policybot_test || return 1
    export PG_DIR PG_OWNER
    export POLICYBOT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/policybot_test"
    echo "$POLICYBOT_TEST_POSTGRES_URL"
}

pg_stop() {
    local dir=${1:-$PG_DIR}
    [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
    local bin
    bin=$(pg_bin_dir) || return 0
    PG_OWNER=${PG_OWNER:-$(stat -c %U "$dir")}
    _pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    unset POLICYBOT_TEST_POSTGRES_URL
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start) pg_start && echo "PG_DIR=$PG_DIR" ;;
        stop) pg_stop "${2:?give the PG_DIR printed by start}" ;;
        *) echo "usage: $0 start | stop PG_DIR" >&2; exit 2 ;;
    esac
fi
