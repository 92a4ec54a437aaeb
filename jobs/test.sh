#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every test.
#   jobs/test.sh [extra Maven arguments]
# Installs the pinned Python packages of jobs/lib/requirements.txt into .venv (pyspark gives
# the Spark distribution that the spark-submit tests run), then `mvn verify`: unit tests
# (surefire, real local Spark and Delta) and integration tests (failsafe: the launchers as
# real processes, spark-submit to local[2] and to a standalone cluster of two workers, the fat
# jar). With CI=true a missing tool fails the run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$CATALOG_ML_ROOT"

venv="$CATALOG_ML_ROOT/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.requirements"
if ! cmp -s jobs/lib/requirements.txt "$stamp"; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r jobs/lib/requirements.txt
  cp jobs/lib/requirements.txt "$stamp"
fi

# The docker and schedule checks' tools (DockerFilesIT, ScheduleIT) in .venv-ops: hadolint and Airflow
# pinned in jobs/lib/requirements-ops.txt, and compose-check (compose-go, the loader of docker compose)
# built with Go from the module proxy, pinned by jobs/lib/compose-check/go.sum.
ops="$CATALOG_ML_ROOT/.venv-ops"
if [[ ! -x "$ops/bin/python" ]]; then
  python3 -m venv "$ops"
fi
if ! cmp -s jobs/lib/requirements-ops.txt "$ops/.requirements"; then
  "$ops/bin/pip" install --quiet --disable-pip-version-check --no-deps -r jobs/lib/requirements-ops.txt
  cp jobs/lib/requirements-ops.txt "$ops/.requirements"
fi
if [[ -n "$(find jobs/lib/compose-check -newer "$ops/bin/compose-check" 2>/dev/null)" \
      || ! -x "$ops/bin/compose-check" ]]; then
  if command -v go >/dev/null; then
    (cd jobs/lib/compose-check && go build -o "$ops/bin/compose-check" .)
  else
    echo "jobs/test.sh: no Go toolchain: compose-check not built (DockerFilesIT fails under CI=true)" >&2
  fi
fi

SPARK_HOME="$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME
export SPARK_LOCAL_IP=127.0.0.1

# The cluster tests start Spark standalone clusters under target/standalone/ (jobs/standalone.sh)
# and stop them themselves; whatever a killed test JVM left running is stopped here.
stop_clusters() {
  local d
  for d in "$CATALOG_ML_ROOT"/target/standalone/*/; do
    [[ -d "$d" ]] && "$CATALOG_ML_ROOT/jobs/standalone.sh" stop "$d" || true
  done
}
trap stop_clusters EXIT

mvn -B verify "$@"
