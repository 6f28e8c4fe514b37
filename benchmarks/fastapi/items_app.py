"""The "items" contract in FastAPI: the peer Lanes' typed layer is held against (requests, 422
bodies, OpenAPI document) and benchmarked against. Run: uvicorn items_app:app --port 8011."""
import os
from enum import Enum
from typing import Annotated, List, Optional

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Response, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

API_KEY = os.environ.get("API_KEY", "secret")


class Category(str, Enum):
    tools = "tools"
    books = "books"
    games = "games"


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=50, description="What the item is called", examples=["hammer"])
    price: float = Field(gt=0, allow_inf_nan=False, description="In euros", examples=[9.5])
    tags: List[str] = []
    category: Category = Category.tools
    description: Optional[str] = Field(default=None, max_length=300)


class Item(BaseModel):
    id: int
    name: str
    price: float
    tags: List[str]
    category: Category
    description: Optional[str]


api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def api_key(key: Annotated[Optional[str], Security(api_key_header)]) -> str:
    if key != API_KEY:
        raise HTTPException(status_code=401, detail="Invalid API key")
    return key


app = FastAPI(title="Items", servers=[{"url": "/"}])
items: dict = {}
next_id = [1]


@app.get("/plaintext", include_in_schema=False)
def plaintext():
    return Response("Hello, World!", media_type="text/plain")


@app.post("/items", status_code=201, response_model=Item, dependencies=[Depends(api_key)])
def create_item(item: ItemIn):
    i = next_id[0]
    next_id[0] += 1
    items[i] = Item(id=i, **item.model_dump())
    return items[i]


@app.get("/items/{item_id}", response_model=Item, dependencies=[Depends(api_key)])
def read_item(item_id: Annotated[int, Path(ge=1, description="The item's id, as created", examples=[1])]):
    if item_id not in items:
        raise HTTPException(status_code=404, detail="Item not found")
    return items[item_id]


@app.get("/items", response_model=List[Item], dependencies=[Depends(api_key)])
def list_items(limit: Annotated[int, Query(ge=1, le=100, description="How many items to return at most")] = 10,
               offset: Annotated[int, Query(ge=0, description="How many items to skip first")] = 0,
               q: Annotated[Optional[str], Query(max_length=20, description="Text the item's name contains",
                                                 examples=["ham"])] = None,
               tag: Annotated[List[str], Query()] = []):
    found = [i for i in items.values()
             if (q is None or q in i.name) and all(t in i.tags for t in tag)]
    return found[offset:offset + limit]


@app.put("/items/{item_id}", response_model=Item, dependencies=[Depends(api_key)])
def replace_item(item_id: Annotated[int, Path(ge=1)], item: ItemIn):
    if item_id not in items:
        raise HTTPException(status_code=404, detail="Item not found")
    items[item_id] = Item(id=item_id, **item.model_dump())
    return items[item_id]


@app.delete("/items/{item_id}", status_code=204, dependencies=[Depends(api_key)])
def delete_item(item_id: Annotated[int, Path(ge=1)]):
    if items.pop(item_id, None) is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return Response(status_code=204)
