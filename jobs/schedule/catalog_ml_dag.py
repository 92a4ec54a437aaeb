"""catalog-ml's nightly chain as an Airflow DAG: one spark-submit per stage.

ingest -> preprocess -> plan -> [train, while the registry has no champion] -> score -> monitor
-> [retrain -> (rescore -> remonitor, when the candidate is promoted), when the retrain policy fires]
-> [maintain, when the plan says table upkeep is due] -> verdict

The same chain as ``jobs/catalog-ml nightly``, but each stage is its own Spark application and its
own Airflow task, so a failed stage is retried (or not) alone and its log is its own. Each task
runs ``io.catalogml.cli.Main STAGE`` from the fat jar through SparkSubmitOperator, reads the job's
JSON result (the last JSON line of its stdout) and returns it, so it lands in XCom as the task's
``return_value``; the branches and the verdict read those results, never the tables or the registry
themselves:

* ``plan`` runs ``nightly --dry-run``, which asks the registry exactly as ``nightly`` does whether a
  champion exists; ``train`` runs only when the plan has a ``train`` stage.
* ``monitor``'s result carries the retrain policy's decision (``retrain.retrain``); ``retrain`` runs
  when it says so (and the ``retrain`` param is on: ``retrain.enabled`` is the chain's switch, which
  the DAG cannot read from the configuration), and ``rescore`` and ``remonitor`` only when ``train``
  promoted the candidate (``champion`` in its result).
* ``maintain`` (OPTIMIZE and VACUUM of every table) runs when the plan ends with a ``maintain`` stage:
  ``maintain.every-nights`` since the last upkeep recorded in ``gold.maintenance``, as ``nightly`` decides.
* ``verdict`` gathers every result into one (as ``nightly`` prints) and fails, without retry, when the
  night's last monitor found drift, as ``nightly`` exits 10.

Retries follow the exit codes of the README: 3 (tracking server unreachable) and 75 (a Delta write
conflict outlived its retries) mean "try again later" and are retried (``retries``, with exponential
back-off); every other failure (2 bad configuration or input, 4 no usable model, 1 internal, 50/52
Spark fatal) fails the task at once with the job's own error code and message.

The driver runs in client deploy mode on the Airflow worker: the result line is the driver's stdout.
The worker needs ``spark-submit`` on its PATH (Spark 3.5) and a catalog-ml installation:

* ``CATALOG_ML_HOME`` (default ``/opt/catalog-ml``): ``jobs/lib/env.sh`` (the JVM flags every
  catalog-ml JVM needs, read at run time) and the configuration files;
* ``CATALOG_ML_JAR``: the fat jar (default the newest ``target/catalog-ml-*-spark.jar`` or
  ``catalog-ml.jar`` under the home, as in the docker image);
* ``CATALOG_ML_CONF``: configuration files, ``:``-separated (default ``conf/examples/docker.conf``);
* the Spark master comes from the Airflow connection ``spark_default`` (e.g.
  ``AIRFLOW_CONN_SPARK_DEFAULT=spark://spark-master:7077``; without it the provider defaults to yarn).

Needs Airflow 3 and apache-airflow-providers-apache-spark (pinned for the tests in
``jobs/schedule/requirements-airflow.txt``).
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
from collections import deque
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.standard.operators.python import BranchPythonOperator, PythonOperator
from airflow.sdk import DAG, Param, TriggerRule
from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSkipException

MAIN_CLASS = "io.catalogml.cli.Main"
#: Exit codes that mean "try again later" (README, Exit codes): tracker unreachable, Delta conflict.
RETRY_EXIT_CODES = frozenset({3, 75})
#: Exit code of a monitor that found drift: its results are written, the night is off its reference.
DRIFT_EXIT_CODE = 10


class StageRetryable(AirflowException):
    """A stage failed with an exit code that means "try again later": Airflow retries it."""


def outcome(exit_code: int, ok_exit_codes: Iterable[int] = (0,)) -> str:
    """What a task does with a job's exit code: ``ok``, ``retry`` (3, 75) or ``fail`` (any other)."""
    if exit_code in set(ok_exit_codes):
        return "ok"
    return "retry" if exit_code in RETRY_EXIT_CODES else "fail"


def result_line(lines: Iterable[str]) -> dict[str, Any] | None:
    """The job's result: the last line that is a JSON object with a ``job`` key, or None.

    spark-submit's stdout and stderr reach the operator as one stream, so Spark's log lines (its
    shutdown hooks log after the job printed) may follow the result; they are not JSON objects.
    """
    found = None
    for raw in lines:
        line = raw.strip()
        if not (line.startswith("{") and line.endswith("}")):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "job" in value:
            found = value
    return found


def catalog_ml_home() -> str:
    return os.environ.get("CATALOG_ML_HOME", "/opt/catalog-ml")


def catalog_ml_jar(home: str) -> str:
    """The fat jar: CATALOG_ML_JAR, else the newest one built under the home (or the image's)."""
    if os.environ.get("CATALOG_ML_JAR"):
        return os.environ["CATALOG_ML_JAR"]
    jars = sorted(glob.glob(os.path.join(home, "target", "catalog-ml-*-spark.jar")), key=os.path.getmtime)
    return jars[-1] if jars else os.path.join(home, "catalog-ml.jar")


