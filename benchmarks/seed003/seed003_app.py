"""Seed 003's Celery side: a FastAPI app whose endpoint enqueues a 1 s task on a Redis broker, and
the task, which counts its completions in Redis so the benchmark can tell when all are done."""
import os
import time

import redis
from celery import Celery
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

BROKER = os.environ.get("SEED003_REDIS", "redis://127.0.0.1:6379/11")
celery = Celery("seed003", broker=BROKER, backend=BROKER)
if os.environ.get("SEED003_ACKS_LATE") == "1":
    celery.conf.task_acks_late = True
    celery.conf.task_reject_on_worker_lost = True
    celery.conf.broker_transport_options = {"visibility_timeout": 20}
counter = redis.Redis.from_url(BROKER)


@celery.task
def cpu_bound(x, seconds=1):
    time.sleep(seconds)  # 1 s as the seed; 0 s for the benchmark's warm-up
    # the count, and when the last task finished (the benchmark's completion time)
    counter.pipeline().incr("seed003:done").set("seed003:last", repr(time.time())).execute()
    return f"cpu_bound {x}"


app = FastAPI()


@app.post("/tasks/sleep")
async def enqueue(seconds: float = 1):
    r = cpu_bound.delay(0, seconds)  # as the seed: the broker call runs on the event loop
    return {"id": r.id}


@app.get("/plaintext")
async def plaintext():
    return PlainTextResponse("Hello, World!")
