"""Reads back with MLflow's own Python client what catalog-ml's Java side wrote, as JSON.

usage: read_back.py TRACKING_URI RUN_ID [MODEL_NAME]
TRACKING_URI is an http(s) server or a file:///.../mlruns store (used as registry URI too).
Prints one JSON object: status, experiment and its tags, the ids of the experiment's active runs,
run name, params, tags, metric histories as [step, value] pairs, artifact files (with the text of
small ones), and for MODEL_NAME its versions and aliases.
"""
import json
import os
import sys
import tempfile

import mlflow
from mlflow import MlflowClient


def artifact_files(client, run_id, path=None):
    files = []
    for f in client.list_artifacts(run_id, path):
        files.extend(artifact_files(client, run_id, f.path) if f.is_dir else [f.path])
    return sorted(files)


def main(uri, run_id, model=None):
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    run = client.get_run(run_id)
    metrics = {}
    for key in run.data.metrics:
        history = sorted(client.get_metric_history(run_id, key), key=lambda m: (m.step, m.timestamp))
        metrics[key] = [[m.step, m.value] for m in history]
    files = artifact_files(client, run_id)
    texts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            local = client.download_artifacts(run_id, f, tmp)
            if os.path.getsize(local) < 20000:
                with open(local, "rb") as fh:
                    texts[f] = fh.read().decode("utf-8", "replace")
    experiment = client.get_experiment(run.info.experiment_id)
    experiment_runs = sorted(r.info.run_id for r in client.search_runs([run.info.experiment_id]))
    out = {
        "status": run.info.status,
        "experiment": experiment.name,
        "experiment_tags": experiment.tags,
        "experiment_runs": experiment_runs,
        "run_name": run.info.run_name,
        "params": run.data.params,
        "tags": run.data.tags,
        "metrics": metrics,
        "artifacts": files,
        "texts": texts,
    }
    if model:
        registered = client.get_registered_model(model)
        versions = client.search_model_versions("name='%s'" % model)
        out["model"] = {
            "description": registered.description,
            "aliases": dict(registered.aliases),
            "versions": sorted(
                [{"version": str(v.version), "run_id": v.run_id, "source": v.source, "status": v.status}
                 for v in versions], key=lambda v: int(v["version"])),
        }
        alias_to_version = {a: client.get_model_version_by_alias(model, a).version for a in registered.aliases}
        out["model"]["resolved"] = {a: str(v) for a, v in alias_to_version.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
