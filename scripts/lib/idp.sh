# shellcheck shell=bash
# The development OpenID provider (idp/server.js); sourced, never run.
#
#   pd_idp_install                               node >= 18, npm and idp/node_modules
#   pd_browser_install                           t/browser/node_modules (after pd_idp_install)
#   pd_openapi_install                           t/openapi/node_modules (after pd_idp_install)
#   pd_idp_start RUNDIR HTTP_PORT HTTPS_PORT PORTAL_URL
#   pd_idp_stop RUNDIR
#
# RUNDIR keeps the provider's certificate, signing keys, log and pid file;
# reusing it across restarts keeps the keys relying parties have cached.
# PD_IDP_TEST_TOKENS, PD_IDP_ACCOUNTS, PD_IDP_CLIENT_SECRET and
# PD_IDP_API_AUDIENCE reach the provider when exported by the caller.

PD_IDP_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../idp" && pwd)
PD_IDP_NODE_MIN=18

# Usable alone as well as after common.sh, whose versions win.
declare -F pd_log >/dev/null || pd_log() { printf '%s\n' "$*" >&2; }
declare -F pd_die >/dev/null || pd_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

pd_idp_node_major() {
    local v
    v=$(node --version 2>/dev/null) || return 1
    v=${v#v}
    echo "${v%%.*}"
}

# Runs COMMAND quietly, showing its output only when it fails.
pd_idp_quiet() {
    local out rc=0
    out=$(mktemp)
    "$@" >"$out" 2>&1 || rc=$?
    ((rc == 0)) || { cat "$out" >&2; pd_log "failed ($rc): $*"; }
    rm -f "$out"
    return "$rc"
}

pd_idp_install() {
    local major
    major=$(pd_idp_node_major || echo 0)
    if ((major < PD_IDP_NODE_MIN)) || ! command -v npm >/dev/null; then
        [[ $(id -u) -eq 0 ]] || pd_die "node >= $PD_IDP_NODE_MIN and npm are needed, and only root can install them"
        pd_log "installing nodejs and npm"
        export DEBIAN_FRONTEND=noninteractive
        pd_idp_quiet apt-get update -q || pd_die "apt-get update failed"
        pd_idp_quiet apt-get install -y -q --no-install-recommends nodejs npm \
            || pd_die "could not install nodejs and npm"
        major=$(pd_idp_node_major || echo 0)
        ((major >= PD_IDP_NODE_MIN)) || pd_die "node $major is too old: the provider needs $PD_IDP_NODE_MIN or later"
    fi

    pd_npm_ci "$PD_IDP_HOME"
}

# npm ci in DIR, only when its lockfile or node changed since the last time.
# The stamp names the lockfile and node that node_modules was made from, so
# an edited lockfile or another node brings a clean install. The lock on the
# directory keeps two callers from running npm ci over each other.
pd_npm_ci() {
    local dir=$1 want stamp=$1/node_modules/.pd-installed fd major
    major=$(pd_idp_node_major || echo 0)
    want="$(sha256sum <"$dir/package-lock.json" | cut -d' ' -f1) node$major"
    exec {fd}<"$dir"
    flock "$fd"
    if [[ ! -f $stamp || $(<"$stamp") != "$want" ]]; then
        pd_log "installing the node modules of $(basename "$dir")"
        # --prefer-offline: once npm's cache holds the locked tarballs, a
        # reinstall needs no network.
        if ! (cd "$dir" && pd_idp_quiet npm ci --omit=dev --no-audit --no-fund --prefer-offline); then
            exec {fd}<&-
            pd_die "npm ci failed in $dir"
        fi
        printf '%s\n' "$want" >"$stamp"
    fi
    exec {fd}<&-
}

# The browser tests' driver (t/browser: playwright-core) for Debian's
# chromium, which the caller installs as a package.
pd_browser_install() {
    pd_npm_ci "$PD_IDP_HOME/../t/browser"
}

# The API description's linter (t/openapi: @redocly/cli) for t/15-openapi.t.
pd_openapi_install() {
    pd_npm_ci "$PD_IDP_HOME/../t/openapi"
}

# pd_node_pid PIDFILE SCRIPT: prints the pid of a node program started
# with its pid in PIDFILE when it runs (its command line names SCRIPT), and
# fails otherwise. A zombie (an exited child nobody has reaped yet), or
# another program on a reused pid, counts as stopped.
pd_node_pid() {
    local pidfile=$1 script=$2 pid state
    [[ -f $pidfile ]] || return 1
    pid=$(<"$pidfile")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
    [[ $state != Z* ]] || return 1
    grep -qaF "$script" "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

# pd_node_stop PIDFILE SCRIPT WHAT: SIGTERM, and SIGKILL after 5 s.
pd_node_stop() {
    local pidfile=$1 script=$2 what=$3 pid i
    pid=$(pd_node_pid "$pidfile" "$script") || { rm -f "$pidfile"; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pd_node_pid "$pidfile" "$script" >/dev/null || { rm -f "$pidfile"; return 0; }
        sleep 0.1
    done
    pd_log "$what (pid $pid) ignored SIGTERM for 5s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

# Prints the provider's pid when it runs, and fails otherwise.
pd_idp_pid() { pd_node_pid "$1/idp.pid" server.js; }

pd_idp_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pd_idp_start() {
    (($# == 4)) || pd_die "usage: pd_idp_start RUNDIR HTTP_PORT HTTPS_PORT PORTAL_URL"
    local rundir=$1 http_port=$2 https_port=$3 portal=$4 pid i port
    local timeout=${PD_IDP_START_TIMEOUT:-20}
    mkdir -p "$rundir"
    rundir=$(cd "$rundir" && pwd)
    if pd_idp_pid "$rundir" >/dev/null; then
        pd_die "the OpenID provider already runs from $rundir"
    fi
    for port in "$http_port" "$https_port"; do
        if pd_idp_port_in_use "$port"; then pd_die "port $port is already in use"; fi
    done
    [[ -d $PD_IDP_HOME/node_modules/oidc-provider ]] || pd_die "run pd_idp_install first"

    PD_IDP_HTTP_PORT=$http_port PD_IDP_HTTPS_PORT=$https_port PD_IDP_DIR=$rundir \
        PD_IDP_PORTAL_URL=$portal \
        nohup node "$PD_IDP_HOME/server.js" </dev/null >>"$rundir/idp.log" 2>&1 &
    pid=$!
    echo "$pid" >"$rundir/idp.pid"
    PD_IDP_ISSUER=https://127.0.0.1:$https_port

    for ((i = 0; i < timeout * 10; i++)); do
        if curl -ksf -o /dev/null --max-time 2 "$PD_IDP_ISSUER/.well-known/openid-configuration"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$rundir/idp.log" >&2 || true
    kill -TERM "$pid" 2>/dev/null || true
    pd_die "the OpenID provider did not answer on $PD_IDP_ISSUER within ${timeout}s"
}

pd_idp_stop() { pd_node_stop "$1/idp.pid" server.js "the OpenID provider"; }
