"""OAuth2 scopes in FastAPI, the twin of lanes-testing's ScopesTest app: scopes required by a
router (`dependencies=[Security(..., scopes=[...])]`), by a route's dependency parameter and by a
dependency's own parameter, checked by one dependency that takes `SecurityScopes`.
`python scopes_app.py OUT.json` writes its OpenAPI document, then prints what each token gets
from each route (status and WWW-Authenticate)."""
import json
import sys
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from fastapi.testclient import TestClient
from pydantic import BaseModel

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={"me": "Read information about the current user.", "items": "Read items.",
            "items:write": "Create items."},
)

# token -> the scopes it was granted
TOKENS = {"alice": ["me", "items", "items:write"], "bob": ["me", "items"], "carol": ["me"]}


class User(BaseModel):
    username: str


class Item(BaseModel):
    name: str


def current_user(security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]) -> User:
    challenge = f'Bearer scope="{security_scopes.scope_str}"' if security_scopes.scopes else "Bearer"
    granted = TOKENS.get(token)
    if granted is None:
        raise HTTPException(401, "Could not validate credentials", headers={"WWW-Authenticate": challenge})
    for scope in security_scopes.scopes:
        if scope not in granted:
            raise HTTPException(401, "Not enough permissions", headers={"WWW-Authenticate": challenge})
    return User(username=token)


def active_user(user: Annotated[User, Security(current_user, scopes=["me"])]) -> User:
    return user


items = APIRouter(prefix="/items", tags=["items"], dependencies=[Security(current_user, scopes=["items"])])


@items.get("")
def read_items(user: Annotated[User, Security(active_user)]) -> list[Item]:
    return [Item(name="plumbus")]


@items.post("", status_code=201)
def create_item(item: Item, user: Annotated[User, Security(active_user, scopes=["items:write"])]) -> Item:
    return item


app = FastAPI(title="Scopes")


@app.get("/users/me")
def read_me(user: Annotated[User, Security(active_user)]) -> User:
    return user


@app.get("/status")
def read_status(user: Annotated[User, Depends(current_user)]) -> str:
    return "ok"


app.include_router(items)

if __name__ == "__main__":
    with open(sys.argv[1], "w") as f:
        json.dump(app.openapi(), f, indent=2)
    c = TestClient(app)
    for method, path, body in [("GET", "/items", None), ("POST", "/items", {"name": "x"}),
                               ("GET", "/users/me", None), ("GET", "/status", None)]:
        for token in [None, "nobody", "carol", "bob", "alice"]:
            headers = {"Authorization": "Bearer " + token} if token else {}
            r = c.request(method, path, json=body, headers=headers)
            print(method, path, token, r.status_code, r.headers.get("www-authenticate"), r.text)
