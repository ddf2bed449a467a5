"""A local stand-in for the WeCom / DingTalk / Feishu group robots: a real HTTP server that records every request,
checks signatures the way each platform documents them (implemented here on its own, not with the code under test),
answers in the platform's format, and fails on purpose when told to (``fail_next`` answers, or ``down``)."""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    robot: str
    query: dict
    body: dict
    signature_ok: bool | None  # None: the robot has no secret


@dataclass
class RobotState:
    secrets: dict = field(default_factory=dict)  # robot ("wecom" | "dingtalk" | "feishu") -> signing secret
    received: list = field(default_factory=list)
    fail_next: list = field(default_factory=list)  # HTTP status codes to answer with, one per request


def _dingtalk_ok(secret: str, query: dict) -> bool:
    timestamp = query.get("timestamp", "")
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 3600 * 1000
    return fresh and hmac.compare_digest(query.get("sign", ""), expected)


def _feishu_ok(secret: str, body: dict) -> bool:
    timestamp = str(body.get("timestamp", ""))
    expected = base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 3600
    return fresh and hmac.compare_digest(str(body.get("sign", "")), expected)


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def _answer(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        state: RobotState = self.server.state
        url = urllib.parse.urlsplit(self.path)
        robot = url.path.strip("/").split("/")[0]
        query = dict(urllib.parse.parse_qsl(url.query))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        secret = state.secrets.get(robot)
        signature_ok = None
        if secret and robot == "dingtalk":
            signature_ok = _dingtalk_ok(secret, query)
        elif secret and robot == "feishu":
            signature_ok = _feishu_ok(secret, body)
        state.received.append(Received(robot, query, body, signature_ok))
        if state.fail_next:
            self._answer(state.fail_next.pop(0), {"errcode": -1, "errmsg": "system busy"})
        elif signature_ok is False and robot == "dingtalk":
            self._answer(200, {"errcode": 310000, "errmsg": "sign not match"})
        elif signature_ok is False:
            self._answer(200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
        elif robot == "feishu":
            self._answer(200, {"code": 0, "msg": "success", "data": {}})
        else:
            self._answer(200, {"errcode": 0, "errmsg": "ok"})


@contextmanager
def robot_server(**secrets):
    """``with robot_server(dingtalk="SEC…", feishu="…") as (base_url, state):`` robots at ``{base_url}/wecom/…``,
    ``{base_url}/dingtalk/…`` and ``{base_url}/feishu/…``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.state = RobotState(secrets=dict(secrets))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.state
    finally:
        server.shutdown()
        server.server_close()
