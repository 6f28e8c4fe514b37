"""Error types and parameter sources the items contract does not reach (pattern, less_than,
booleans, enums and headers/cookies as parameters, nested records), for the fixture
TypedErrorsTest holds Lanes against. Run: uvicorn probe_app:app --port 8012."""
from enum import Enum
from typing import Annotated, List

from fastapi import Cookie, FastAPI, Header, Path, Query
from pydantic import BaseModel, Field


class Size(str, Enum):
    s = "s"
    m = "m"


class Point(BaseModel):
    x: int
    y: int


class ShapeIn(BaseModel):
    name: str = Field(pattern="^[a-z]+$")
    points: List[Point]
    size: Size = Size.s
    visible: bool = True
    weight: float = Field(lt=10)


app = FastAPI(title="Probe")


@app.post("/probe/{code}")
def probe(code: Annotated[str, Path(pattern="^[A-Z]{3}$")],
          shape: ShapeIn,
          x_token: Annotated[str, Header()],
          session: Annotated[str, Cookie()],
          n: Annotated[int, Query(lt=5)] = 0,
          flag: bool = False,
          size: Size = Size.s):
    return {"code": code, "n": n, "flag": flag, "size": size, "token": x_token, "session": session,
            "shape": shape}
