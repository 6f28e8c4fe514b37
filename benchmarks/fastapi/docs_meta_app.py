"""Descriptions, titles, examples and deprecation on parameters, body fields and models: the twin of
Lanes' DocAnnotationTest. Run: python docs_meta_app.py > docs-meta-openapi-fastapi.json"""
import json
from enum import Enum
from typing import Annotated, Optional

from fastapi import Body, Cookie, FastAPI, Form, Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field


class Color(str, Enum):
    """What an item looks like."""
    red = "red"
    blue = "blue"


class Tag(BaseModel):
    """A label an item is filed under."""
    model_config = ConfigDict(title="Label")
    name: str


class ItemIn(BaseModel):
    """An item to store."""
    name: str = Field(description="What it is called", title="Item name", examples=["hammer"])
    price: float = Field(description="In euros", examples=[9.5, 12])
    old_code: Optional[str] = Field(default=None, deprecated=True, description="Use name")
    tag: Tag = Field(description="Where it is filed")
    tags: list[Tag] = Field(default=[], title="Labels", examples=[[{"name": "tools"}]])


app = FastAPI()


@app.get("/items/{item_id}")
def read_item(
    item_id: Annotated[int, Path(description="The item's number", title="Item", examples=[42])],
    q: Annotated[Optional[str], Query(description="Text to search for", deprecated=True)] = None,
    limit: Annotated[int, Query(title="Limit", examples=[10, 20])] = 10,
    x_trace: Annotated[Optional[str], Header(description="A trace id")] = None,
    session: Annotated[Optional[str], Cookie(description="The session", examples=["abc"])] = None,
    color: Annotated[Color, Query(description="Which color")] = Color.red,
):
    return {}


@app.post("/items")
def create_item(item: ItemIn):
    return item


@app.post("/login")
def login(username: Annotated[str, Form(description="Who logs in", examples=["ada"], deprecated=True)],
          password: Annotated[str, Form(title="Secret")]):
    return {}


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