def conf_args(home: str) -> list[str]:
    files = os.environ.get("CATALOG_ML_CONF", os.path.join(home, "conf", "examples", "docker.conf"))
    args: list[str] = []
    for f in filter(None, files.split(":")):
        args += ["--conf", f]
    return args


def jvm_options(home: str) -> str:
    """The JVM flags of jobs/lib/env.sh (Java 17 --add-opens, DL4J's), read from the file itself."""
    script = 'source "$1/jobs/lib/env.sh" && printf "%s" "${SPARK_JAVA17_OPENS[*]} ${CATALOG_ML_DL4J_OPTS[*]}"'
    return subprocess.run(["bash", "-c", script, "env.sh", home], check=True, capture_output=True,
                          text=True).stdout.strip()


class CatalogMlStageOperator(SparkSubmitOperator):
    """One catalog-ml job through spark-submit; returns its JSON result (pushed to XCom).

    :param stage: the job (``ingest``, ``preprocess``, ``train``, ``score``, ``monitor``, ``nightly``)
    :param job_args: the job's own options after ``--conf`` (templated)
    :param ok_exit_codes: exit codes that end the task well (monitor: 0 and 10, drift)
    :param skip_without_input: skip the task when ``job_args`` holds an empty ``--input`` (no drop)
    """

    template_fields = (*SparkSubmitOperator.template_fields, "job_args")

    def __init__(self, *, stage: str, job_args: list[str] | None = None, ok_exit_codes: Iterable[int] = (0,),
                 skip_without_input: bool = False, **kwargs: Any) -> None:
        home = catalog_ml_home()
        kwargs.setdefault("task_id", stage)
        super().__init__(application=catalog_ml_jar(home), java_class=MAIN_CLASS, name=f"catalog-ml-{stage}",
                         **kwargs)
        self.stage = stage
        self.job_args = list(job_args or [])
        self.ok_exit_codes = tuple(ok_exit_codes)
        self.skip_without_input = skip_without_input
        self.home = home

    def execute(self, context: Any) -> dict[str, Any]:
        if self.skip_without_input and "--input" in self.job_args \
                and not self.job_args[self.job_args.index("--input") + 1]:
            raise AirflowSkipException(f"no drop tonight (no --input): {self.stage} skipped, as nightly does")
        opts = jvm_options(self.home)
        self.conf = {"spark.driver.extraJavaOptions": opts, "spark.executor.extraJavaOptions": opts,
                     "spark.executorEnv.OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
                     **(self.conf or {})}
        self.application_args = [self.stage, *conf_args(self.home), *self.job_args]
        self._hook = self._get_hook()
        if self._hook._connection.get("deploy_mode") == "cluster":
            raise AirflowFailException("catalog-ml stages run in client deploy mode: the job's result is the "
                                       "driver's stdout, which cluster mode leaves on the cluster")
        tail = capture_output(self._hook)
        try:
            super().execute(context)
        except OSError as e:  # no spark-submit on the PATH
            raise AirflowFailException(f"{self.stage}: spark-submit could not start: {e}") from e
        except AirflowException:
            if self._hook._submit_sp is None:
                raise AirflowFailException(f"{self.stage}: spark-submit did not start") from None
        return self.finish(self._hook._submit_sp.returncode, tail)

    def finish(self, exit_code: int, output: Iterable[str]) -> dict[str, Any]:
        """The task's end from the job's exit code and output: its result, or the right exception."""
        result = result_line(output)
        decision = outcome(exit_code, self.ok_exit_codes)
        if decision == "ok" and result is not None:
            return result
        what = (f"{self.stage} exited {exit_code}" + (f": {result.get('error')}: {result.get('message')}"
                                                      if result else " and printed no JSON result line"))
        if decision == "retry":
            raise StageRetryable(what + " (try again later)")
        raise AirflowFailException(what)


def capture_output(hook: Any) -> deque[str]:
    """Keeps the last lines spark-submit prints, as the hook reads them (it logs every line).

    SparkSubmitHook reads spark-submit's merged stdout and stderr in ``_process_spark_submit_log``
    and keeps nothing of the application's output; this wraps that method on this one hook so the
    lines pass through a bounded buffer first.
    """
    tail: deque[str] = deque(maxlen=2000)
    process = hook._process_spark_submit_log

    def tee(itr: Iterator[str]) -> Iterator[str]:
        for line in itr:
            tail.append(line)
            yield line

    hook._process_spark_submit_log = lambda itr: process(tee(itr))
    return tail


def train_branch(plan: dict[str, Any]) -> str:
    """``train`` when the plan (``nightly --dry-run``) would train first, else straight to ``score``."""
    return "train" if "train" in plan.get("stagesRun", []) else "score"


