"""What ScheduleIT asks Airflow about jobs/schedule/catalog_ml_dag.py; prints one JSON line.

  check_dag.py dag DAG_FILE         Airflow's DagBag over the file's folder (import errors, tasks, edges),
                                    and the DAG's exit-code, branch and verdict rules, applied
  check_dag.py run DAG_FILE RUNS    RUNS: a JSON list of [stage, job args...]; each stage's operator
                                    executed for real (spark-submit on the PATH, the Spark master of
                                    AIRFLOW_CONN_SPARK_DEFAULT), in one process (Airflow imports once)
"""

import importlib.util
import json
import os
import sys


def load(path):
    spec = importlib.util.spec_from_file_location("catalog_ml_dag", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dagbag(folder):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    bag = DagBag(dag_folder=folder)
    dags = {}
    for dag_id, dag in bag.dags.items():
        tasks = {}
        for t in dag.tasks:
            tasks[t.task_id] = {
                "operator": type(t).__name__,
                "sparkSubmit": isinstance(t, SparkSubmitOperator),
                "upstream": sorted(t.upstream_task_ids),
                "retries": t.retries,
                "triggerRule": str(t.trigger_rule.value if hasattr(t.trigger_rule, "value") else t.trigger_rule),
                "xcomPush": bool(t.do_xcom_push),
                "stage": getattr(t, "stage", None),
                "jobArgs": getattr(t, "job_args", None),
                "okExitCodes": list(getattr(t, "ok_exit_codes", ())),
                "javaClass": getattr(t, "_java_class", None),
                "application": getattr(t, "application", None),
            }
        dags[dag_id] = {"tasks": tasks, "maxActiveRuns": dag.max_active_runs,
                        "schedule": getattr(dag.timetable, "_expression", None) or str(dag.schedule), "params": sorted(dag.params.keys())}
    return {"importErrors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": dags}


def attempt(fn, *args):
    try:
        return {"value": fn(*args)}
    except Exception as e:  # the exception type is what Airflow's retry decision reads
        return {"exception": type(e).__name__, "failFast": type(e).__name__ == "AirflowFailException",
                "message": str(e)}


def decisions(path):
    m = load(path)
    codes = [0, 1, 2, 3, 4, 10, 50, 52, 75]
    return {
        "outcome": {str(c): m.outcome(c) for c in codes},
        "monitorOutcome": {str(c): m.outcome(c, (0, m.DRIFT_EXIT_CODE)) for c in codes},
        "retryCodes": sorted(m.RETRY_EXIT_CODES),
        "retrainBranch": {
            "fired": m.retrain_branch({"retrain": {"retrain": True}}, {}, True),
            "firedButTrainedFirst": m.retrain_branch({"retrain": {"retrain": True}}, {"job": "train"}, True),
            "firedButOff": m.retrain_branch({"retrain": {"retrain": True}}, {}, False),
            "notFired": m.retrain_branch({"retrain": {"retrain": False}}, {}, True),
        },
        "rescoreBranch": {"promoted": m.rescore_branch({"champion": True}),
                          "notPromoted": m.rescore_branch({"champion": False})},
        "maintainBranch": {"due": m.maintain_branch({"stagesRun": ["preprocess", "score", "monitor", "maintain"]}),
                           "notDue": m.maintain_branch({"stagesRun": ["preprocess", "score", "monitor"]})},
        "verdict": {
            "ok": attempt(m.night_result, {"score": {"job": "score"}, "monitor": {"job": "monitor", "status": "ok"}}),
            "drift": attempt(m.night_result, {"monitor": {"job": "monitor", "status": "drift",
                                                          "breaches": ["class_mix_psi"]}}),
            "driftThenRemonitorOk": attempt(m.night_result, {
                "monitor": {"job": "monitor", "status": "drift"}, "retrain": {"job": "train", "champion": True},
                "rescore": {"job": "score"}, "remonitor": {"job": "monitor", "status": "ok"}}),
        },
    }


def run(m, stage, args):
    op = m.CatalogMlStageOperator(task_id="check", stage=stage, job_args=args,
                                  ok_exit_codes=(0, m.DRIFT_EXIT_CODE) if stage == "monitor" else (0,))
    out = attempt(op.execute, {})
    out["exitCode"] = op._hook._submit_sp.returncode if op._hook and op._hook._submit_sp else None
    if "value" in out and stage == "nightly":
        out["trainBranch"] = m.train_branch(out["value"])
    return out


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "dag":
        out = {"dagbag": dagbag(os.path.dirname(path)), "decisions": decisions(path)}
    else:
        m = load(path)
        out = [run(m, spec[0], spec[1:]) for spec in json.loads(sys.argv[3])]
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
