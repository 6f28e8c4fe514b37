"""Records nested in bodies and results, enums, Optional, lists and maps of records, defaults,
tags, summaries, operationIds and security schemes in one small app: the twin of Lanes'
OpenApiShapesTest. Run: python shapes_app.py > shapes-openapi-fastapi.json

The models require every field in what they write (json_schema_serialization_defaults_required),
as Lanes' schemas of written records do: Lanes writes every component. Without it FastAPI writes
one Thing (only "name" required) where this writes Thing-Input and Thing-Output (and so Box-*)."""
import json
from enum import Enum
from typing import Annotated, Optional

from fastapi import Depends, FastAPI, Query
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel as PydanticModel, ConfigDict, Field


class BaseModel(PydanticModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Color(str, Enum):
    red = "red"
    blue = "blue"


class Tag(BaseModel):
    name: str


class Item(BaseModel):
    item2id: int
    name: str
    tag: Tag
    tags: list[Tag]


class Thing(BaseModel):
    name: str = Field(description="What it is called")
    size: int = Field(default=1, description="How big")
    color: Color = Color.red
    note: Optional[str] = None
    tags: list[Tag] = []
    counts: dict[str, int] = {}
    by_name: dict[str, Tag] = {}
    best: Optional[Tag] = None


class Box(BaseModel):
    """Things in a box."""

    thing: Thing = Field(description="The main thing")
    things: list[Thing]
    maybe: Optional[Thing] = None


app = FastAPI(title="Shapes")
api_key = APIKeyHeader(name="X-API-Key")
bearer = HTTPBearer()


@app.post("/items")
def create_item(item: Item) -> Item:
    return item


@app.post("/things")
def create_thing(thing: Thing) -> Thing:
    return thing


@app.post("/boxes")
def create_box(box: Box) -> Box:
    return box


@app.get("/things")
def list_things() -> list[Thing]:
    return []


@app.get("/things/{thing_id}", tags=["things"], summary="One thing")
def read_thing(thing_id: int, q: Optional[str] = None, color: Color = Color.red, limit: int = 10,
               tags: Annotated[list[str], Query()] = [], key: str = Depends(api_key)) -> dict[str, Thing]:
    return {}


@app.get("/colors/{color}", operation_id="colorByName")
def color_by_name(color: Color, token: HTTPAuthorizationCredentials = Depends(bearer)) -> Optional[Color]:
    return color


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
