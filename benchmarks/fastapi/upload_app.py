"""FastAPI's side of benchmarks/upload.sh: PUT /upload reads the body with request.stream() as it
arrives and answers its length and SHA-256, as the Lanes demo's StreamedUploads does.
Run: uvicorn --app-dir benchmarks/fastapi upload_app:app --port 18121"""
import hashlib

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/plaintext", response_class=PlainTextResponse)
def plaintext():
    return "Hello, World!"


@app.put("/upload")
async def upload(request: Request):
    sha = hashlib.sha256()
    total = 0
    async for chunk in request.stream():
        sha.update(chunk)
        total += len(chunk)
    return {"bytes": total, "sha256": sha.hexdigest()}
