"""Body parameters of dependencies beside the handler's: FastAPI embeds every body parameter of a
route under its name once the route has more than one name. The twin of Lanes' DependencyBodyTest.
Run: python dependency_body_app.py (prints the answers to the test's requests)."""
import json
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel


class Item(BaseModel):
    name: str
    price: float


class User(BaseModel):
    username: str


def audit(note: Annotated[str, Body()]) -> str:
    return note


def owner(user: User, importance: Annotated[int, Body()] = 1) -> list[Any]:
    return [user.username, importance]


def solo(item: Item) -> Item:
    return item


app = FastAPI(title="Dependency bodies")


@app.post("/mixed")
def mixed(item: Item, note: Annotated[str, Depends(audit)]) -> list[Any]:
    return [item.name, note]


@app.post("/deep")
def deep(item: Item, who: Annotated[list[Any], Depends(owner)]) -> list[Any]:
    return [item.name] + who


@app.post("/alone")
def alone(item: Annotated[Item, Depends(solo)]) -> str:
    return item.name


@app.post("/same")
def same(item: Item, other: Annotated[Item, Depends(solo)]) -> list[Any]:
    return [item.name, other.name]


STEPS = [
    ("/mixed", '{"item":{"name":"a","price":1},"note":"hi"}'),
    ("/mixed", '{"name":"a","price":1}'),
    ("/mixed", '{"item":{"name":5},"note":3}'),
    ("/mixed", '[1]'),
    ("/mixed", 'null'),
    ("/mixed", ''),
    ("/deep", '{"item":{"name":"a","price":1},"user":{"username":"u"}}'),
    ("/deep", '{"item":{"name":"a","price":1},"user":{"username":"u"},"importance":"x"}'),
    ("/deep", '{}'),
    ("/alone", '{"name":"a","price":1}'),
    ("/alone", '{"item":{"name":"a","price":1}}'),
    ("/same", '{"name":"a","price":1}'),
    ("/same", '{"name":"a"}'),
]

if __name__ == "__main__":
    client = TestClient(app)
    for path, body in STEPS:
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        print(path, body, r.status_code, r.text)
