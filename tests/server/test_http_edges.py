"""The edges of HTTP itself: wrong methods, requests too broken to parse, and what /openapi.json says
about tokens. Each answer is in the API's JSON error shape, as a client parsing errors expects."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from launcher.live_server import DEMO_SITE, LiveServer
from tests.server.test_api import V1, call


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """One server for these tests: none of them changes what another reads."""
    workdir = tmp_path_factory.mktemp("http-edges")
    server = LiveServer(DEMO_SITE, f"sqlite:///{workdir}/edges.db", workdir).start()
    yield server
    server.kill()


def raw_answer(server, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send bytes as they are (no client library would send these) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return status, headers, body


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("DELETE", "/tickets", "POST"),
        ("PUT", "/tickets/x", "GET"),
        ("GET", "/scan", "POST"),
        ("POST", "/health", "GET"),
    ],
)
def test_a_wrong_method_is_told_which_methods_the_endpoint_accepts(live_server, method, path, allowed):
    answer = call(live_server, method, f"{V1}{path}", "admin")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == allowed
    assert answer.json()["error"] == "method_not_allowed" and allowed in answer.json()["message"]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /api/v1/status/" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    ],
    ids=["request line too long", "not HTTP", "header without colon"],
)
def test_a_request_too_broken_to_parse_gets_the_json_error_shape(live_server, request_bytes):
    status, headers, body = raw_answer(live_server, request_bytes)
    assert status.startswith("HTTP/1.1 400")
    assert headers["content-type"] == "application/json"
    error = json.loads(body)
    assert error["error"] == "bad_request" and "request" in error["message"]
    # And the server goes on answering.
    assert requests.get(f"{live_server.url}{V1}/health", timeout=10).json() == {"status": "ok"}


@pytest.mark.parametrize("chunked", [False, True], ids=["Content-Length", "chunked"])
def test_a_body_larger_than_any_request_is_refused_with_413(live_server, chunked):
    body = b'{"service": "notfall", "language": "' + b"u" * 200_000 + b'"}'
    sent = (part for part in (body,)) if chunked else body  # a generator goes out chunked
    answer = call(
        live_server, "POST", f"{V1}/tickets", "kiosk", data=sent, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json()["error"] == "payload_too_large" and "65536 bytes" in answer.json()["message"]
    assert call(live_server, "GET", f"{V1}/services", "kiosk").json()[0]["issued"] == 0


def test_openapi_names_the_roles_whose_tokens_each_route_takes(live_server):
    document = requests.get(f"{live_server.url}/openapi.json", timeout=10).json()
    assert set(document["components"]["securitySchemes"]) == {"kiosk", "display", "staff", "admin", "manager"}
    security = {
        (method.upper(), path): [next(iter(requirement)) for requirement in operation.get("security", [])]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert security[("POST", f"{V1}/tickets")] == ["kiosk", "admin"]
    assert security[("POST", f"{V1}/scan")] == ["staff", "admin"]
    assert security[("GET", f"{V1}/board")] == ["kiosk", "display", "staff", "admin", "manager"]
    assert security[("GET", "/metrics")] == ["admin"]
    assert security[("GET", f"{V1}/health")] == [] and security[("GET", "/t/{token}")] == []
    # A route takes a token exactly when it may answer 401 for a missing one.
    for (method, path), roles in security.items():
        declares_401 = "401" in document["paths"][path][method.lower()]["responses"]
        assert bool(roles) == declares_401, f"{method} {path}: security {roles}, 401 declared: {declares_401}"
    # Each role listed is let in; a role not listed is refused.
    assert call(live_server, "GET", f"{V1}/devices", "staff").status_code == 200
    assert call(live_server, "GET", f"{V1}/devices", "kiosk").status_code == 403
