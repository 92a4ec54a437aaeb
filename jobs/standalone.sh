#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from the Spark distribution in SPARK_HOME (the one
# pyspark ships has no sbin/start-*.sh: the master and the workers are started with bin/spark-class).
#   jobs/standalone.sh start DIR [WORKERS [CORES [MEMORY]]]   prints the master URL when every worker is up
#   jobs/standalone.sh stop DIR                               stops what `start DIR` started
# DIR keeps the pid files, the logs (DIR/logs) and the workers' folders. Binds SPARK_LOCAL_IP
# (default 127.0.0.1). Defaults: 2 workers of 1 core and 3g each.
# e.g. url=$(jobs/standalone.sh start /tmp/cluster) && jobs/submit.sh --master "$url" -- nightly ...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

usage() {
  echo "usage: jobs/standalone.sh start DIR [WORKERS [CORES [MEMORY]]] | stop DIR" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
action="$1"
dir="$2"
host="${SPARK_LOCAL_IP:-127.0.0.1}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
  local pid
  for file in "$dir"/*.pid; do
    [[ -f "$file" ]] || continue
    pid="$(cat "$file")"
    # Each daemon leads its own process group: its executors go with it.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for file in "$dir"/*.pid; do
    [[ -f "$file" ]] || continue
    pid="$(cat "$file")"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$file"
  done
}

daemon() {
  local name="$1"
  shift
  setsid "$SPARK_HOME/bin/spark-class" "$@" >"$dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$dir/$name.pid"
}

start() {
  local workers="${1:-2}" cores="${2:-1}" memory="${3:-3g}"
  if [[ -z "${SPARK_HOME:-}" || ! -x "$SPARK_HOME/bin/spark-class" ]]; then
    echo "catalog-ml standalone: SPARK_HOME is not a Spark distribution (no \$SPARK_HOME/bin/spark-class); pip install pyspark==3.5.7 gives one." >&2
    exit 2
  fi
  if compgen -G "$dir/*.pid" >/dev/null; then
    echo "catalog-ml standalone: $dir already holds a cluster; run jobs/standalone.sh stop $dir first." >&2
    exit 2
  fi
  mkdir -p "$dir/logs"
  local port ui
  port="$(free_port)"
  ui="$(free_port)"
  export SPARK_LOCAL_IP="$host" SPARK_NO_DAEMONIZE=1
  daemon master org.apache.spark.deploy.master.Master --host "$host" --port "$port" --webui-port "$ui"
  local url="spark://$host:$port"
  for i in $(seq 1 "$workers"); do
    mkdir -p "$dir/worker-$i"
    daemon "worker-$i" org.apache.spark.deploy.worker.Worker --host "$host" --cores "$cores" --memory "$memory" \
      --webui-port 0 --work-dir "$dir/worker-$i" "$url"
  done
  # Up when the master's JSON status counts every worker alive.
  for _ in $(seq 1 300); do
    local alive
    alive="$(python3 - "$host" "$ui" <<'EOF' 2>/dev/null || echo 0
import json, sys, urllib.request
status = json.load(urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/json/", timeout=2))
print(status.get("aliveworkers", 0))
EOF
)"
    if [[ "$alive" == "$workers" ]]; then
      echo "$url" >"$dir/master-url"
      echo "$ui" >"$dir/master-ui-port"
      echo "$url"
      return 0
    fi
    sleep 0.2
  done
  echo "catalog-ml standalone: $workers worker(s) did not register with $url within 60 s; logs in $dir/logs." >&2
  stop
  exit 1
}

case "$action" in
  start) shift 2; start "$@" ;;
  stop) stop ;;
  *) usage ;;
esac
