#!/usr/bin/env python3
"""The end of a catalog-ml driver that spark-submit ran in cluster deploy mode on a standalone master.

spark-submit alone cannot tell a scheduler how such a job ended: without
spark.standalone.submit.waitAppCompletion it returns as soon as the driver is submitted, and with it
it waits, then exits 0 whatever the driver's final state (FINISHED, FAILED, ERROR or KILLED). The job's
result (its JSON line) is in the driver's stdout on the worker that ran it. This script asks the
master's web UI (its /json/ status) for the driver's final state and the worker's web UI (/log/) for
the last line of the driver's stdout, prints that line, and exits with the job's own exit code (the
line's "exitCode"). A driver that ended without a result line gets a failure line from here and exit 1.

  standalone_driver.py MASTER_UI DRIVER_ID JOB    e.g. http://127.0.0.1:8080 driver-20261204165439-0000 nightly

Only the Python standard library is used; every request is bounded by a timeout.
"""
import json
import sys
import time
import urllib.parse
import urllib.request

FINAL = {"FINISHED", "FAILED", "ERROR", "KILLED"}
# How long to wait for the master to report a final state after spark-submit returned (seconds);
# spark-submit returns when it has seen one, so this only covers a master that answers late.
SETTLE_SECONDS = 60


def get(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8", errors="replace")


def driver_status(master_ui, driver_id):
    """(driver entry or None, master status) from the master's /json/ page."""
    status = json.loads(get(master_ui.rstrip("/") + "/json/"))
    for entry in status.get("activedrivers", []) + status.get("completeddrivers", []):
        if entry.get("id") == driver_id:
            return entry, status
    return None, status


def last_result_line(worker_ui, driver_id):
    """The last JSON object line of the driver's stdout, or None."""
    query = urllib.parse.urlencode({"driverId": driver_id, "logType": "stdout"})
    text = get(worker_ui.rstrip("/") + "/log/?" + query)
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line), line
            except ValueError:
                continue
    return None, None


def failure(job, code, message):
    return json.dumps({"job": job, "status": "failed", "error": code, "message": message, "exitCode": 1},
                      sort_keys=True)


def main(argv):
    if len(argv) != 4:
        print("usage: standalone_driver.py MASTER_UI DRIVER_ID JOB", file=sys.stderr)
        return 2
    master_ui, driver_id, job = argv[1], argv[2], argv[3]
    deadline = time.monotonic() + SETTLE_SECONDS
    entry = None
    while True:
        try:
            entry, status = driver_status(master_ui, driver_id)
        except (OSError, ValueError) as e:
            print(failure(job, "cluster.master-ui-unreachable",
                          f"Cannot tell how driver {driver_id} ended: the master's web UI {master_ui} did not answer "
                          f"({e}). Set CATALOG_ML_MASTER_UI to the master's web UI address (http://HOST:PORT, "
                          f"spark.master.ui.port, default 8080) and read the driver's log on its worker."))
            return 1
        if entry is not None and entry.get("state") in FINAL:
            break
        if time.monotonic() > deadline:
            state = entry.get("state") if entry else "unknown to the master"
            print(failure(job, "cluster.driver-state",
                          f"Driver {driver_id} has not ended ({state}) although spark-submit returned. "
                          f"See the master's web UI {master_ui}."))
            return 1
        time.sleep(1)

    state = entry["state"]
    workers = {w.get("id"): w for w in status.get("workers", [])}
    worker = workers.get(entry.get("worker"), {})
    worker_ui = worker.get("webuiaddress")
    result, line = (None, None)
    if worker_ui:
        try:
            result, line = last_result_line(worker_ui, driver_id)
        except (OSError, ValueError) as e:
            print(f"catalog-ml submit: could not read driver {driver_id}'s stdout from {worker_ui}: {e}", file=sys.stderr)
    print(f"catalog-ml submit: driver {driver_id} ended {state} on {worker.get('host', '?')}", file=sys.stderr)
    if result is not None:
        print(line)
        code = result.get("exitCode")
        if isinstance(code, int) and 0 <= code <= 255:
            # A driver that printed a result but was killed afterwards is still a failure.
            return code if (state == "FINISHED" or code != 0) else 1
        return 0 if state == "FINISHED" else 1
    where = f"{worker_ui}/logPage/?driverId={driver_id}&logType=stderr" if worker_ui else f"the master's web UI {master_ui}"
    print(failure(job, "cluster.driver-failed",
                  f"Driver {driver_id} ended {state} without a result line (it may not have started: a jar or "
                  f"configuration path the worker cannot read, or too little memory). Read its log: {where}"))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
