"""A Celery worker started without Celery's CLI (two of its CLI dependencies are not in this
machine's wheel index): the same WorkController the `celery worker` command builds.
Usage: seed003_worker.py NAME CONCURRENCY [POOL]"""
import sys

from seed003_app import celery

name, concurrency = sys.argv[1], int(sys.argv[2])
pool = sys.argv[3] if len(sys.argv) > 3 else "prefork"
celery.Worker(hostname=name, concurrency=concurrency, pool_cls=pool, loglevel="WARNING").start()
