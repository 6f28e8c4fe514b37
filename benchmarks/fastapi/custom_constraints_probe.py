"""What FastAPI answers when a value fails a validator of its own (pydantic's AfterValidator, a
field_validator, a model_validator raising ValueError): the twin of Lanes' CustomConstraintTest,
whose custom Jakarta constraints (@Even, @Username, @Ordered on a record) report the same shape.
Run: python custom_constraints_probe.py (prints each request and its answer, then the schemas)."""
import json
from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import Body, FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import AfterValidator, BaseModel, Field, model_validator


def even(n: int) -> int:
    if n % 2 != 0:
        raise ValueError("must be even")  # @Even's message
    return n


def not_admin(s: str) -> str:
    if s == "admin":
        raise ValueError("is reserved")
    return s


Even = Annotated[int, AfterValidator(even)]
# @Username: @Size(min = 3) @Pattern(regexp = "^[a-z]+$") plus a validator of its own
Username = Annotated[str, Field(min_length=3, pattern="^[a-z]+$"), AfterValidator(not_admin)]


class Period(BaseModel):
    start: date
    end: date

    @model_validator(mode="after")
    def ordered(self):
        if not self.end > self.start:
            raise ValueError("end must be after start")
        return self


class DocPeriod(BaseModel):  # @Doc(description = ..., title = "Span") and @Ordered on one record
    """A span of days."""
    model_config = {"title": "Span"}
    start: date
    end: date

    @model_validator(mode="after")
    def ordered(self):
        if not self.end > self.start:
            raise ValueError("end must be after start")
        return self


class Booking(BaseModel):
    who: Username
    n: Even
    nums: list[Even] = []
    period: Period


class Color(str, Enum):
    RED = "RED"


def anything(v):
    return v


class Refs(BaseModel):  # @Checked (a validator of Object) on a record and an enum component
    period: Annotated[Period, AfterValidator(anything)]
    color: Annotated[Color, AfterValidator(anything)]


class DocRefs(BaseModel):  # @Checked and @Doc on one component: the doc beside the bare $ref
    period: Annotated[Period, AfterValidator(anything), Field(description="When", title="Span")]
    color: Annotated[Color, AfterValidator(anything), Field(description="Which", deprecated=True)]


app = FastAPI()


@app.get("/even")
def get_even(n: Annotated[Even, Query()]):
    return n


@app.post("/period")
def post_period(p: Period):
    return p


@app.post("/checked-period")  # @Body @Ordered Period: the check on the parameter
def post_checked_period(p: Annotated[Period, AfterValidator(anything)]):
    return p


@app.post("/doc-refs")
def post_doc_refs(r: DocRefs):
    return r.color


@app.post("/doc-checked-period")  # @Body @Ordered @Doc(description = "The period") Period
def post_doc_checked_period(p: Annotated[Period, AfterValidator(anything), Body(description="The period")]):
    return p


@app.post("/doc-period")
def post_doc_period(p: DocPeriod):
    return p


@app.post("/booking")
def post_booking(b: Booking):
    return b


@app.post("/refs")
def post_refs(r: Refs):
    return r.color


@app.get("/boom")
def boom(n: Annotated[int, AfterValidator(lambda n: 1 // 0)]):
    return n


STEPS = [
    ("GET", "/even?n=3", None),
    ("GET", "/even?n=4", None),
    ("POST", "/period", {"start": "2026-01-02", "end": "2026-01-01"}),
    ("POST", "/doc-period", {"start": "2026-01-02", "end": "2026-01-01"}),
    ("POST", "/booking", {"who": "ab", "n": 3, "nums": [2, 5],
                          "period": {"start": "2026-01-02", "end": "2026-01-01"}}),
    ("POST", "/booking", {"who": "admin", "n": 2, "period": {"start": "2026-01-01", "end": "2026-01-02"}}),
    ("POST", "/booking", {"who": "Bob", "n": 2, "period": {"start": "2026-01-01", "end": "2026-01-02"}}),
]

if __name__ == "__main__":
    with TestClient(app) as client:
        for method, url, body in STEPS:
            r = client.request(method, url, json=body)
            print(method, url, json.dumps(body) if body is not None else "")
            print(" ", r.status_code, r.text)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/boom?n=1")
        print("GET /boom?n=1 (a validator raising ZeroDivisionError)")
        print(" ", r.status_code, r.text)
    schemas = app.openapi()["components"]["schemas"]
    print(json.dumps({k: schemas[k] for k in ("Booking", "Period", "Refs", "DocRefs", "DocPeriod")}))
    print(json.dumps(app.openapi()["paths"]["/even"]["get"]["parameters"]))
    print(json.dumps(app.openapi()["paths"]["/checked-period"]["post"]["requestBody"]))
    print(json.dumps(app.openapi()["paths"]["/doc-checked-period"]["post"]["requestBody"]))
