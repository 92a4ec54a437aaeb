#!/usr/bin/env bash
# Runs a catalog-ml job through spark-submit, on any master (local, standalone, YARN, k8s).
#   jobs/submit.sh JOB [job options]
#   jobs/submit.sh [spark-submit options] -- JOB [job options]
# e.g. jobs/submit.sh --master spark://host:7077 --executor-memory 4g -- ingest --conf my.conf
# With --deploy-mode cluster on a standalone master it waits for the driver, prints its JSON line and
# exits with the job's code; the master's web UI is CATALOG_ML_MASTER_UI (default http://HOST:8080).
# Needs SPARK_HOME (a Spark 3.5 distribution; `pip install pyspark==3.5.7` gives one). Uses the
# fat jar target/catalog-ml-*-spark.jar (or CATALOG_ML_JAR), building it if missing.
# The JVM flags Spark on Java 17 and DL4J need are set here for the driver and the executors;
# pass more with CATALOG_ML_DRIVER_OPTS / CATALOG_ML_EXECUTOR_OPTS rather than
# --conf spark.{driver,executor}.extraJavaOptions, which would replace them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"

if [[ -z "${SPARK_HOME:-}" || ! -x "${SPARK_HOME}/bin/spark-submit" ]]; then
  echo "catalog-ml submit: SPARK_HOME is not set to a Spark distribution (no \$SPARK_HOME/bin/spark-submit)." >&2
  echo "Set SPARK_HOME to Spark 3.5 (e.g. pip install pyspark==3.5.7, then SPARK_HOME=\$(python -c 'import pyspark,os;print(os.path.dirname(pyspark.__file__))')), or run locally with jobs/catalog-ml." >&2
  exit 2
fi

submit_args=()
job_args=("$@")
for i in "${!job_args[@]}"; do
  if [[ "${job_args[$i]}" == "--" ]]; then
    submit_args=("${job_args[@]:0:$i}")
    job_args=("${job_args[@]:$((i + 1))}")
    break
  fi
done

jar="${CATALOG_ML_JAR:-}"
if [[ -z "$jar" ]]; then
  jar="$(ls "$CATALOG_ML_ROOT"/target/catalog-ml-*-spark.jar 2>/dev/null | head -n 1 || true)"
  if [[ -z "$jar" ]]; then
    echo "catalog-ml submit: building the fat jar (mvn -DskipTests package)..." >&2
    (cd "$CATALOG_ML_ROOT" && mvn -q -B -DskipTests package) >&2
    jar="$(ls "$CATALOG_ML_ROOT"/target/catalog-ml-*-spark.jar | head -n 1)"
  fi
fi

driver_opts="${SPARK_JAVA17_OPENS[*]} ${CATALOG_ML_DL4J_OPTS[*]} ${CATALOG_ML_DRIVER_OPTS:-}"
if [[ ! -f "${SPARK_CONF_DIR:-$SPARK_HOME/conf}/log4j2.properties" ]]; then
  driver_opts+=" -Dlog4j.configurationFile=file:$CATALOG_ML_ROOT/conf/log4j2.properties"
fi
executor_opts="${SPARK_JAVA17_OPENS[*]} ${CATALOG_ML_DL4J_OPTS[*]} ${CATALOG_ML_EXECUTOR_OPTS:-}"

submit=("$SPARK_HOME/bin/spark-submit"
  --class io.catalogml.cli.Main
  --conf "spark.driver.extraJavaOptions=$driver_opts"
  --conf "spark.executor.extraJavaOptions=$executor_opts"
  --conf "spark.executorEnv.OMP_NUM_THREADS=$OMP_NUM_THREADS"
  ${submit_args[@]+"${submit_args[@]}"})

# Cluster deploy mode on a standalone master: spark-submit exits 0 however the driver ended (it does
# not wait at all without spark.standalone.submit.waitAppCompletion, and with it exits 0 on FAILED
# too), and the job's JSON line stays in the driver's stdout on a worker. So wait for the driver,
# then ask the master how it ended and the worker for its result line (jobs/lib/standalone_driver.py),
# and exit with the job's own code. YARN's cluster mode already waits and fails with the application.
master="" deploy_mode=""
for ((i = 0; i < ${#submit_args[@]}; i++)); do
  case "${submit_args[$i]}" in
    --master) master="${submit_args[$((i + 1))]:-}" ;;
    --master=*) master="${submit_args[$i]#--master=}" ;;
    --deploy-mode) deploy_mode="${submit_args[$((i + 1))]:-}" ;;
    --deploy-mode=*) deploy_mode="${submit_args[$i]#--deploy-mode=}" ;;
  esac
done
if [[ "$deploy_mode" != "cluster" || "$master" != spark://* ]]; then
  exec "${submit[@]}" "$jar" ${job_args[@]+"${job_args[@]}"}
fi

hostport="${master#spark://}"
master_ui="${CATALOG_ML_MASTER_UI:-http://${hostport%%[:,]*}:8080}"
log="$(mktemp -t catalog-ml-submit.XXXXXX)"
trap 'rm -f "$log"' EXIT
set +e
"${submit[@]}" --conf spark.standalone.submit.waitAppCompletion=true \
  "$jar" ${job_args[@]+"${job_args[@]}"} 2> >(tee "$log" >&2)
submitted=$?
set -e
wait
driver="$(grep -o 'Driver successfully submitted as driver-[0-9-]*' "$log" | tail -n 1 | awk '{print $NF}')"
if [[ -z "$driver" ]]; then
  echo "{\"job\":\"${job_args[0]:-}\",\"status\":\"failed\",\"error\":\"cluster.not-submitted\",\"exitCode\":1,\"message\":\"spark-submit did not submit a driver to $master (exit $submitted); its log above says why.\"}"
  exit 1
fi
exec python3 "$CATALOG_ML_ROOT/jobs/lib/standalone_driver.py" "$master_ui" "$driver" "${job_args[0]:-}"
