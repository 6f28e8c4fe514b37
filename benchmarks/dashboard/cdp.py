#!/usr/bin/env python3
"""Drives a headless Chromium over the DevTools protocol (stdlib only: a minimal WebSocket client)
to check the live dashboard: loads URL, reads the lane numbers shown at two moments a second
apart, fails unless they changed, and saves a screenshot.
Usage: cdp.py DEVTOOLS_PORT DASHBOARD_URL SCREENSHOT.png"""
import base64, json, os, socket, struct, sys, time, urllib.request

def ws_connect(url):
    rest = url.split("://", 1)[1]
    hostport, path = rest.split("/", 1)
    host, port = hostport.split(":")
    s = socket.create_connection((host, int(port)), timeout=20)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise SystemExit("websocket handshake failed: " + head.decode(errors="replace"))
    return s

def ws_send(s, text):
    data = text.encode()
    hdr = bytearray([0x81])
    n = len(data)
    if n < 126:
        hdr.append(0x80 | n)
    elif n < 65536:
        hdr.append(0x80 | 126); hdr += struct.pack(">H", n)
    else:
        hdr.append(0x80 | 127); hdr += struct.pack(">Q", n)
    mask = os.urandom(4)
    hdr += mask
    s.sendall(bytes(hdr) + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

def read_exact(s, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise SystemExit("devtools connection closed")
        buf += chunk
    return bytes(buf)

def ws_recv(s):
    message = bytearray()
    while True:
        b0, b1 = read_exact(s, 2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", read_exact(s, 2))[0]
        elif n == 127:
            n = struct.unpack(">Q", read_exact(s, 8))[0]
        message += read_exact(s, n)
        if b0 & 0x80:
            return message.decode()

class Page:
    def __init__(self, ws_url):
        self.s = ws_connect(ws_url)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        ws_send(self.s, json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(ws_recv(self.s))
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise SystemExit(f"{method} failed: {msg['error']}")
                return msg["result"]

    def eval(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return r["result"].get("value")

READ = """JSON.stringify([...document.querySelectorAll('#lanes tr')].map(tr => ({
  lane: tr.dataset.lane,
  ...Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map(td => [td.dataset.field, td.textContent]))
})).concat([{status: document.getElementById('status').textContent}]))"""

def main():
    port, url, shot = sys.argv[1], sys.argv[2], sys.argv[3]
    deadline = time.time() + 15
    while True:
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2))
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                break
        except OSError:
            pass
        if time.time() > deadline:
            raise SystemExit("chromium devtools did not come up")
        time.sleep(0.2)
    page = Page(pages[0]["webSocketDebuggerUrl"])
    page.call("Emulation.setDeviceMetricsOverride", width=1320, height=430, deviceScaleFactor=1, mobile=False)
    page.call("Page.enable")
    page.call("Page.navigate", url=url)
    for _ in range(100):  # until the first snapshot has been drawn
        if page.eval("document.querySelectorAll('#lanes tr').length") and page.eval("document.getElementById('status').className") == "live":
            break
        time.sleep(0.1)
    time.sleep(1.0)
    first = json.loads(page.eval(READ))
    time.sleep(1.0)
    second = json.loads(page.eval(READ))
    print("first: ", json.dumps(first))
    print("second:", json.dumps(second))
    lanes_first = [r for r in first if "lane" in r]
    lanes_second = [r for r in second if "lane" in r]
    if not lanes_first:
        raise SystemExit("FAIL: the dashboard shows no lanes")
    if lanes_first == lanes_second:
        raise SystemExit("FAIL: the numbers on the dashboard did not change under load")
    changed = sorted({f"{a['lane']}.{k}" for a, b in zip(lanes_first, lanes_second) for k in a if a[k] != b.get(k)})
    print("PASS: numbers changed:", ", ".join(changed))
    time.sleep(float(os.environ.get("SHOT_DELAY", "2.5")))  # let the sparklines fill a little
    # The whole page, however many lanes, columns and sections it has grown: a fixed 1320x430
    # viewport cut off lanes, the legend and the sparkline column once the demo had more of them.
    page.call("Emulation.setScrollbarsHidden", hidden=True)
    for _ in range(2):  # a wider viewport can reflow the page to another height
        w, h = page.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        page.call("Emulation.setDeviceMetricsOverride", width=max(1320, w + 32), height=max(430, h),
                  deviceScaleFactor=1, mobile=False)
        time.sleep(0.3)
    png = page.call("Page.captureScreenshot", format="png")["data"]
    with open(shot, "wb") as f:
        f.write(base64.b64decode(png))
    print("screenshot:", shot)

main()
