"""Replays TypedFormsTest's requests against a running FastAPI forms_app and writes the fixture
(status and JSON body of each step). Usage: python capture_forms.py http://127.0.0.1:18211 OUT.json"""
import sys

from capture_items_contract import capture

URL = {"Content-Type": "application/x-www-form-urlencoded"}
B = "XyZb0und"
MP = {"Content-Type": "multipart/form-data; boundary=" + B}


def multipart(*parts):
    out = ""
    for name, filename, value in parts:
        out += "--" + B + "\r\n"
        if filename is None:
            out += 'Content-Disposition: form-data; name="%s"\r\n\r\n' % name
        else:
            out += 'Content-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: text/plain\r\n\r\n' % (
                name, filename)
        out += value + "\r\n"
    return out + "--" + B + "--\r\n"


STEPS = [
    ("signup, defaults", "POST", "/signup", URL, "username=bob&age=20"),
    ("signup, every field", "POST", "/signup", URL,
     "username=alice&age=%2B30&role=admin&newsletter=on&tags=a&tags=b&nickname=al"),
    ("signup, repeated scalar takes the last", "POST", "/signup", URL, "username=bob&username=carol&age=20"),
    ("signup as multipart", "POST", "/signup", MP, multipart(("username", None, "dave"), ("age", None, "18"))),
    ("signup, nothing", "POST", "/signup", URL, ""),
    ("signup, no body at all", "POST", "/signup", {}, None),
    ("signup, JSON instead of a form", "POST", "/signup", {"Content-Type": "application/json"},
     '{"username":"bob","age":20}'),
    ("signup, empty values count as missing or default", "POST", "/signup", URL,
     "username=&age=&role=&newsletter=&nickname="),
    ("signup, every error", "POST", "/signup", URL,
     "username=b&age=17&role=root&newsletter=maybe&nickname=toolong"),
    ("signup, int_parsing and string_too_long", "POST", "/signup", URL, "username=abcdefghijk&age=x"),
    ("upload", "POST", "/upload", MP, multipart(("file", "a.txt", "hello"), ("note", None, "n1"))),
    ("upload, missing file and note", "POST", "/upload", MP, multipart(("other", None, "x"))),
    ("upload, text instead of a file", "POST", "/upload", MP, multipart(("file", None, "plain"), ("note", None, "n"))),
    ("uploads, two files and an extra", "POST", "/uploads", MP,
     multipart(("files", "a.txt", "aa"), ("files", "b.txt", "bbb"), ("extra", "c.txt", "c"))),
    ("uploads, one file, no extra", "POST", "/uploads", MP, multipart(("files", "a.txt", "aa"))),
    ("uploads, none", "POST", "/uploads", MP, multipart(("x", None, "y"))),
    ("token", "POST", "/token", URL, "username=ann&password=secret&scope=read%20write"),
    ("token, grant_type password", "POST", "/token", URL, "grant_type=password&username=ann&password=secret"),
    ("token, wrong password", "POST", "/token", URL, "username=ann&password=nope"),
    ("token, wrong grant_type and no password", "POST", "/token", URL, "grant_type=code&username=ann"),
    ("form record", "POST", "/login", URL, "username=bob&age=3&extra=1&tags=x&tags=y"),
    ("form record, errors; missing input is the whole form", "POST", "/login", URL, "username=ab&tags=a&tags=b"),
    ("form record, nothing", "POST", "/login", URL, ""),
    ("form record, empty values are sent as they are", "POST", "/login", URL, "username=bob&age=&nick="),
    ("me without a token", "GET", "/me", {}, None),
    ("me with a basic header", "GET", "/me", {"Authorization": "Basic abc"}, None),
    ("me", "GET", "/me", {"Authorization": "Bearer tok1"}, None),
    ("pet", "GET", "/pets/1", {}, None),
    ("pet not found", "GET", "/pets/2", {}, None),
    ("maybe pet", "GET", "/maybe/1", {}, None),
    ("maybe pet, none", "GET", "/maybe/2", {}, None),
    ("old", "GET", "/old", {}, None),
]

if __name__ == "__main__":
    capture(sys.argv[1], STEPS, sys.argv[2])
