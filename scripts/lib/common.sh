# shellcheck shell=bash
# Shared by scripts/demo, scripts/test and bench/run; sourced, never run.
#
# Each of those scripts owns one "base" directory laid out by pd_layout:
#   BASE/pg/         owned by postgres: the socket lives here, next to
#   BASE/pg/data/    the cluster, and BASE/pg/postgresql.log
#   BASE/run/        Apache's ServerRoot: httpd.conf, pid, logs, htpasswd
# Keeping the socket in a private directory (rather than /var/run/postgresql)
# is what lets a private cluster coexist with Debian's own on the same port.

PD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PD_PG_BIN=/usr/lib/postgresql/15/bin
PD_DB_USER=pharmadesk
PD_MODULE=$PD_ROOT/.libs/mod_pharmadesk.so

PD_PACKAGES=(
    apache2 apache2-dev apache2-utils libaprutil1-dbd-pgsql media-types
    libjansson-dev libssl-dev libcurl4-openssl-dev libcmocka-dev autoconf automake libtool pkg-config make gcc
    postgresql libapache2-mod-perl2 libwww-perl liblwp-protocol-https-perl libjson-perl libjson-validator-perl libdbd-pg-perl libcpanel-json-xs-perl
    ca-certificates openssl curl
    libjs-chart.js node-qrcode-generator libapache2-mod-auth-openidc
)

# Messages go to stderr so that a caller's stdout stays machine-readable
# (scripts/test promises that prove's summary is the last thing printed).
pd_log() { printf '%s\n' "$*" >&2; }
pd_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a noisy command with its output kept aside, shown only if it fails.
pd_quiet() {
    local out rc=0
    out=$(mktemp)
    "$@" >"$out" 2>&1 || rc=$?
    if ((rc != 0)); then
        cat "$out" >&2
        rm -f "$out"
        pd_log "failed ($rc): $*"
        return "$rc"
    fi
    rm -f "$out"
}

