#!/usr/bin/env bash
# Runs a catalog-ml job for cron (jobs/schedule/crontab holds the lock around it):
#   jobs/schedule/cron-run.sh [spark-submit options --] JOB [job options]
# runs jobs/submit.sh with the same arguments, appends its log and its result line to files, and runs
# it again after a wait when it ended with an exit code that means "try again later" (README, Exit
# codes: 3, the MLflow tracking server cannot be reached; 75, a Delta write conflict outlived its
# retries). Any other code ends it at once.
# Environment: CATALOG_ML_LOG_DIR (default <root>/logs): catalog-ml-YYYY-MM-DD.log (stderr and stdout
# of every attempt) and results.jsonl (one result line per attempt); CATALOG_ML_ATTEMPTS (3);
# CATALOG_ML_RETRY_WAIT (seconds between attempts, 900). Prints nothing when the job ends well; on
# failure one line on stderr (cron mails it). Exits with the last attempt's code.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log_dir="${CATALOG_ML_LOG_DIR:-$root/logs}"
attempts="${CATALOG_ML_ATTEMPTS:-3}"
wait_seconds="${CATALOG_ML_RETRY_WAIT:-900}"
mkdir -p "$log_dir" || exit 1
log="$log_dir/catalog-ml-$(date -u +%F).log"
results="$log_dir/results.jsonl"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
attempt=0
while :; do
  attempt=$((attempt + 1))
  echo "=== catalog-ml: attempt $attempt of $attempts, $(date -u +%FT%TZ)" >>"$log"
  "$root/jobs/submit.sh" "$@" >"$out" 2>>"$log"
  code=$?
  cat "$out" >>"$log"
  result="$(grep '^{' "$out" | tail -n 1)"
  [[ -n "$result" ]] && echo "$result" >>"$results"
  echo "=== catalog-ml: attempt $attempt exited $code" >>"$log"
  if [[ $code -eq 0 ]]; then
    exit 0
  fi
  if [[ $code -ne 3 && $code -ne 75 ]] || (( attempt >= attempts )); then
    break
  fi
  sleep "$wait_seconds"
done
job="$(sed -n 's/.*"job":"\([^"]*\)".*/\1/p' <<<"$result")"
error="$(sed -n 's/.*"error":"\([^"]*\)".*/\1/p' <<<"$result")"
echo "catalog-ml ${job:-job}: exit $code${error:+ ($error)} after $attempt attempt(s); see $log" >&2
exit "$code"
