"""Benchmark intake over HTTP with the production server, beside a bare view.

    .venv/bin/python bench/intake.py --db sqlite
    .venv/bin/python bench/intake.py --db postgres --seconds 20

Starts ``gongzhi serve`` (granian, ``--workers`` processes) on 127.0.0.1 with the
bench-only settings (bench/intake_settings.py: the product plus a bare view and
a JSON intake view), against its own database (SQLite under
/tmp/bench-intake-sqlite, or PostgreSQL database ``gongzhi_bench_intake``) with
the Pingdong demo loaded. Then, each for ``--seconds`` after a warm-up, over
loopback only:

1. the bare view, GET, with ``wrk`` (the framework's ceiling);
2. the bare view with the Python client below (the same client as 5);
3. ``POST /bench/row/``, a view that writes one small row in a transaction and
   nothing else (with ``wrk``): the floor under any intake, which must write
   the case, its timeline event, its audit record and the reporter's receipt;
4. ``POST /bench/intake/`` (JSON -> ``services.case_report``) with ``wrk``;
5. the public report form as a browser uses it, with a threaded Python client
   (http.client, one keep-alive connection per thread): ``GET /cases/report/``
   (session, CSRF token, one-time submission key), then ``POST /cases/report/``
   answered by a redirect to the receipt. Each POST creates one case.

The number of cases created is checked against the successful posts. Figures
are printed last; docs/performance.md quotes them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, percentile, use_database  # noqa: E402

HOST = "127.0.0.1"
DESCRIPTION = "巷口垃圾堆放三天没人清理，天热有异味，请尽快处理。"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.intake_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    argv = [sys.executable, "-m", "gongzhi.cli", "serve", "--host", HOST]
    argv += ["--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(  # noqa: S603
        argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("the server did not start within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    # The server was started in a session of its own: stop its process group.
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --- wrk --------------------------------------------------------------------------
def wrk(url: str, seconds: int, connections: int, script: str = "") -> dict[str, float]:
    """Run wrk and return requests/s and latency percentiles in ms."""
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        argv += ["-s", script]
    out = subprocess.run(  # noqa: S603
        [*argv, url], capture_output=True, text=True, check=True
    ).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        figures[f"p{pct}"] = value * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    figures["errors"] = float(non2xx.group(1)) if non2xx else 0.0
    total = re.search(r"(\d+) requests in", out)
    figures["requests"] = float(total.group(1)) if total else 0.0
    return figures


# --- the Python client --------------------------------------------------------------
class Client:
    """One keep-alive connection with its cookies, like one browser tab."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, str, dict[str, str]]:
        headers = {"Host": f"{HOST}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return (
            response.status,
            text,
            {k.lower(): v for k, v in response.headers.items()},
        )


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)" name="{name}"', html
    )
    if not match:
        raise RuntimeError(f"no {name} in the form")
    return match.group(1)


def run_clients(
    threads: int, seconds: float, work: Callable[..., None]
) -> tuple[float, dict[str, list[float]], int]:
    """Run ``work(client, timings)`` in a loop on ``threads`` threads."""
    timings: dict[str, list[float]] = {}
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop() -> None:
        client = Client(PORT)
        mine: dict[str, list[float]] = {}
        while time.monotonic() < stop_at:
            try:
                work(client, mine)
            except Exception as exc:  # counted and reported; the run goes on
                with lock:
                    errors[0] += 1
                    if errors[0] == 1:
                        print(f"first error: {exc!r}", file=sys.stderr)
                client = Client(PORT)
        with lock:
            for key, values in mine.items():
                timings.setdefault(key, []).extend(values)

    began = time.monotonic()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.monotonic() - began, timings, errors[0]


def bare_work(client: Client, timings: dict[str, list[float]]) -> None:
    began = time.perf_counter()
    status, _text, _headers = client.request("GET", "/bench/bare/")
    if status != 200:
        raise RuntimeError(status)
    timings.setdefault("bare", []).append((time.perf_counter() - began) * 1000)


def form_work(street: int) -> Callable[..., None]:
    def work(client: Client, timings: dict[str, list[float]]) -> None:
        began = time.perf_counter()
        status, html, _headers = client.request("GET", "/cases/report/")
        got = time.perf_counter()
        if status != 200:
            raise RuntimeError(f"GET {status}")
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": _hidden(html, "csrfmiddlewaretoken"),
                "submission": _hidden(html, "submission"),
                "category": "sanitation",
                "description": DESCRIPTION,
                "street": str(street),
                "reporter_name": "基准",
                "reporter_phone": "13800138000",
                "consent_contact": "on",
            }
        )
        status, text, headers = client.request("POST", "/cases/report/", body)
        done = time.perf_counter()
        if status != 302 or "/cases/report/done/" not in headers.get("location", ""):
            raise RuntimeError(f"POST {status}: {text[:300]}")
        timings.setdefault("get", []).append((got - began) * 1000)
        timings.setdefault("post", []).append((done - got) * 1000)
        timings.setdefault("report", []).append((done - began) * 1000)

    return work