def retrain_branch(monitor: dict[str, Any], trained_first: dict[str, Any], enabled: bool) -> str:
    """``retrain`` when the monitor's retrain policy fired, no champion was trained tonight and the
    ``retrain`` param is on (as ``nightly``); else ``maintain_check``."""
    fired = bool((monitor.get("retrain") or {}).get("retrain"))
    return "retrain" if fired and not trained_first and enabled else "maintain_check"


def rescore_branch(retrained: dict[str, Any]) -> str:
    """``rescore`` when the champion rule promoted tonight's candidate, else ``maintain_check``."""
    return "rescore" if retrained.get("champion") else "maintain_check"


def maintain_branch(plan: dict[str, Any]) -> str:
    """``maintain`` when the plan (``nightly --dry-run``) ends with table upkeep (``maintain.every-nights``
    since the last one: catalog-ml's own rule, as ``nightly`` applies it), else ``verdict``."""
    return "maintain" if "maintain" in plan.get("stagesRun", []) else "verdict"


STAGES = ("ingest", "preprocess", "train", "score", "monitor", "retrain", "rescore", "remonitor", "maintain")


def night_result(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The night in one result, as ``nightly`` prints it; raises (no retry) when it ended in drift."""
    stages = {s: results[s] for s in STAGES if results.get(s)}
    last_monitor = stages.get("remonitor") or stages.get("monitor") or {}
    night = {"job": "nightly-dag", "status": last_monitor.get("status", "ok"), "stagesRun": list(stages),
             "trained": "train" in stages, "retrained": "retrain" in stages, "stages": stages}
    if night["status"] == "drift":
        raise AirflowFailException(f"drift: {last_monitor.get('breaches')} (read the night's monitor report)")
    return night


# The tasks' callables: the results above, pulled from XCom (a skipped stage has none).
def _pull(ti: Any, task_id: str) -> dict[str, Any]:
    return ti.xcom_pull(task_ids=task_id) or {}


def choose_train(ti: Any) -> str:
    return train_branch(_pull(ti, "plan"))


def choose_retrain(ti: Any, params: dict[str, Any]) -> str:
    return retrain_branch(_pull(ti, "monitor"), _pull(ti, "train"), bool(params.get("retrain", True)))


def choose_rescore(ti: Any) -> str:
    return rescore_branch(_pull(ti, "retrain"))


def choose_maintain(ti: Any) -> str:
    return maintain_branch(_pull(ti, "plan"))


def verdict(ti: Any) -> dict[str, Any]:
    return night_result({s: _pull(ti, s) for s in STAGES})


def build_dag(dag_id: str = "catalog_ml_nightly", schedule: str | None = "15 2 * * *") -> DAG:
    """The nightly DAG; the tests build it from this file as Airflow's DagBag does."""
    default_args = {
        "retries": 3,
        "retry_delay": timedelta(minutes=10),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=1),
    }
    with DAG(
        dag_id=dag_id,
        schedule=schedule,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,  # two nights never overlap
        default_args=default_args,
        params={
            "input": Param(os.environ.get("CATALOG_ML_INPUT", ""), type="string",
                           description="Folder of tonight's catalogue drop; empty: no ingest "
                                       "(the DAG does not read source.input)."),
            "retrain": Param(True, type="boolean",
                             description="Act on the monitor's retrain decision (nightly: retrain.enabled)."),
        },
        tags=["catalog-ml"],
        doc_md=__doc__,
    ) as dag:
        ingest = CatalogMlStageOperator(stage="ingest", job_args=["--input", "{{ params.input }}"],
                                        skip_without_input=True)
        preprocess = CatalogMlStageOperator(stage="preprocess", trigger_rule=TriggerRule.NONE_FAILED)
        plan = CatalogMlStageOperator(task_id="plan", stage="nightly", job_args=["--dry-run"])
        train_first = BranchPythonOperator(task_id="train_first", python_callable=choose_train)
        train = CatalogMlStageOperator(stage="train")
        score = CatalogMlStageOperator(stage="score", trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS)
        monitor = CatalogMlStageOperator(stage="monitor", ok_exit_codes=(0, DRIFT_EXIT_CODE))
        retrain_check = BranchPythonOperator(task_id="retrain_check", python_callable=choose_retrain)
        retrain = CatalogMlStageOperator(task_id="retrain", stage="train")
        rescore_check = BranchPythonOperator(task_id="rescore_check", python_callable=choose_rescore)
        rescore = CatalogMlStageOperator(task_id="rescore", stage="score")
        remonitor = CatalogMlStageOperator(task_id="remonitor", stage="monitor",
                                           ok_exit_codes=(0, DRIFT_EXIT_CODE))
        maintain_check = BranchPythonOperator(task_id="maintain_check", python_callable=choose_maintain,
                                              trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS)
        maintain = CatalogMlStageOperator(stage="maintain")
        night = PythonOperator(task_id="verdict", python_callable=verdict,
                               trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS, retries=0)

        ingest >> preprocess >> plan >> train_first >> [train, score]
        train >> score >> monitor >> retrain_check >> [retrain, maintain_check]
        retrain >> rescore_check >> [rescore, maintain_check]
        rescore >> remonitor >> maintain_check >> [maintain, night]
        maintain >> night
    return dag


dag = build_dag()
