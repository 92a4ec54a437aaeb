#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host as a Spark ResourceInformation JSON,
#   {"name": "gpu", "addresses": ["0","1"]}
# Spark runs it on every executor (and worker) that asks for GPUs, through
#   spark.executor.resource.gpu.discoveryScript=<path to this file on the executor hosts>
#   spark.worker.resource.gpu.discoveryScript (standalone workers)
# The addresses are nvidia-smi's GPU indexes. Exits 1 with a message on stderr, and prints
# nothing on stdout, when nvidia-smi is missing, fails, or finds no GPU.
# See docs/GPU.md.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found on PATH of $(hostname 2>/dev/null || echo this host);" \
       "install the NVIDIA driver on the executor hosts, or do not request spark.*.resource.gpu.* here." >&2
  exit 1
fi

if ! indexes="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "getGpusResources.sh: 'nvidia-smi --query-gpu=index --format=csv,noheader' failed: $indexes" >&2
  exit 1
fi

addresses=()
while IFS= read -r line; do
  line="${line//[[:space:]]/}"
  [[ -z "$line" ]] && continue
  if [[ ! "$line" =~ ^[0-9]+$ ]]; then
    echo "getGpusResources.sh: unexpected nvidia-smi output line '$line' (expected a GPU index)" >&2
    exit 1
  fi
  addresses+=("\"$line\"")
done <<< "$indexes"

if (( ${#addresses[@]} == 0 )); then
  echo "getGpusResources.sh: nvidia-smi lists no GPU on $(hostname 2>/dev/null || echo this host)" >&2
  exit 1
fi

joined="$(IFS=,; echo "${addresses[*]}")"
echo "{\"name\": \"gpu\", \"addresses\": [${joined}]}"
