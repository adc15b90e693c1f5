#!/usr/bin/env bash
# Make a Prefect server ready for Seamline: work pools `cpu` and `gpu`, the global concurrency limit
# `gpu-generation` (one slot per GPU), then the deployments of infra/prefect.yaml. Safe to run again: it
# updates what exists. Run from anywhere with PREFECT_API_URL pointing at the server.
#
#   SEAMLINE_GPU_COUNT   GPUs in the gpu pool, the limit's size (default 1)
#   SEAMLINE_POOL_TYPE   process (workers in the Seamline images, default) or kubernetes (one pod per run,
#                        from the base job templates infra/k8s/cpu-pool.json and infra/k8s/gpu-pool.json)
#   SEAMLINE_GPU_LIMIT   the limit's name (default gpu-generation; workers read the same variable)
set -euo pipefail
cd "$(dirname "$0")/.."

: "${PREFECT_API_URL:?set PREFECT_API_URL to the API of the Prefect server, e.g. http://prefect-server:4200/api}"
export PREFECT_SERVER_EPHEMERAL_ENABLED=false  # never fall back to a temporary server of its own
gpus=${SEAMLINE_GPU_COUNT:-1}
pool_type=${SEAMLINE_POOL_TYPE:-process}
limit=${SEAMLINE_GPU_LIMIT:-gpu-generation}

case "$gpus" in ''|*[!0-9]*|0) echo "bootstrap: SEAMLINE_GPU_COUNT must be a whole number >= 1, not '$gpus'" >&2; exit 2 ;; esac
case "$pool_type" in process|kubernetes) ;; *) echo "bootstrap: SEAMLINE_POOL_TYPE must be process or kubernetes, not '$pool_type'" >&2; exit 2 ;; esac

for pool in cpu gpu; do
  args=(work-pool create "$pool" --type "$pool_type" --overwrite)
  [ "$pool_type" = kubernetes ] && args+=(--base-job-template "infra/k8s/$pool-pool.json")
  prefect --no-prompt "${args[@]}" >/dev/null
  echo "bootstrap: work pool $pool ($pool_type)"
done

if prefect --no-prompt gcl inspect "$limit" >/dev/null 2>&1; then
  prefect --no-prompt gcl update "$limit" --limit "$gpus" --enable >/dev/null
else
  prefect --no-prompt gcl create "$limit" --limit "$gpus" >/dev/null
fi
echo "bootstrap: global concurrency limit $limit = $gpus"

prefect --no-prompt deploy --all --prefect-file infra/prefect.yaml >/dev/null
echo "bootstrap: deployed design-sprint, generate-drafts, production-handoff from infra/prefect.yaml"
