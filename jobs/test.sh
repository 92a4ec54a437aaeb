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
