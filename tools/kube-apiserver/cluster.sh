#!/usr/bin/env bash
# A throw-away Kubernetes control plane on loopback: etcd plus kube-apiserver, nothing else.
#
# Usage:
#   tools/kube-apiserver/cluster.sh start DIR            etcd + kube-apiserver; writes DIR/env
#   tools/kube-apiserver/cluster.sh stop DIR             stops both (by PID), keeps DIR
#   tools/kube-apiserver/cluster.sh stop-apiserver DIR   stops kube-apiserver only (etcd keeps the data)
#   tools/kube-apiserver/cluster.sh start-apiserver DIR  starts it again on the same port
#   tools/kube-apiserver/cluster.sh compact DIR          compacts etcd to its current revision
#
# DIR is created if missing and holds everything: a CA and serving certificate made with openssl
# (SANs 127.0.0.1 and localhost), the service-account key pair, the static token file, etcd's
# data, logs and PID files. DIR/env (KEY=value lines) tells clients how to connect:
#   URL, CA_FILE, ADMIN_TOKEN (user "clusternet-admin", group system:masters),
#   AGENT_USER, AGENT_TOKEN (user "clusternet-agent", no groups: RBAC grants it nothing yet),
#   ETCD_URL, APISERVER_PID, ETCD_PID.
# Authorization is Node,RBAC. Ports are free ones picked at start (override with
# APISERVER_PORT, ETCD_CLIENT_PORT, ETCD_PEER_PORT). No controller-manager or scheduler runs.
#
# The kube-apiserver binary: $KUBE_APISERVER, else the one tools/kube-apiserver/build.sh cached.
# Exit code 3 means a prerequisite is missing (no cached binary, no etcd, no openssl or curl).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { sed -n '2,9p' "$0" >&2; exit 2; }

log() { echo "cluster.sh: $*" >&2; }
missing() { log "PREREQUISITE MISSING: $*"; exit 3; }

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pki="$dir/pki"

# A port nothing listens on now (TCP, loopback); the range stays clear of the ephemeral one.
free_port() {
  local p used
  used="$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)"
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    grep -qx "$p" <<<"$used" || grep -qx "$p" "$dir/.ports" 2>/dev/null || { echo "$p" >>"$dir/.ports"; echo "$p"; return; }
  done
  log "no free port found"; exit 1
}

