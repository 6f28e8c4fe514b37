"""Forms, uploads, OAuth2 password bearer, declared extra responses, Optional return and
operation metadata: the twin of Lanes' TypedFormsTest. Run: uvicorn forms_app:app --port 18211."""
from enum import Enum
from typing import Annotated, Any, List, Optional

from fastapi import Depends, FastAPI, File, Form, HTTPException, UploadFile
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, Field


class Role(str, Enum):
    user = "user"
    admin = "admin"


class Message(BaseModel):
    detail: str


class Login(BaseModel):
    username: str = Field(min_length=3)
    age: int
    tags: List[str] = []
    nick: Optional[str] = None


class Pet(BaseModel):
    id: int
    name: str


app = FastAPI(title="Forms")
oauth2 = OAuth2PasswordBearer(tokenUrl="token")


@app.post("/signup")
def signup(username: Annotated[str, Form(min_length=3, max_length=10)],
           age: Annotated[int, Form(ge=18)],
           role: Annotated[Role, Form()] = Role.user,
           newsletter: Annotated[bool, Form()] = False,
           tags: Annotated[List[str], Form()] = [],
           nickname: Annotated[Optional[str], Form(max_length=5)] = None) -> dict[str, Any]:
    return {"username": username, "age": age, "role": role, "newsletter": newsletter, "tags": tags,
            "nickname": nickname}


@app.post("/upload")
async def upload(file: UploadFile, note: Annotated[str, Form()]) -> dict[str, Any]:
    data = await file.read()
    return {"filename": file.filename, "content_type": file.content_type, "size": len(data), "note": note}


@app.post("/uploads")
async def uploads(files: List[UploadFile], extra: Optional[UploadFile] = None) -> dict[str, Any]:
    return {"names": [f.filename for f in files], "sizes": [len(await f.read()) for f in files],
            "extra": extra.filename if extra else None}


@app.post("/token")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, Any]:
    if form.password != "secret":
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    return {"access_token": form.username, "token_type": "bearer", "scopes": form.scopes,
            "grant_type": form.grant_type}


@app.post("/login")
def login(data: Annotated[Login, Form()]) -> dict[str, Any]:
    return data


@app.get("/me")
def me(token: Annotated[str, Depends(oauth2)]) -> dict[str, Any]:
    return {"token": token}


PETS = {1: Pet(id=1, name="rex")}


@app.get("/pets/{pet_id}", responses={404: {"model": Message, "description": "The pet was not found"}})
def read_pet(pet_id: int) -> Pet:
    if pet_id not in PETS:
        raise HTTPException(status_code=404, detail="Pet not found")
    return PETS[pet_id]


@app.get("/maybe/{pet_id}")
def maybe_pet(pet_id: int) -> Optional[Pet]:
    return PETS.get(pet_id)


@app.get("/old", summary="An old route", description="Use /pets instead.", deprecated=True)
def old() -> Message:
    return Message(detail="old")
