"""Reads a Delta table that catalog-ml wrote with two readers other than catalog-ml's own Spark:
delta-rs (the `deltalake` package) and pyspark with the Delta jars given.

usage: read_table.py TABLE_LOCATION KEY_COLUMN [DELTA_JARS]
DELTA_JARS: comma-separated jar paths (delta-spark, delta-storage); without it pyspark is not tried.
Prints one JSON object: for each reader its table version (delta-rs), row count, distinct keys,
column names and a digest of the rows sorted by key, so the caller can compare both with Spark's view.
For a table of predictions delta-rs also gives each key's predicted label and probability, for a comparison
that allows for the float rounding of a different minibatch.
"""
import hashlib
import json
import os
import sys


def digest(rows):
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(r, sort_keys=True, default=str).encode("utf-8"))
    return h.hexdigest()


def with_delta_rs(location, key):
    from deltalake import DeltaTable
    t = DeltaTable(location)
    table = t.to_pyarrow_table().sort_by(key)
    rows = [{"key": r[key], "predicted_label": r.get("predicted_label"), "probability": r.get("probability")}
            for r in table.to_pylist()]
    out = {"version": t.version(), "rows": table.num_rows, "distinct": len({r["key"] for r in rows}),
           "columns": table.schema.names, "configuration": t.metadata().configuration, "digest": digest(rows)}
    if "probability" in table.schema.names:
        out["predictions"] = {str(r["key"]): [r["predicted_label"], r["probability"]] for r in rows}
    return out


def with_pyspark(location, key, jars):
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[1]").appName("read-back")
             .config("spark.jars", jars)
             .config("spark.ui.enabled", "false")
             .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
             .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
             .getOrCreate())
    try:
        df = spark.read.format("delta").load(location)
        rows = [{"key": r[key], "predicted_label": r["predicted_label"], "probability": r["probability"]}
                for r in df.orderBy(key).collect()]
        return {"rows": len(rows), "distinct": len({r["key"] for r in rows}), "columns": df.columns,
                "digest": digest(rows)}
    finally:
        spark.stop()


def main(location, key, jars=None):
    out = {"deltalake": with_delta_rs(location, key)}
    if jars:
        out["pyspark"] = with_pyspark(location, key, jars)
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
    # delta-rs's runtime threads can abort the interpreter's teardown ("terminate called without an active
    # exception", exit 134, delta-io/delta-rs#2184) after the answer was printed: leave without it.
    sys.stdout.flush()
    os._exit(0)