# Stops a process we started, by its PID file, only if it still is ours (its command line names
# DIR), so a recycled PID is never signalled. TERM, then KILL after 15 s.
stop_pid() {
  local f="$dir/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$dir"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      [[ -d "/proc/$pid" ]] || break
      # a zombie (our parent may be gone) counts as stopped
      [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
      sleep 0.1
    done
    [[ -d "/proc/$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

env_get() { sed -n "s/^$1=//p" "$dir/env" 2>/dev/null | head -1; }

make_pki() {
  command -v openssl >/dev/null || missing "openssl"
  mkdir -p "$pki"; chmod 700 "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=clusternet-test-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
      -keyout apiserver.key -out apiserver.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >ext.cnf
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
      -extfile ext.cnf -out apiserver.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f apiserver.csr ext.cnf
  )
}

start_etcd() {
  command -v etcd >/dev/null || missing "etcd (Debian package etcd-server)"
  local cp pp
  cp="$(env_get ETCD_CLIENT_PORT)"; pp="$(env_get ETCD_PEER_PORT)"
  mkdir -p "$dir/etcd"; chmod 700 "$dir/etcd"
  setsid nohup etcd --name clusternet-test --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$cp" --advertise-client-urls "http://127.0.0.1:$cp" \
    --listen-peer-urls "http://127.0.0.1:$pp" --initial-advertise-peer-urls "http://127.0.0.1:$pp" \
    --initial-cluster "clusternet-test=http://127.0.0.1:$pp" \
    --logger zap --log-outputs stderr </dev/null >>"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$cp/health" 2>/dev/null | grep -q '"health":"true"' && return 0
    [[ -d "/proc/$(cat "$dir/etcd.pid")" ]] || break
    sleep 0.1
  done
  log "etcd did not become healthy; its log:"; tail -20 "$dir/etcd.log" >&2; exit 1
}

apiserver_binary() {
  local bin="${KUBE_APISERVER:-}"
  if [[ -z "$bin" ]]; then
    bin="$("$here/build.sh" --cached-only 2>/dev/null)" \
      || missing "no kube-apiserver binary: run tools/kube-apiserver/build.sh once (about 13 minutes) or set KUBE_APISERVER"
  fi
  [[ -x "$bin" ]] || missing "$bin is not executable"
  echo "$bin"
}

start_apiserver() {
  local bin port cp
  bin="$(apiserver_binary)"
  port="$(env_get APISERVER_PORT)"; cp="$(env_get ETCD_CLIENT_PORT)"
  # The binary is invoked through DIR (a symlink) so that stop_pid can recognise the process.
  ln -sfn "$bin" "$dir/kube-apiserver"
  setsid nohup "$dir/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$cp" \
    --bind-address 127.0.0.1 --secure-port "$port" --insecure-port 0 \
    --advertise-address 127.0.0.1 \
    --cert-dir "$pki" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --token-auth-file "$dir/tokens.csv" \
    --authorization-mode Node,RBAC \
    --service-cluster-ip-range 10.96.0.0/12 \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc \
    --endpoint-reconciler-type none \
    --profiling=false \
    </dev/null >>"$dir/kube-apiserver.log" 2>&1 &
  echo $! >"$dir/kube-apiserver.pid"
  local started=$SECONDS
  for _ in $(seq 1 600); do
    if [[ "$(curl -sS --cacert "$pki/ca.crt" "https://127.0.0.1:$port/readyz" 2>/dev/null)" == ok ]]; then
      log "kube-apiserver ready on https://127.0.0.1:$port after $((SECONDS - started)) s"
      return 0
    fi
    [[ -d "/proc/$(cat "$dir/kube-apiserver.pid")" ]] || break
    sleep 0.1
  done
  log "kube-apiserver did not become ready; its log:"; tail -30 "$dir/kube-apiserver.log" >&2
  stop_pid kube-apiserver
  exit 1
}

case "$cmd" in
  start)
    # Every prerequisite first, so that a missing one leaves nothing running.
    command -v curl >/dev/null || missing "curl"
    command -v openssl >/dev/null || missing "openssl"
    command -v etcd >/dev/null || missing "etcd (Debian package etcd-server)"
    apiserver_binary >/dev/null || exit $?
    [[ ! -f "$dir/etcd.pid" && ! -f "$dir/kube-apiserver.pid" ]] || { log "$dir is already running"; exit 1; }
    if [[ ! -f "$dir/env" ]]; then
      make_pki
      admin_token="$(openssl rand -hex 24)"; agent_token="$(openssl rand -hex 24)"
      umask 077
      {
        echo "$admin_token,clusternet-admin,clusternet-admin,\"system:masters\""
        echo "$agent_token,clusternet-agent,clusternet-agent"
      } >"$dir/tokens.csv"
      rm -f "$dir/.ports"
      api_port="${APISERVER_PORT:-$(free_port)}"
      etcd_cp="${ETCD_CLIENT_PORT:-$(free_port)}"; etcd_pp="${ETCD_PEER_PORT:-$(free_port)}"
      cat >"$dir/env" <<EOF
URL=https://127.0.0.1:$api_port
CA_FILE=$pki/ca.crt
ADMIN_USER=clusternet-admin
ADMIN_TOKEN=$admin_token
AGENT_USER=clusternet-agent
AGENT_TOKEN=$agent_token
ETCD_URL=http://127.0.0.1:$etcd_cp
APISERVER_PORT=$api_port
ETCD_CLIENT_PORT=$etcd_cp
ETCD_PEER_PORT=$etcd_pp
EOF
    fi
    trap 'stop_pid kube-apiserver; stop_pid etcd' EXIT
    start_etcd
    start_apiserver
    trap - EXIT
    cat "$dir/env"
    ;;
  stop)
    stop_pid kube-apiserver
    stop_pid etcd
    ;;
  stop-apiserver)
    stop_pid kube-apiserver
    ;;
  start-apiserver)
    [[ -f "$dir/etcd.pid" ]] || { log "etcd is not running in $dir"; exit 1; }
    [[ ! -f "$dir/kube-apiserver.pid" ]] || { log "kube-apiserver is already running in $dir"; exit 1; }
    start_apiserver
    ;;
  compact)
    # etcd's JSON gateway: the current revision, then a compaction to it (physical: waits).
    etcd_url="$(env_get ETCD_URL)"
    rev="$(curl -fsS -X POST -d '{"key":"AA=="}' "$etcd_url/v3/kv/range" | sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')"
    [[ -n "$rev" ]] || { log "could not read etcd's revision"; exit 1; }
    curl -fsS -X POST -d "{\"revision\":\"$rev\",\"physical\":true}" "$etcd_url/v3/kv/compaction" >/dev/null
    echo "$rev"
    ;;
  *)
    sed -n '2,9p' "$0" >&2; exit 2
    ;;
esac
