"""A real GeoReport v2 `requests.json` endpoint on 127.0.0.1, served from a thread by the
standard library's HTTP server, for the Open311 tests.

It answers as a city's server does: the requests whose `requested_datetime` falls within
`start_date`..`end_date` (both inclusive), paged Chicago style (`page`, `page_size`), as a JSON
list or wrapped as `{"requests": [...]}` or `{"service_requests": [...]}`. A test queues
faults for the next requests (a status with headers, a slow answer, a malformed body) and reads
every request the server saw.
"""

import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Open311Server:
    def __init__(self, requests: list[dict], wrap: str | None = None):
        self.requests = requests
        self.wrap = wrap
        self.faults: list[tuple] = []  # ("status", code, headers) | ("sleep", s) | ("body", b)
        self.seen: list[dict[str, str]] = []  # the query of every request, in order
        self.arrivals: list[float] = []  # when each arrived (time.monotonic)
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                server.answer(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/open311/v2/requests.json"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        with self.lock:
            self.seen.append(query)
            self.arrivals.append(time.monotonic())
            fault = self.faults.pop(0) if self.faults else None
        if fault and fault[0] == "sleep":
            time.sleep(fault[1])
        if fault and fault[0] == "status":
            handler.send_response(fault[1])
            for name, value in fault[2].items():
                handler.send_header(name, value)
            handler.end_headers()
            return
        body = fault[1] if fault and fault[0] == "body" else self.page(query)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests)

    def page(self, query: dict[str, str]) -> bytes:
        chosen = [r for r in self.requests if _within(r, query)]
        if "page_size" in query:
            size, page = int(query["page_size"]), int(query.get("page", "1"))
            chosen = chosen[(page - 1) * size: page * size]
        document = {self.wrap: chosen} if self.wrap else chosen
        return json.dumps(document).encode()


def _within(request: dict, query: dict[str, str]) -> bool:
    when = datetime.fromisoformat(request["requested_datetime"])
    start = query.get("start_date")
    end = query.get("end_date")
    return ((start is None or when >= datetime.fromisoformat(start))
            and (end is None or when <= datetime.fromisoformat(end)))
