"""Route groups in FastAPI, the twin of lanes-testing's RouteGroupsTest app: APIRouters with a
prefix (a path parameter in one), tags, dependencies and responses, one included in another.
`python groups_app.py OUT.json` writes its OpenAPI document, then checks the order FastAPI runs
app, router and route dependencies in (and their cleanups) and prints it."""
import json
import sys
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.security import APIKeyHeader
from fastapi.testclient import TestClient
from pydantic import BaseModel


class Message(BaseModel):
    detail: str


class Item(BaseModel):
    id: int
    name: str


class Member(BaseModel):
    org_id: int
    member_id: int


api_key_header = APIKeyHeader(name="X-API-Key")  # no key: 401 Not authenticated


def valid_key(key: Annotated[str, Depends(api_key_header)]) -> None:
    if key != "secret":
        raise HTTPException(status_code=401, detail="Invalid API key")


items = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(valid_key)],
                  responses={404: {"model": Message, "description": "Item not found"}})


@items.get("")
def list_items() -> list[Item]:
    return [Item(id=1, name="Plumbus")]


@items.get("/{item_id}", tags=["one"])
def read_item(item_id: int) -> Item:
    if item_id != 1:
        raise HTTPException(status_code=404, detail="Item not found")
    return Item(id=1, name="Plumbus")


orgs = APIRouter(prefix="/orgs/{org_id}", tags=["orgs"])
members = APIRouter(prefix="/members", tags=["members"])


@members.get("/{member_id}")
def read_member(org_id: int, member_id: int) -> Member:
    return Member(org_id=org_id, member_id=member_id)


orgs.include_router(members)

app = FastAPI(title="Groups")


@app.get("/health")
def health() -> str:
    return "ok"


app.include_router(items)
app.include_router(orgs)


def order_events():
    """The order of app, outer router, inner router, route and parameter dependencies."""
    events = []

    def dep(name):
        def run():
            events.append("open " + name)
            yield
            events.append("close " + name)
        return run

    def param():
        events.append("open param")
        yield "p"
        events.append("close param")

    outer = APIRouter(prefix="/outer", dependencies=[Depends(dep("outer"))])
    inner = APIRouter(prefix="/inner", dependencies=[Depends(dep("inner"))])

    @inner.get("/x", dependencies=[Depends(dep("route"))])
    def x(p: Annotated[str, Depends(param)]):
        events.append("handler")
        return "ok"

    outer.include_router(inner)
    a = FastAPI(dependencies=[Depends(dep("app"))])
    a.include_router(outer)
    with TestClient(a) as c:
        assert c.get("/outer/inner/x").status_code == 200
    return events


if __name__ == "__main__":
    with open(sys.argv[1], "w") as f:
        json.dump(app.openapi(), f, indent=2)
    print(order_events())
