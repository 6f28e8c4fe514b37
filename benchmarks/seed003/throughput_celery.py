"""Celery's side of benchmarks/tasks-latency.sh: N tasks of 1 ms, enqueued one after the other
from one thread with delay(), run by one worker process (prefork, concurrency 40, as Lanes' worker
lane of 40). Each task reports how long after its enqueue it started; the last one to finish sets
the end time. Redis db 12 is the broker, the result backend and the counters (it is flushed).

Usage: throughput_celery.py worker CONCURRENCY | throughput_celery.py drive N LABEL"""
import os
import sys
import time

import redis
from celery import Celery

BROKER = os.environ.get("THROUGHPUT_REDIS", "redis://127.0.0.1:6379/12")
celery = Celery("throughput", broker=BROKER, backend=BROKER)
counters = redis.Redis.from_url(BROKER)


@celery.task
def tiny(enqueued_at):
    counters.rpush("tp:late", time.time() - enqueued_at)  # enqueue-to-start, seconds
    time.sleep(0.001)
    counters.pipeline().incr("tp:done").set("tp:last", repr(time.time())).execute()


def drive(n, label):
    counters.delete("tp:late", "tp:done", "tp:last")
    start = time.time()
    for _ in range(n):
        tiny.delay(time.time())
    enqueued = time.time()
    while int(counters.get("tp:done") or 0) < n:
        if time.time() - start > 300:
            sys.exit(f"{label}: only {int(counters.get('tp:done') or 0)} of {n} done after 300 s")
        time.sleep(0.01)
    last = float(counters.get("tp:last"))
    late = sorted(float(x) * 1000 for x in counters.lrange("tp:late", 0, -1))
    # the same line format as TaskLatency's, for benchmarks/tasks-latency.sh
    print(f"{label} n={n} enqueue_s={enqueued - start:.3f} total_s={last - start:.3f} "
          f"p50_ms={late[len(late) // 2]:.1f} p99_ms={late[int(len(late) * 0.99)]:.1f} max_ms={late[-1]:.1f}")


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        celery.Worker(hostname="tp@throughput", concurrency=int(sys.argv[2]), loglevel="WARNING").start()
    else:
        drive(int(sys.argv[2]), sys.argv[3])
