"""Each group robot's documented request: message format, signature and how it says "accepted".

* WeCom (企业微信群机器人): POST the webhook URL with ``{"msgtype": "markdown", "markdown": {"content": …}}``; no
  signature (the URL's key is the secret); it answers ``{"errcode": 0, "errmsg": "ok"}``.
* DingTalk (钉钉自定义机器人, 加签): ``timestamp`` in milliseconds and ``sign`` = URL-encoded
  Base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")) appended to the URL's query; body
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``; it answers ``{"errcode": 0, …}``.
* Feishu (飞书自定义机器人, 签名校验): ``timestamp`` in seconds and ``sign`` = Base64(HMAC-SHA256(key="{timestamp}\\n
  {secret}", msg="")) in the body, with ``{"msg_type": "text", "content": {"text": …}}``; it answers
  ``{"code": 0, …}`` (older robots ``{"StatusCode": 0, …}``).
A robot may answer HTTP 200 with an error code in the body: that is a failure too.
"""

import base64
import hashlib
import hmac
import json
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class RobotRequest:
    url: str
    body: bytes
    headers: dict


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def robot_request(kind: str, url: str, secret: str, subject: str, text: str, now_s: float) -> RobotRequest:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    markdown = f"### {subject}\n\n{text}"
    if kind == "wecom":
        return RobotRequest(url, _json({"msgtype": "markdown", "markdown": {"content": markdown}}), headers)
    if kind == "dingtalk":
        if secret:
            timestamp = int(now_s * 1000)
            query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return RobotRequest(url, _json({"msgtype": "markdown", "markdown": {"title": subject, "text": markdown}}),
                            headers)
    if kind == "feishu":
        payload = {"msg_type": "text", "content": {"text": f"{subject}\n{text}"}}
        if secret:
            timestamp = int(now_s)
            payload = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **payload}
        return RobotRequest(url, _json(payload), headers)
    raise ValueError(f"not a robot: {kind!r}")


def robot_refusal(kind: str, body: bytes) -> str:
    """The robot's own error in an HTTP 200 answer ("" when it accepted the message)."""
    try:
        answer = json.loads(body.decode() or "{}")
    except ValueError:
        return f"not JSON: {body[:200]!r}"
    if not isinstance(answer, dict):
        return f"unexpected answer: {str(answer)[:200]}"
    if kind == "feishu":
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, message = answer.get("errcode", 0), answer.get("errmsg", "")
    return "" if code in (0, "0", None) else f"{code}: {message}"[:500]
