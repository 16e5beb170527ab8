"""Fetching a page over HTTP the way a scheduled pull must: a timeout, and three retries with
backoff on timeouts, HTTP 429 and 5xx, honouring the server's Retry-After. Anything else, or the
last failure, is a `PullFailed` whose message names the address (never the API key)."""

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.utils import parsedate_to_datetime

RETRIES = 3
MAX_RETRY_AFTER_SECONDS = 300.0  # a longer Retry-After is waited for only this long
SECRET_PARAMS = ("api_key",)
USER_AGENT = "once-and-done/1 (council performance dashboard)"


class PullFailed(Exception):
    """The pull cannot go on; nothing of it is loaded."""


def address(url: str, params: dict[str, str]) -> str:
    """The url with its query parameters added."""
    split = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(split.query, keep_blank_values=True) + list(params.items())
    return urllib.parse.urlunsplit(split._replace(query=urllib.parse.urlencode(query)))


def shown(url: str) -> str:
    """The url as messages and reports show it: secrets left out."""
    split = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(split.query, keep_blank_values=True)
             if k not in SECRET_PARAMS]
    return urllib.parse.urlunsplit(split._replace(query=urllib.parse.urlencode(query)))


def fetch(url: str, timeout: float, backoff: float,
          sleep: Callable[[float], None] = time.sleep) -> bytes:
    """The body of a GET, retried on timeouts, 429 and 5xx (waiting Retry-After when given,
    else backoff, 2 × backoff, 4 × backoff)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "application/json"})
    for attempt in range(RETRIES + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as e:
            if e.code != 429 and e.code < 500:
                raise PullFailed(f"{shown(url)}: HTTP {e.code} {e.reason}") from None
            problem, wait = f"HTTP {e.code} {e.reason}", _retry_after(e.headers.get(
                "Retry-After"))
        except TimeoutError:
            problem, wait = f"no answer within {timeout:g} s", None
        except (http.client.HTTPException, ConnectionError) as e:
            # The server closed the connection or broke off its answer: tried again, like a
            # timeout, and never a traceback.
            problem, wait = f"the connection broke off ({type(e).__name__})", None
        except urllib.error.URLError as e:
            if not isinstance(e.reason, TimeoutError):
                raise PullFailed(f"{shown(url)}: cannot connect ({e.reason})") from None
            problem, wait = f"no answer within {timeout:g} s", None
        if attempt == RETRIES:
            raise PullFailed(f"{shown(url)}: {problem}, and again on each of {RETRIES} "
                             "retries; giving up")
        sleep(wait if wait is not None else backoff * 2 ** attempt)
    raise AssertionError("unreachable")


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds, or an HTTP date)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)
