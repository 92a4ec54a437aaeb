#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every test.
#   jobs/test.sh [extra Maven arguments]
# Installs libturbojpeg0 with apt-get when libturbojpeg.so.0 is missing, the pinned Python
# packages of jobs/lib/requirements.txt into .venv (pyspark gives the Spark distribution that the
# spark-submit tests run) and of jobs/lib/requirements-mlflow3.txt into .venv-mlflow3 (MLflow 3),
# then `mvn verify`: unit tests (surefire, real local Spark and Delta) and integration tests
# (failsafe: the launchers as real processes, spark-submit to local[2] and to a standalone cluster
# of two workers, the fat jar). With CI=true a missing tool fails the run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$CATALOG_ML_ROOT"

# install_venv DIR REQUIREMENTS [PIP OPTIONS]: a virtualenv with the pinned packages, reinstalled when
# the requirements file changed (a copy of it in DIR/.requirements is the stamp).
install_venv() {
  local venv="$CATALOG_ML_ROOT/$1" requirements="$2"
  shift 2
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
  fi
  if ! cmp -s "$requirements" "$venv/.requirements"; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" -r "$requirements"
    cp "$requirements" "$venv/.requirements"
  fi
}
# libturbojpeg.so.0, the image preprocessor's JPEG decoder (TurboJpegTest fails without it): Debian's
# libturbojpeg0, installed with apt-get where it is missing and this shell may (root, or sudo without a password).
if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libturbojpeg\.so\.0'; then
  if [[ $(id -u) == 0 ]]; then
    apt-get install -y -q libturbojpeg0 >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q libturbojpeg0 >/dev/null 2>&1; } \
      || echo "jobs/test.sh: apt-get could not install libturbojpeg0 (TurboJpegTest will fail)" >&2
  elif sudo -n true 2>/dev/null; then
    sudo -n apt-get install -y -q libturbojpeg0 >/dev/null 2>&1 \
      || echo "jobs/test.sh: apt-get could not install libturbojpeg0 (TurboJpegTest will fail)" >&2
  else
    echo "jobs/test.sh: libturbojpeg.so.0 is missing and cannot be installed here: apt-get install libturbojpeg0" >&2
  fi
fi
install_venv .venv jobs/lib/requirements.txt
# The current MLflow 3.x beside 2.17.2: its server and UI server run the same tracking tests.
install_venv .venv-mlflow3 jobs/lib/requirements-mlflow3.txt

# The docker and schedule checks' tools (DockerFilesIT, ScheduleIT) in .venv-ops: hadolint and Airflow
# pinned in jobs/lib/requirements-ops.txt, and compose-check (compose-go, the loader of docker compose)
# built with Go from the module proxy, pinned by jobs/lib/compose-check/go.sum.
ops="$CATALOG_ML_ROOT/.venv-ops"
install_venv .venv-ops jobs/lib/requirements-ops.txt --no-deps
if [[ -n "$(find jobs/lib/compose-check -newer "$ops/bin/compose-check" 2>/dev/null)" \
      || ! -x "$ops/bin/compose-check" ]]; then
  if command -v go >/dev/null; then
    (cd jobs/lib/compose-check && go build -o "$ops/bin/compose-check" .)
  else
    echo "jobs/test.sh: no Go toolchain: compose-check not built (DockerFilesIT fails under CI=true)" >&2
  fi
fi

SPARK_HOME="$(.venv/bin/python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
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
