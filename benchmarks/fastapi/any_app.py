"""Any JSON value (pydantic's Any, dict[str, Any], list[Any]) in bodies, models and results: the
twin of Lanes' TypedAnyTest. Run: python any_app.py (prints the requests' answers and the document)."""
import json
from typing import Annotated, Any, Optional

from fastapi import Body, FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel


class Event(BaseModel):
    name: str
    payload: Any
    meta: dict[str, Any]
    raw: Any
    tags: list[Any]
    note: Optional[Any] = None


app = FastAPI(title="Any")


@app.post("/events")
def events(event: Event) -> list[str]:
    return []


@app.post("/raw")
def raw(data: dict[str, Any]) -> dict[str, Any]:
    return data


@app.post("/tree")
def tree(value: Any = Body()) -> Any:
    return value


@app.post("/object")
def object(value: Any = Body()):
    return value


@app.post("/values")
def values(values: list[Any]) -> list[Any]:
    return values


@app.get("/text")
def text(q: Annotated[Any, Query()]) -> list[Any]:
    return [q]


if __name__ == "__main__":
    client = TestClient(app)
    for path, body in [
        ("/events", '{"name":"a","meta":{},"raw":1,"tags":[]}'),
        ("/events", '{"name":"a","payload":1,"meta":[1],"raw":1,"tags":{"a":1}}'),
        ("/raw", '[1]'), ("/raw", 'null'), ("/raw", '"x"'),
        ("/tree", 'null'), ("/object", ''), ("/values", '{"a":1}'),
    ]:
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        print(path, body, r.status_code, r.text)
    for url in ["/text?q=5", "/text"]:
        r = client.get(url)
        print(url, r.status_code, r.text)
    print(json.dumps(app.openapi(), indent=2))
