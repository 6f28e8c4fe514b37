"""Replays the probe's requests against a running FastAPI probe_app and writes the fixture
TypedErrorsTest holds Lanes against. Usage: python capture_probe.py http://127.0.0.1:8012 OUT.json"""
import sys

from capture_items_contract import capture

OK = '{"name":"box","points":[{"x":1,"y":2}],"weight":1.5}'
H = {"Content-Type": "application/json", "X-Token": "t", "Cookie": "session=s1"}

STEPS = [
    ("valid, with defaults", "POST", "/probe/ABC", H, OK),
    ("valid, every query parameter", "POST", "/probe/ABC?n=-3&flag=yes&size=m", H,
     '{"name":"box","points":[],"size":"m","visible":"off","weight":"9.5"}'),
    ("missing header, cookie and body", "POST", "/probe/ABC", {"Content-Type": "application/json"}, None),
    ("string_pattern_mismatch in path, less_than and bool_parsing and enum in query", "POST",
     "/probe/abcd?n=5&flag=maybe&size=xl", H, OK),
    ("nested errors in the body", "POST", "/probe/ABC", H,
     '{"name":"Box","points":[{"x":"a"},5,{"x":1.5,"y":true}],"size":"l","visible":2,"weight":10}'),
    ("int_from_float and bool_type", "POST", "/probe/ABC", H,
     '{"name":"box","points":[{"x":1.0,"y":2.5}],"visible":[1],"weight":1}'),
]

if __name__ == "__main__":
    capture(sys.argv[1], STEPS, sys.argv[2])
