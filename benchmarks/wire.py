"""`python -m benchmarks.wire`: what the guide costs on the wire, served like production.

Collects the static files (hashed, gzip and brotli), starts gunicorn with DEBUG off on a
throwaway SQLite database, and loads /cramp-now/ as a phone would on a first visit: the HTML,
then every stylesheet, script and icon it names, the manifest and the service worker, each with
`Accept-Encoding: br, gzip`, counting the bytes sent back (status line, headers and body as
served). A repeat visit fetches the HTML again; static files with a long max-age under hashed
names are not asked for, and the service worker answers 304 to its ETag.
Target: the first visit at most 60 KB. Prints PASS or FAIL; exit status 1 on FAIL.
The service worker's background download of the other relief pages is shown, not judged.
"""

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_BYTES = 60 * 1024
YEAR = 365 * 24 * 3600
ACCEPT = {"Accept-Encoding": "br, gzip", "User-Agent": "crampless-wire-bench"}


class _Assets(HTMLParser):
    """The URLs a browser fetches for a page (what is inside <noscript> is not fetched)."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self._noscript = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "noscript":
            self._noscript += 1
        if self._noscript:
            return
        rel = (a.get("rel") or "").split()
        if tag == "link" and {"stylesheet", "icon", "manifest"} & set(rel):
            self.urls.append((rel[0], a["href"]))
        elif tag == "script" and a.get("src"):
            self.urls.append(("script", a["src"]))

    def handle_endtag(self, tag):
        if tag == "noscript":
            self._noscript -= 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers=None) -> tuple[int, dict, bytes, int]:
    """(status, headers, raw body, bytes on the wire: status line + headers + body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={**ACCEPT, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    head = f"HTTP/1.1 {response.status} {response.reason}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in response.getheaders()) + "\r\n"
    conn.close()
    return response.status, dict(response.getheaders()), body, len(head.encode()) + len(body)


def _wait(port: int, proc) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def measure(port: int) -> int:
    rows = []
    status, headers, html, html_bytes = _get(port, "/cramp-now/")
    assert status == 200, status
    rows.append(("html", "/cramp-now/", headers.get("Content-Encoding", "-"), html_bytes, "-"))
    parser = _Assets()
    parser.feed(
        (gzip.decompress(html) if headers.get("Content-Encoding") == "gzip" else html).decode()
    )
    urls = parser.urls + [("worker", "/sw.js")]
    problems = []
    for kind, url in urls:
        status, headers, body, size = _get(port, url)
        if status in (301, 302):
            status, headers, body, more = _get(port, headers["Location"])
            size += more
        cache = headers.get("Cache-Control", "")
        rows.append((kind, url, headers.get("Content-Encoding", "-"), size, cache))
        if status != 200:
            problems.append(f"{url}: {status}")
        if url.startswith("/static/") and f"max-age={YEAR}" not in cache:
            age = [p for p in cache.split(",") if "max-age" in p]
            if not age or int(age[0].split("=")[1]) < YEAR:
                problems.append(f"{url}: not cached for a year ({cache})")
        if kind == "manifest":
            for icon in json.loads(body)["icons"]:
                if icon["sizes"] == "192x192":  # what a browser fetches to offer installing
                    _, h, _, s = _get(port, icon["src"])
                    rows.append(("icon", icon["src"], h.get("Content-Encoding", "-"), s, "-"))
        if kind == "worker":
            etag = headers.get("ETag", "")
    first = sum(row[3] for row in rows)

    _, _, _, repeat_html = _get(port, "/cramp-now/")
    status, _, _, repeat_worker = _get(port, "/sw.js", {"If-None-Match": etag})
    if status != 304:
        problems.append(f"/sw.js answered {status} to its own ETag, not 304")
    repeat = repeat_html + repeat_worker

    worker = _get(port, "/sw.js", {"Accept-Encoding": "identity"})[2].decode()
    pages = json.loads(worker.split("const PAGES = ", 1)[1].split(";", 1)[0])
    background = sum(_get(port, page)[3] for page in pages)

    width = max(len(row[1]) for row in rows)
    for kind, url, encoding, size, cache in rows:
        print(f"  {kind:10} {url:{width}}  {encoding:5} {size:7,d} B  {cache}")
    print(f"first visit:  {first:,d} B ({first / 1024:.1f} KB), target at most 60 KB")
    print(f"repeat visit: {repeat:,d} B (the HTML {repeat_html:,d} B + a 304 for /sw.js)")
    print(
        f"service worker, in the background after the first load: {len(pages)} pages, "
        f"{background:,d} B of HTML (their static files are the guide's)"
    )
    for problem in problems:
        print(f"problem: {problem}")
    ok = first <= TARGET_BYTES and not problems
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="crampless-wire-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "wire-benchmark-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "false",
            # Plain HTTP on a loopback address, as `make run`.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "VAR_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "CELERY_BROKER_URL": "filesystem://",
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        for args in (
            ["migrate", "--noinput", "-v0"],
            ["loaddata", "techniques", "tips", "red_flags", "foods", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run(manage + args, env=env, cwd=ROOT, check=True)
        port = _free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--workers", "1"]
        proc = subprocess.Popen(gunicorn + ["--bind", f"127.0.0.1:{port}"], env=env, cwd=ROOT)
        try:
            _wait(port, proc)
            return measure(port)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
