"""Replays the "items" contract's request sequence against a running FastAPI items_app and
writes what it answered (status and JSON body of each step) as the fixture ItemsApiTest holds
Lanes against. Usage: python capture_items_contract.py http://127.0.0.1:8011 OUT.json
The server must be fresh (ids start at 1)."""
import http.client
import json
import sys
from urllib.parse import urlparse

KEY = {"X-API-Key": "secret"}
JSON = {"X-API-Key": "secret", "Content-Type": "application/json"}

STEPS = [
    # name, method, path, headers, body
    ("no key", "GET", "/items", {}, None),
    ("wrong key", "GET", "/items", {"X-API-Key": "nope"}, None),
    ("create", "POST", "/items", JSON, '{"name":"hammer","price":9.5,"tags":["a","b"]}'),
    ("create all fields", "POST", "/items", JSON,
     '{"name":"chess","price":20,"tags":["b"],"category":"games","description":"wooden"}'),
    ("create, price from a numeric string, extra field ignored", "POST", "/items", JSON,
     '{"name":"saw","price":"2.5","zzz":1}'),
    ("read", "GET", "/items/1", KEY, None),
    ("read missing item", "GET", "/items/99", KEY, None),
    ("int_parsing in path", "GET", "/items/abc", KEY, None),
    ("int_parsing of a fraction in path", "GET", "/items/1.5", KEY, None),
    ("greater_than_equal in path", "GET", "/items/0", KEY, None),
    ("list", "GET", "/items", KEY, None),
    ("list by tag", "GET", "/items?tag=b", KEY, None),
    ("list by two tags", "GET", "/items?tag=a&tag=b", KEY, None),
    ("list by q, limit and offset", "GET", "/items?q=a&limit=1&offset=1", KEY, None),
    ("repeated scalar query takes the last", "GET", "/items?limit=1000&limit=1", KEY, None),
    ("integer query with sign, spaces and .0", "GET", "/items?limit=%2B2&offset=%200.0", KEY, None),
    ("greater_than_equal and string_too_long in query", "GET",
     "/items?limit=0&offset=-1&q=aaaaaaaaaaaaaaaaaaaaaaaaa", KEY, None),
    ("int_parsing in query", "GET", "/items?limit=abc&offset=1.5", KEY, None),
    ("less_than_equal in query", "GET", "/items?limit=101", KEY, None),
    ("int_parsing of an empty query value", "GET", "/items?offset=", KEY, None),
    ("missing body field", "POST", "/items", JSON, '{"price":9.5}'),
    ("string_type", "POST", "/items", JSON, '{"name":5,"price":9.5}'),
    ("string_type for null", "POST", "/items", JSON, '{"name":null,"price":1}'),
    ("list_type", "POST", "/items", JSON, '{"name":"x","price":9.5,"tags":"abc"}'),
    ("string_type in a list", "POST", "/items", JSON, '{"name":"x","price":9.5,"tags":[1,2]}'),
    ("float_parsing", "POST", "/items", JSON, '{"name":"x","price":"abc"}'),
    ("float_type", "POST", "/items", JSON, '{"name":{"a":1},"price":[1]}'),
    ("finite_number", "POST", "/items", JSON, '{"name":"x","price":"inf"}'),
    ("model_attributes_type", "POST", "/items", JSON, '[1,2]'),
    ("model_attributes_type for a non-JSON body", "POST", "/items",
     {"X-API-Key": "secret", "Content-Type": "text/plain"}, '{"name":"x","price":1}'),
    ("json_invalid: expecting value", "POST", "/items", JSON, '{"name":'),
    ("json_invalid: property name", "POST", "/items", JSON, '{name:1}'),
    ("json_invalid: extra data", "POST", "/items", JSON, '{"name":"x","price":1} x'),
    ("json_invalid: whitespace only", "POST", "/items", JSON, '   '),
    ("json_invalid: delimiter", "POST", "/items", JSON, '{"name":"x" "price":1}'),
    ("json_invalid: unterminated string", "POST", "/items", JSON, '{"name":"x'),
    ("missing body", "POST", "/items", JSON, None),
    ("string_too_short and greater_than", "POST", "/items", JSON, '{"name":"","price":0}'),
    ("string_too_long, greater_than and enum", "POST", "/items", JSON,
     '{"name":"' + "a" * 51 + '","price":-1,"category":"food"}'),
    ("enum for a number, description too long", "POST", "/items", JSON,
     '{"name":"x","price":1,"category":5,"description":"' + "d" * 301 + '"}'),
    ("string_type nested in a list and for a nullable field", "POST", "/items", JSON,
     '{"name":"x","price":1,"tags":[[1]],"description":5}'),
    ("errors of path and body together", "PUT", "/items/abc", JSON, '{"price":-1}'),
    ("replace", "PUT", "/items/1", JSON, '{"name":"mallet","price":12,"tags":["a"],"category":"tools"}'),
    ("replace missing item", "PUT", "/items/99", JSON, '{"name":"x","price":1}'),
    ("delete", "DELETE", "/items/2", KEY, None),
    ("delete again", "DELETE", "/items/2", KEY, None),
    ("read deleted", "GET", "/items/2", KEY, None),
    ("list at the end", "GET", "/items", KEY, None),
]


def capture(url, steps, path_out):
    """Sends each step in order on a new connection; writes status and JSON body of each."""
    base = urlparse(url)
    out = []
    for name, method, path, headers, body in steps:
        conn = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
        conn.request(method, path, body=body.encode() if body is not None else None, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        conn.close()
        out.append({
            "name": name, "method": method, "path": path, "headers": headers, "body": body,
            "status": r.status,
            "response": json.loads(raw) if raw else None,
        })
    with open(path_out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    capture(sys.argv[1], STEPS, sys.argv[2])
