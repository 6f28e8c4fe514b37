#!/usr/bin/env bash
# Makes benchmarks/out/celery-venv (Celery, the Redis client, FastAPI, uvicorn from the machine's
# local wheel index) unless it is there; prints its path. Used by seed003.sh and tasks-latency.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=benchmarks/out/celery-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  # celery's CLI extras (click-didyoumean, click-repl) are not in the local wheel index; the
  # workers are started through Celery's Python API instead (seed003_worker.py, throughput_celery.py).
  "$VENV/bin/pip" install -q --retries 0 --no-deps celery >&2
  "$VENV/bin/pip" install -q --retries 0 kombu billiard vine python-dateutil tzlocal click click-plugins redis fastapi uvicorn >&2
fi
echo "$VENV"