PORT = 0


def main() -> None:
    global PORT
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="Python client")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    use_database(args.db, "intake")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gongzhi.cases.models import Case
    from gongzhi.places.models import Street

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddemo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    street = Street.objects.get(code="JBS-01").pk
    lua = Path(os.environ["GONGZHI_DATA_DIR"]) / "intake.lua"
    lua.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.body = \'{{"category": "sanitation", "street": "JBS-01", '
        f'"description": "{DESCRIPTION}", "name": "基准", "phone": "13800138000"}}\'\n'
    )
    post = Path(os.environ["GONGZHI_DATA_DIR"]) / "post.lua"
    post.write_text('wrk.method = "POST"\n')
    connection.close()

    PORT = free_port()
    server = start_server(PORT, args.workers)
    base = f"http://{HOST}:{PORT}"
    results: dict[str, dict[str, float]] = {}
    try:
        wrk(f"{base}/bench/bare/", 3, args.connections)  # warm-up
        results["bare_wrk"] = wrk(f"{base}/bench/bare/", args.seconds, args.connections)
        elapsed, timings, errors = run_clients(args.threads, args.seconds, bare_work)
        results["bare_py"] = {
            "rps": len(timings["bare"]) / elapsed,
            "p50": percentile(timings["bare"], 50),
            "p99": percentile(timings["bare"], 99),
            "errors": errors,
        }
        wrk(f"{base}/bench/row/", 3, args.connections, str(post))  # warm-up
        results["row_wrk"] = wrk(
            f"{base}/bench/row/", args.seconds, args.connections, str(post)
        )
        wrk(f"{base}/bench/intake/", 3, args.connections, str(lua))  # warm-up
        middle = Case.objects.count()
        results["json_wrk"] = wrk(
            f"{base}/bench/intake/", args.seconds, args.connections, str(lua)
        )
        json_cases = Case.objects.count() - middle
        connection.close()
        run_clients(args.threads, 3, form_work(street))  # warm-up
        start_count = Case.objects.count()
        elapsed, timings, errors = run_clients(
            args.threads, args.seconds, form_work(street)
        )
        form_cases = Case.objects.count() - start_count
        results["form"] = {
            "rps": len(timings.get("post", [])) / elapsed,
            "p50": percentile(timings.get("post", []), 50),
            "p99": percentile(timings.get("post", []), 99),
            "get_p50": percentile(timings.get("get", []), 50),
            "get_p99": percentile(timings.get("get", []), 99),
            "report_p50": percentile(timings.get("report", []), 50),
            "report_p99": percentile(timings.get("report", []), 99),
            "errors": errors,
            "posts": len(timings.get("post", [])),
        }
    finally:
        stop_server(server)
    total = Case.objects.count()

    bare = results["bare_wrk"]["rps"]
    print()
    print(f"== bench/intake.py  db={connection.vendor}  server=granian ==")
    print(f"machine: {machine()}")
    print(
        f"server: gongzhi serve --workers {args.workers} (threads per worker from "
        f"SERVER_THREADS); wrk -t2 -c{args.connections}; Python client "
        f"{args.threads} threads; {args.seconds} s per run; {total:,} cases at the end"
    )

    def show(name: str, r: dict[str, float]) -> None:
        print(
            f"  {name:<44} {r['rps']:8.1f} req/s  p50 {r['p50']:7.2f} ms  "
            f"p99 {r['p99']:7.2f} ms  errors {r['errors']:.0f}"
        )

    show("bare view, GET (wrk)", results["bare_wrk"])
    show("bare view, GET (Python client)", results["bare_py"])
    show("one-row write, POST (wrk): intake's floor", results["row_wrk"])
    show("intake JSON -> case_report, POST (wrk)", results["json_wrk"])
    show("report form POST (GET form + POST, Python)", results["form"])
    form = results["form"]
    print(
        f"  report form: GET p50 {form['get_p50']:.2f} ms p99 {form['get_p99']:.2f} ms;"
        f" whole report p50 {form['report_p50']:.2f} ms p99 {form['report_p99']:.2f} ms"
    )
    print(
        f"  cases created: JSON {json_cases} (wrk counted "
        f"{results['json_wrk']['requests']:.0f} requests, "
        f"{results['json_wrk']['errors']:.0f} non-2xx), form {form_cases} "
        f"({form['posts']:.0f} successful posts)"
    )
    row = results["row_wrk"]["rps"]
    print(
        f"per bare request (wrk): one-row write {row / bare:.2f}, "
        f"JSON intake {results['json_wrk']['rps'] / bare:.2f}, "
        f"report form {form['rps'] / bare:.2f} (target for intake >= 0.25)"
    )


if __name__ == "__main__":
    main()
