"""The loaddemo and demo management commands."""

from __future__ import annotations

import io
import os
import signal
import socket
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from gongzhi.core.management.commands.serve import granian_argv
from gongzhi.demo.management.commands import demo as demo_command
from gongzhi.demo.management.commands.demo import demo_url
from gongzhi.places.models import Community, Street

pytestmark = pytest.mark.django_db


def test_loaddemo_loads_pingdong_and_reports_it():
    out = io.StringIO()

    call_command("loaddemo", stdout=out)

    assert Community.objects.filter(code="PD").exists()
    assert "Pingdong demo data: 7 communities" in out.getvalue()
    assert "(93 objects added)" in out.getvalue()
    assert (
        "Pingdong cases: 30 demo cases (30 added), 10 categories, 14 routing rules "
        "and 4 deadline policies added." in out.getvalue()
    )


def test_loaddemo_scale_adds_synthetic_communities_once():
    call_command("loaddemo", stdout=io.StringIO())
    out = io.StringIO()

    call_command("loaddemo", "--scale", "2", "--cases", "0", stdout=out)

    assert Community.objects.count() == 7 + 2
    assert set(
        Community.objects.filter(code__startswith="SYN-").values_list("code", flat=True)
    ) == {"SYN-C00001", "SYN-C00002"}
    assert "Synthetic data (scale 2, seed 1): 2 communities added" in out.getvalue()
    streets = Street.objects.count()

    call_command("loaddemo", "--scale", "2", "--cases", "0", stdout=out)

    assert Community.objects.count() == 9
    assert Street.objects.count() == streets
    assert "0 communities added" in out.getvalue()


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "10001"])
def test_loaddemo_rejects_a_scale_that_is_not_a_positive_whole_number(value):
    with pytest.raises(CommandError) as excinfo:
        call_command("loaddemo", "--scale", value)

    assert str(excinfo.value) == (
        "--scale must be a whole number of communities from 1 to 10000 "
        f"(got {value!r})."
    )
    assert not Community.objects.exists()


def test_loaddemo_writes_nothing_when_a_step_fails(monkeypatch):
    def broken(n, *, seed):
        raise RuntimeError("disk full")

    monkeypatch.setattr("gongzhi.demo.management.commands.loaddemo.load_scale", broken)

    with pytest.raises(RuntimeError, match="disk full"):
        call_command("loaddemo", "--scale", "1", "--cases", "0")

    assert not Community.objects.exists()


@pytest.fixture
def occupied_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_demo_refuses_an_occupied_port_before_migrating(monkeypatch, occupied_port):
    calls = []
    monkeypatch.setattr(demo_command, "call_command", lambda *a, **k: calls.append(a))

    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        call_command("demo", "--port", str(occupied_port), stdout=io.StringIO())

    assert str(excinfo.value).startswith(
        f"Cannot listen on 127.0.0.1:{occupied_port}: "
    )
    assert str(excinfo.value).endswith("Choose another port with --port.")
    assert calls == []
    assert not Community.objects.exists()


class FakeChild:
    """A child process that runs until terminated, or exits after some polls."""

    def __init__(self, argv, exit_after=None, code=0, on_poll=None):
        self.argv = argv
        self.polls = 0
        self.exit_after = exit_after
        self.code = code
        self.on_poll = on_poll
        self.returncode = None
        self.terminated = False

    def poll(self):
        self.polls += 1
        if self.on_poll:
            self.on_poll()
        if self.returncode is None and self.exit_after is not None:
            if self.polls >= self.exit_after:
                self.returncode = self.code
        return self.returncode

    def terminate(self):
        self.terminated = True
        self.returncode = -signal.SIGTERM

    def wait(self, timeout=None):
        return self.returncode

    def kill(self):
        self.returncode = -signal.SIGKILL


@pytest.fixture
def fake_run(monkeypatch):
    """Run the demo command without migrating for real or starting processes."""
    calls, children = [], []
    monkeypatch.setattr(
        demo_command, "call_command", lambda *a, **k: calls.append(a[0])
    )
    monkeypatch.setattr(demo_command.connections, "close_all", lambda: None)
    monkeypatch.setattr(demo_command, "POLL_SECONDS", 0.001)
    behaviour = {}

    def popen(argv):
        child = FakeChild(argv, **behaviour.get(len(children), {}))
        children.append(child)
        return child

    monkeypatch.setattr(demo_command.subprocess, "Popen", popen)
    return calls, children, behaviour


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_prepares_loads_and_runs_worker_and_server_until_stopped(fake_run):
    calls, children, behaviour = fake_run
    # The operator presses Ctrl-C while both children run.
    behaviour[1] = {"on_poll": lambda: os.kill(os.getpid(), signal.SIGINT)}
    port = _free_port()
    out = io.StringIO()

    call_command("demo", "--port", str(port), stdout=out)

    assert calls == ["migrate", "collectstatic"]
    assert Community.objects.filter(code="PD").exists()
    worker, server = children
    assert worker.argv == [sys.executable, "-m", "gongzhi.cli", "worker"]
    assert server.argv == granian_argv("127.0.0.1", port, workers=1)
    assert worker.terminated
    assert server.terminated
    text = out.getvalue()
    assert f"Gongzhi demo: http://127.0.0.1:{port}/" in text
    assert "password for every account: gongzhi-demo" in text
    assert "chief.jb1            street_chief       黄伟明" in text
    assert text.rstrip().endswith("Demo stopped.")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_demo_stops_both_children_and_fails_when_one_dies(fake_run):
    calls, children, behaviour = fake_run
    behaviour[1] = {"exit_after": 3, "code": 3}
    call_command("loaddemo", stdout=io.StringIO())

    with pytest.raises(CommandError) as excinfo:
        call_command("demo", "--port", str(_free_port()), stdout=io.StringIO())

    assert str(excinfo.value) == (
        "The web server stopped unexpectedly (exit status 3); "
        "the demo has been shut down."
    )
    assert excinfo.value.returncode == 3
    worker, server = children
    assert worker.terminated
    assert not server.terminated


def test_demo_names_the_signal_that_killed_a_child(fake_run):
    calls, children, behaviour = fake_run
    behaviour[0] = {"exit_after": 2, "code": -signal.SIGKILL}
    call_command("loaddemo", stdout=io.StringIO())

    with pytest.raises(CommandError) as excinfo:
        call_command("demo", "--port", str(_free_port()), stdout=io.StringIO())

    assert str(excinfo.value) == (
        "The background worker was killed by SIGKILL; the demo has been shut down."
    )
    assert excinfo.value.returncode == 1


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000/"),
        ("0.0.0.0", "http://127.0.0.1:8000/"),  # noqa: S104
        ("::1", "http://[::1]:8000/"),
    ],
)
def test_demo_url_is_one_a_browser_can_open(host, url):
    assert demo_url(host, 8000) == url
