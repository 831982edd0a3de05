# shellcheck shell=bash
# The demo's mail catcher (demo/maildev: npm maildev); sourced after idp.sh,
# never run.
#
#   pd_maildev_install                        npm ci in demo/maildev (node from pd_idp_install)
#   pd_maildev_start RUNDIR SMTP_PORT WEB_PORT
#   pd_maildev_stop RUNDIR
#   pd_maildev_pid RUNDIR                     prints the pid when it runs
#
# It listens on 127.0.0.1 only: SMTP_PORT takes every message whatever its
# recipient, and WEB_PORT shows them. RUNDIR keeps the messages (mail/),
# so that they outlive a restart, its log and its pid file.
#
# demo/maildev/package.json pins maildev 2.2.1 and overrides its
# smtp-server with 3.19.7: later 3.x releases need node 20, and Debian 12
# has node 18.

PD_MAILDEV_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../demo/maildev" && pwd)

pd_maildev_install() {
    pd_npm_ci "$PD_MAILDEV_HOME"
}

pd_maildev_pid() { pd_node_pid "$1/maildev.pid" maildev/bin/maildev; }

pd_maildev_start() {
    (($# == 3)) || pd_die "usage: pd_maildev_start RUNDIR SMTP_PORT WEB_PORT"
    local rundir=$1 smtp_port=$2 web_port=$3 pid i port
    mkdir -p "$rundir/mail"
    rundir=$(cd "$rundir" && pwd)
    pd_maildev_pid "$rundir" >/dev/null && pd_die "the mail catcher already runs from $rundir"
    for port in "$smtp_port" "$web_port"; do
        if pd_idp_port_in_use "$port"; then pd_die "port $port is already in use"; fi
    done
    [[ -x $PD_MAILDEV_HOME/node_modules/.bin/maildev ]] || pd_die "run pd_maildev_install first"

    nohup node "$PD_MAILDEV_HOME/node_modules/maildev/bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 \
        --smtp "$smtp_port" --web "$web_port" --mail-directory "$rundir/mail" \
        </dev/null >>"$rundir/maildev.log" 2>&1 &
    pid=$!
    echo "$pid" >"$rundir/maildev.pid"
    for ((i = 0; i < 200; i++)); do
        if pd_idp_port_in_use "$smtp_port" \
            && curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$web_port/"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$rundir/maildev.log" >&2 || true
    kill -TERM "$pid" 2>/dev/null || true
    pd_die "the mail catcher did not answer on ports $smtp_port and $web_port"
}

pd_maildev_stop() { pd_node_stop "$1/maildev.pid" maildev/bin/maildev "the mail catcher"; }