pd_install_packages() {
    local p missing=()
    for p in "${PD_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    [[ $(id -u) -eq 0 ]] || pd_die "missing packages (${missing[*]}) and not root"
    pd_log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    pd_quiet apt-get update -q
    pd_quiet apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Configures with --enable-werror, then PD_CONFIGURE_FLAGS (e.g. --enable-asan;
# --disable-werror undoes the first). A configured tree is reconfigured only
# when PD_CONFIGURE_FLAGS is given and the flags differ, or (keeping its
# flags) when it was configured without --enable-werror, so that an
# --enable-asan build is not silently undone by a later plain run.
pd_build() {
    (
        cd "$PD_ROOT" || exit
        # A tree set up before configure.ac or Makefile.am changed may lack
        # what the new ones need (a test driver, say), which make's own
        # regeneration does not add: start the build system afresh. The
        # stamp, not configure, says when that was last done, since make
        # regenerates configure by itself.
        local stamp=build-aux/.pd-autogen
        if [[ ! -x configure || ! -f $stamp || configure.ac -nt $stamp || Makefile.am -nt $stamp ]]; then
            pd_quiet ./autogen.sh
            touch "$stamp"
            rm -f Makefile
        fi
        local want=(--enable-werror) extra=() have=()
        read -r -a extra <<<"${PD_CONFIGURE_FLAGS:-}"
        want+=("${extra[@]}")
        if [[ -f Makefile && -x config.status ]]; then
            eval "have=($(./config.status --config))"
            if ((${#extra[@]} == 0)); then
                want=("${have[@]}")
                [[ " ${have[*]} " == *" --enable-werror "* ]] || want=(--enable-werror "${have[@]}")
            fi
            [[ "${have[*]}" == "${want[*]}" ]] || rm -f Makefile
        fi
        if [[ ! -f Makefile ]]; then
            pd_log "configuring ${want[*]}"
            pd_quiet ./configure "${want[@]}"
        fi
        pd_log "building"
        pd_quiet make -j2
        [[ -f $PD_MODULE ]] || pd_die "build produced no $PD_MODULE"
    )
}

# Builds check_PROGRAMS (the cmocka binaries) without running them: prove
# runs them through the t/unit-*.t wrappers.
pd_build_unit_tests() {
    (cd "$PD_ROOT" && pd_quiet make -j2 check TESTS=)
}

pd_built_with_asan() {
    grep -q '^SANITIZE = .*-fsanitize=address' "$PD_ROOT/Makefile" 2>/dev/null
}

# True when both service users can reach DIR: the kernel checks every
# ancestor, so a clone under a 0700 home fails here even if DIR is 0755.
pd_traversable() {
    runuser -u postgres -- test -x "$1" 2>/dev/null \
        && runuser -u www-data -- test -x "$1" 2>/dev/null
}

pd_layout() {
    PD_BASE=$1
    PD_PGDIR=$PD_BASE/pg
    PD_PGDATA=$PD_PGDIR/data
    PD_PGLOG=$PD_PGDIR/postgresql.log
    PD_PGPORT=${PD_PGPORT:-55432}
    PD_RUN_DIR=$PD_BASE/run
    PD_HTTPD_CONF=$PD_RUN_DIR/httpd.conf
    PD_HTPASSWD=$PD_RUN_DIR/htpasswd
}

# ---- PostgreSQL ------------------------------------------------------------

# postgres' tools complain when started from a cwd they cannot read (root's
# home), hence the cd.
pd_as_postgres() { (cd / && runuser -u postgres -- "$@"); }

pd_pg_exists() { [[ -f $PD_PGDATA/PG_VERSION ]]; }

# Settings go into postgresql.conf rather than onto the pg_ctl command line so
# that a plain `pg_ctl start` (as the tests do after stopping the server)
# comes back with the same socket, port and durability settings.
# Extra arguments are further postgresql.conf lines.
pd_pg_init() {
    mkdir -p "$PD_PGDIR"
    chown postgres:postgres "$PD_PGDIR"
    chmod 755 "$PD_PGDIR"
    pd_log "creating PostgreSQL cluster"
    pd_quiet pd_as_postgres "$PD_PG_BIN/initdb" -D "$PD_PGDATA" -U postgres \
        --auth=trust -E UTF8 --locale=C.UTF-8
    {
        printf '\n# Pharmadesk private cluster: unix socket only.\n'
        printf "listen_addresses = ''\n"
        printf "unix_socket_directories = '%s'\n" "$PD_PGDIR"
        printf 'port = %s\n' "$PD_PGPORT"
        printf 'max_connections = 150\n'
        local line
        for line in "$@"; do printf '%s\n' "$line"; done
    } >>"$PD_PGDATA/postgresql.conf"
}

# Throwaway clusters trade durability for speed: a crash loses nothing
# anybody wants.
PD_PG_TEST_SETTINGS=("fsync = off" "synchronous_commit = off" "full_page_writes = off")

pd_pg_running() {
    pd_pg_exists && pd_as_postgres "$PD_PG_BIN/pg_ctl" -D "$PD_PGDATA" status >/dev/null 2>&1
}

pd_pg_start() {
    pd_pg_running && return 0
    touch "$PD_PGLOG"
    chown postgres:postgres "$PD_PGLOG"
    if ! pd_as_postgres "$PD_PG_BIN/pg_ctl" -D "$PD_PGDATA" -l "$PD_PGLOG" -w -t 60 start >/dev/null; then
        tail -n 20 "$PD_PGLOG" >&2 || true
        pd_die "PostgreSQL did not start"
    fi
}

pd_pg_stop() {
    pd_pg_running || return 0
    pd_as_postgres "$PD_PG_BIN/pg_ctl" -D "$PD_PGDATA" -m fast -w -t 60 stop >/dev/null
}

# psql as the application role against the application database.
pd_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PD_PGDIR" -p "$PD_PGPORT" -U "$PD_DB_USER" -d "$PD_DB" "$@"
}

pd_psql_super() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PD_PGDIR" -p "$PD_PGPORT" -U postgres -d postgres "$@"
}

# The application role owns the database, so migrations create tables it
# owns and the module never needs superuser rights.
pd_db_create() {
    if [[ -z $(pd_psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PD_DB_USER'") ]]; then
        pd_psql_super -c "CREATE ROLE $PD_DB_USER LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
    fi
    if [[ -z $(pd_psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = '$PD_DB'") ]]; then
        pd_psql_super -c "CREATE DATABASE \"$PD_DB\" OWNER $PD_DB_USER ENCODING 'UTF8' TEMPLATE template0"
    fi
}

pd_db_drop() {
    PGOPTIONS='-c client_min_messages=warning' \
        pd_psql_super -c "DROP DATABASE IF EXISTS \"$PD_DB\" WITH (FORCE)"
}

pd_migrate() {
    [[ -x $PD_ROOT/scripts/migrate ]] || pd_die "scripts/migrate is missing"
    pd_log "applying migrations"
    PGHOST=$PD_PGDIR PGPORT=$PD_PGPORT PGDATABASE=$PD_DB PGUSER=$PD_DB_USER \
        pd_quiet "$PD_ROOT/scripts/migrate"
}

pd_load_sql() {
    local file=$1
    shift
    [[ -f $file ]] || pd_die "missing $file"
    pd_quiet pd_psql -1 "$@" -f "$file"
}

# ---- htpasswd --------------------------------------------------------------

# The benchmark's Basic baseline (auth-basic.conf.in): one entry for every
# row of users, each password equal to the username, stored as {SHA} (the
# format of `htpasswd -s`) because it is cheap to check and to generate in
# bulk: fit only for throwaway benchmark accounts.
pd_write_htpasswd() {
    local tmp
    tmp=$(mktemp)
    pd_psql -tAc "SELECT username FROM users ORDER BY id" \
        | perl -MDigest::SHA=sha1 -MMIME::Base64 -ne \
            'chomp; next if $_ eq "" || /:/; print "$_:{SHA}", encode_base64(sha1($_), ""), "\n"' \
            >"$tmp"
    mkdir -p "$PD_RUN_DIR"
    chown root:www-data "$tmp"
    chmod 640 "$tmp"
    mv -f "$tmp" "$PD_HTPASSWD"
}

# ---- Apache ----------------------------------------------------------------

pd_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pd_free_port() {
    local port=$1 last=$(($1 + 200))
    while ((port <= last)); do
        pd_port_in_use "$port" || { echo "$port"; return 0; }
        port=$((port + 1))
    done
    pd_die "no free port in $1..$last"
}

# Apache's children run as www-data: when they cannot read the project's
# htdocs (a clone in a private home), serve a copy from the run directory.
pd_htdocs_dir() {
    local src=$PD_ROOT/htdocs
    if [[ -d $src ]] && runuser -u www-data -- test -x "$src" 2>/dev/null \
        && [[ -z $(runuser -u www-data -- find "$src" \( ! -readable -o -type d ! -executable \) -print -quit 2>/dev/null) ]]; then
        echo "$src"
        return 0
    fi
    rm -rf "$PD_RUN_DIR/htdocs"
    mkdir -p "$PD_RUN_DIR/htdocs"
    [[ -d $src ]] && cp -R "$src/." "$PD_RUN_DIR/htdocs/"
    chmod -R a+rX "$PD_RUN_DIR/htdocs"
    echo "$PD_RUN_DIR/htdocs"
}

pd_sed_escape() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

# The secret that signs desk tokens (the QR self check-in), made once and
# kept: a new one would void every printed code. Root's alone, as Apache
# requires of secret files.
pd_desk_token_secret() {
    local file=$1
    [[ -s $file ]] && return 0
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=\n' >"$file.tmp")
    chown root:root "$file.tmp"
    mv -f "$file.tmp" "$file"
}

# pd_httpd_write_conf PORT LOG_LEVEL TICKET_PREFIX
pd_httpd_write_conf() {
    local port=$1 level=$2 prefix=$3 htdocs args=() kv auth=${PD_AUTH:-oidc}
    mkdir -p "$PD_RUN_DIR"
    chmod 755 "$PD_RUN_DIR"
    htdocs=$(pd_htdocs_dir)
    [[ $auth == oidc || $auth == basic ]] || pd_die "PD_AUTH must be oidc or basic"
    if [[ $auth == oidc ]]; then
        [[ -n ${PD_IDP_ISSUER:-} ]] || pd_die "PD_IDP_ISSUER is not set: start the OpenID provider first"
        pd_oidc_private_conf
    fi
    for kv in "RUN_DIR=$PD_RUN_DIR" "LOG_LEVEL=$level" "PORT=$port" "MODULE=$PD_MODULE" \
        "PG_HOST=${PD_DBD_HOSTS:-$PD_PGDIR}" "PG_PORT=${PD_DBD_PORTS:-$PD_PGPORT}" \
        "PG_EXTRA=${PD_DBD_EXTRA:+ $PD_DBD_EXTRA}" "PG_DB=$PD_DB" "PG_USER=$PD_DB_USER" \
        "TICKET_PREFIX=$prefix" "HTDOCS=$htdocs" "HTPASSWD=$PD_HTPASSWD" \
        "IDP_ISSUER=${PD_IDP_ISSUER:-}" "SESSION_INACTIVITY=${PD_SESSION_INACTIVITY:-3600}" \
        "SESSION_MAX=${PD_SESSION_MAX:-28800}" \
        "MAINTENANCE_INTERVAL=${PD_MAINTENANCE_INTERVAL:-300}" \
        "ATTACHMENT_TICKET_MAX=${PD_ATTACHMENT_TICKET_MAX:-104857600}" \
        "NOTIFY_INTERVAL=${PD_NOTIFY_INTERVAL:-2}" "NOTIFY_RETRY_DELAY=${PD_NOTIFY_RETRY_DELAY:-60}" \
        "NOTIFY_MAX_ATTEMPTS=${PD_NOTIFY_MAX_ATTEMPTS:-8}" "SLA_INTERVAL=${PD_SLA_INTERVAL:-30}" \
        "SMTP_URL=${PD_SMTP_URL:-smtp://127.0.0.1:25}" \
        "WEBHOOK_TIMEOUT=${PD_WEBHOOK_TIMEOUT:-10}" \
        "WEBHOOK_ALLOW_NETWORKS=${PD_WEBHOOK_ALLOW_NETWORKS:-none}" \
        "PORTAL_URL=${PD_PORTAL_URL:-http://127.0.0.1:$port/}" \
        "PUBLIC_PORT=${PD_PUBLIC_PORT:-$port}"; do
        args+=(-e "s|@${kv%%=*}@|$(pd_sed_escape "${kv#*=}")|g")
    done
    pd_desk_token_secret "$PD_RUN_DIR/desk-token-secret"
    sed "${args[@]}" "$PD_ROOT/scripts/lib/httpd.conf.in" >"$PD_HTTPD_CONF"
    sed "${args[@]}" "$PD_ROOT/scripts/lib/auth-$auth.conf.in" >"$PD_RUN_DIR/auth.conf"
    local left
    left=$(cat "$PD_HTTPD_CONF" "$PD_RUN_DIR/auth.conf" | grep -vE '^[[:space:]]*#' \
        | grep -oE '@[A-Z_]+@' | sort -u | tr '\n' ' ' || true)
    [[ -z $left ]] || pd_die "unfilled placeholders in $PD_HTTPD_CONF: $left"
}

# The files the OpenID Connect configuration includes: the secrets, readable
# by root only (Apache reads them before it drops privileges), the
# provider's signing keys, and the session cache: Redis when PD_REDIS_PORT is set, else shared memory. The
# passphrase survives a rewrite, so that sessions outlive a restart.
pd_oidc_private_conf() {
    local secrets=$PD_RUN_DIR/oidc-secrets.conf pass
    if [[ -f $PD_RUN_DIR/oidc-passphrase ]]; then
        pass=$(<"$PD_RUN_DIR/oidc-passphrase")
    else
        pass=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
        (umask 077 && printf '%s\n' "$pass" >"$PD_RUN_DIR/oidc-passphrase")
    fi
    (
        umask 077
        printf 'OIDCCryptoPassphrase "%s"\nOIDCClientSecret "%s"\n' \
            "$pass" "${PD_IDP_CLIENT_SECRET:-pharmadesk-dev-secret}" >"$secrets.tmp"
    )
    chown root:root "$secrets.tmp"
    mv -f "$secrets.tmp" "$secrets"
    # The provider's signing keys, for bearer tokens (auth-oidc.conf.in); its
    # certificate is self-signed.
    "$PD_ROOT/scripts/oidc-keys" --insecure "$PD_IDP_ISSUER/jwks" "$PD_RUN_DIR" >/dev/null \
        || pd_die "could not read the OpenID provider's signing keys"
    if [[ -n ${PD_REDIS_PORT:-} ]]; then
        printf 'OIDCCacheType redis\nOIDCRedisCacheServer 127.0.0.1:%s\nOIDCCacheEncrypt On\n' \
            "$PD_REDIS_PORT" >"$PD_RUN_DIR/oidc-cache.conf"
    else
        printf 'OIDCCacheType shm\n' >"$PD_RUN_DIR/oidc-cache.conf"
    fi
}

# A private Redis on loopback for the session cache: it outlives Apache
# restarts, which is what the tests need of it. Without persistence, unless
# PD_REDIS_APPENDONLY=yes (scripts/cluster): then its append-only file,
# written every second, keeps the sessions across a restart of Redis.
pd_redis_start() {
    local port=$1 i
    mkdir -p "$PD_BASE/redis"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' \
        --appendonly "${PD_REDIS_APPENDONLY:-no}" --appendfsync everysec \
        --dir "$PD_BASE/redis" --pidfile "$PD_BASE/redis/redis.pid" \
        --logfile "$PD_BASE/redis/redis.log" >/dev/null || pd_die "Redis did not start"
    for ((i = 0; i < 50; i++)); do
        redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { PD_REDIS_PORT=$port; return 0; }
        sleep 0.1
    done
    pd_die "Redis is not answering on port $port"
}

pd_redis_stop() {
    local pid
    [[ -f $PD_BASE/redis/redis.pid ]] || return 0
    pid=$(<"$PD_BASE/redis/redis.pid")
    [[ $pid =~ ^[0-9]+$ ]] && kill -TERM "$pid" 2>/dev/null || true
    rm -f "$PD_BASE/redis/redis.pid"
}

# ---- The tests' SMTP sink (t/lib/PD/SmtpSink.pm) ----------------------------

# pd_smtp_sink_start PORT DIR: keeps every message it takes in DIR.
pd_smtp_sink_start() {
    local port=$1 dir=$2 i
    mkdir -p "$dir"
    perl -I"$PD_ROOT/t/lib" -MPD::SmtpSink -e 'PD::SmtpSink::main()' -- --port "$port" --dir "$dir" \
        </dev/null >>"$dir.log" 2>&1 &
    for ((i = 0; i < 100; i++)); do
        pd_port_in_use "$port" && return 0
        sleep 0.1
    done
    pd_die "the SMTP sink is not answering on port $port"
}

pd_smtp_sink_stop() {
    local dir=$1 pid
    [[ -f $dir/.pid ]] || return 0
    pid=$(<"$dir/.pid")
    [[ $pid =~ ^[0-9]+$ ]] && { kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; }
    rm -f "$dir/.pid"
}

pd_httpd_pid() {
    local pid
    [[ -f $PD_RUN_DIR/httpd.pid ]] || return 1
    pid=$(<"$PD_RUN_DIR/httpd.pid")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

pd_httpd_running() { pd_httpd_pid >/dev/null; }

# pd_httpd_start PORT: the conf must have been written for that port.
pd_httpd_start() {
    local port=$1 i code env=()
    # a server stopped a moment ago may still be letting its port go
    for ((i = 0; i < 50; i++)); do
        pd_port_in_use "$port" || break
        sleep 0.1
    done
    pd_port_in_use "$port" && pd_die "port $port is already in use"
    # An ASan-built module needs the runtime loaded before httpd itself.
    if pd_built_with_asan; then
        env=(LD_PRELOAD="$(gcc -print-file-name=libasan.so)"
            ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}")
        # PD_LEAK_CHECK=1: each Apache process reports at its exit what it
        # allocated and can no longer reach (scripts/test reads the reports
        # once Apache has stopped); t/lsan.supp names the leaks that are
        # httpd's and its libraries', never the module's. The full unwinder
        # at every allocation: libcrypto has no frame pointers, so the fast
        # one stops inside it and a report names no caller to suppress by
        if [[ ${PD_LEAK_CHECK:-0} == 1 ]]; then
            env=(LD_PRELOAD="$(gcc -print-file-name=libasan.so)"
                ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0"
                LSAN_OPTIONS="suppressions=$PD_ROOT/t/lsan.supp:print_suppressions=0")
        fi
    fi
    if ! env "${env[@]}" apache2 -f "$PD_HTTPD_CONF" -k start; then
        tail -n 20 "$PD_RUN_DIR/error.log" >&2 2>/dev/null || true
        pd_die "Apache did not start"
    fi
    for ((i = 0; i < 200; i++)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/" || true)
        [[ $code != 000 && -n $code ]] && return 0
        sleep 0.1
    done
    tail -n 20 "$PD_RUN_DIR/error.log" >&2 2>/dev/null || true
    pd_die "Apache is not answering on port $port"
}

# Never graceful: a stop must leave no child finishing old requests against a
# database that is about to go away.
pd_httpd_stop() {
    local pid i
    pid=$(pd_httpd_pid) || return 0
    if [[ -f $PD_HTTPD_CONF ]]; then
        apache2 -f "$PD_HTTPD_CONF" -k stop 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    else
        kill -TERM "$pid" 2>/dev/null || true
    fi
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    pd_log "Apache (pid $pid) did not stop in 30s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
}
