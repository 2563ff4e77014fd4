"""`followup serve` answers this machine's browser only.

The dev server binds 127.0.0.1, but any web page the user has open can still send it requests: a `<script src>`
of another origin would run the dashboard's data (every name and phone number) in that page, and a DNS
rebinding attack reaches the server under a name the attacker controls. So:

- a request whose Host is not 127.0.0.1, localhost or [::1] (with the server's port) gets 403 and nothing else;
- a request another site made (Sec-Fetch-Site `cross-site` or `same-site`, which every current browser sends)
  gets 403, unless it is the user following a link to a page (a top-level navigation);
- the people's data script is served only to the journal's own pages (Sec-Fetch-Site `same-origin`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
DATA_SCRIPTS = ("followup-data.js",)

Application = Callable[[dict, Callable], Iterable[bytes]]


def _refused(start_response: Callable, why: str) -> list[bytes]:
    body = f"403 Forbidden: {why}. This journal is served to this machine's browser only.\n".encode()
    start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                     ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
    return [body]


def local_only(app: Application, port: int) -> Application:
    hosts = {f"{name}:{port}" for name in LOCAL_NAMES} | (set(LOCAL_NAMES) if port == 80 else set())

    def answer(environ: dict, start_response: Callable) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST", "").strip().lower()
        if host not in hosts:
            return _refused(start_response, f"the Host {host[:100]!r} is not this machine")
        site = environ.get("HTTP_SEC_FETCH_SITE", "")
        following_a_link = environ.get("HTTP_SEC_FETCH_MODE") == "navigate" and \
            environ.get("HTTP_SEC_FETCH_DEST") == "document"
        if site in ("cross-site", "same-site") and not following_a_link:
            return _refused(start_response, "another site asked for it")
        if environ.get("PATH_INFO", "").endswith(DATA_SCRIPTS) and site != "same-origin":
            return _refused(start_response, "the people's data goes to the journal's own pages only")
        return app(environ, start_response)

    return answer
