"""Real server processes (uvicorn) and assistant workers on the test database, for what
only real processes show: streaming, disconnects, several processes serving one
conversation, workers killed mid-turn."""

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection

from config.launch import backend_command, worker_command
from hexa.core.tls import tls_context

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def server_env(model_url: str, **extra_env) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        WORKSPACES_DATABASE_URL=settings.WORKSPACES_DATABASE_URL,
        WORKSPACE_BUCKETS_ROOT=str(settings.WORKSPACE_BUCKETS_ROOT),
        SECRET_KEY=settings.SECRET_KEY,
        ENCRYPTION_KEY=settings.ENCRYPTION_KEY,
        ANTHROPIC_API_KEY="test-key",
        ANTHROPIC_BASE_URL=model_url,
        ASSISTANT_API_MAX_RETRIES="0",
        ASSISTANT_TITLE_MODEL="",  # scripted replies are for the turns only
        ASSISTANT_FOLLOW_UP_MODEL="",
        **{k: str(v) for k, v in extra_env.items()},
    )
    return env


class WorkerProcess:
    """A worker process of the app (its command, e.g. `manage.py assistant_worker`), its
    output in a log file under `log_dir`; ready once the task engine says it started."""

    name = "worker"
    stop_timeout = 30

    def __init__(self, command: list[str], log_dir: Path, env: dict, wait: bool = True):
        """Started, and ready when this returns, unless `wait` is False: then `wait_ready()`
        (to start several at once, each taking seconds to import the app)."""
        self.log = open(log_dir / f"{self.name}-{_free_port()}.log", "w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready()

    def wait_ready(self):
        # ready once the task engine says so (it then takes jobs within milliseconds)
        deadline = time.monotonic() + 60
        while "Starting worker" not in Path(self.log.name).read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = Path(self.log.name).read_text()[-2000:]
                raise RuntimeError(f"the {self.name} did not start; see {self.log.name}: {tail}")
            time.sleep(0.1)

    def stop(self, timeout=None):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout or self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def kill(self):
        self.process.kill()
        self.process.wait()
        self.log.close()


class LiveWorker(WorkerProcess):
    """An `assistant_worker` process."""

    def __init__(self, model_url: str, log_dir: Path, concurrency: int = 8, wait: bool = True, **extra_env):
        super().__init__(worker_command(concurrency), log_dir, server_env(model_url, **extra_env), wait)


class LiveServer:
    """uvicorn serving the backend (`workers` processes), with `turn_workers` assistant
    worker processes running `concurrency` turns each."""

    def __init__(self, model_url: str, log_dir: Path, workers: int = 1, turn_workers: int = 1, concurrency: int = 8, **extra_env):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = self.env = server_env(model_url, **extra_env)
        self.web_processes = workers
        # the workers and the server start at once: each takes seconds to import the app
        self.turn_workers = [LiveWorker(model_url, log_dir, concurrency, wait=False, **extra_env) for _ in range(turn_workers)]
        self.log = open(log_dir / f"server-{self.port}.log", "w")
        self.process = subprocess.Popen(
            backend_command("127.0.0.1", self.port, workers),
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        try:
            for worker in self.turn_workers:
                worker.wait_ready()
        except BaseException:
            self.stop()
            raise
        self._wait_serving()

    def _wait_serving(self):
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/graphql/", timeout=1):
                    break
            except urllib.error.HTTPError:  # an answer: it serves
                break
            except OSError:  # not listening yet
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the live server did not start; see {self.log.name}")
                time.sleep(0.2)

    def restart(self):
        """Stop the web process and start another on the same port (its workers are left alone)."""
        self.process.terminate()
        self.process.wait(10)
        self.process = subprocess.Popen(
            backend_command("127.0.0.1", self.port, self.web_processes), cwd=ROOT, env=self.env,
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_serving()

    def client(self, session_key: str | None = None) -> httpx.Client:
        cookies = {settings.SESSION_COOKIE_NAME: session_key} if session_key else {}
        return httpx.Client(base_url=self.url, cookies=cookies, timeout=30, verify=tls_context())

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        for worker in self.turn_workers:
            worker.stop()


def session_for(user) -> str:
    """A logged-in session for `user`, stored in the database the live servers read."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def iter_events(response):
    """(type, data) of each SSE frame of a streaming httpx response, as it arrives."""
    import json

    event_type, data = None, None
    for line in response.iter_lines():
        if line.startswith("event: "):
            event_type = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and event_type:
            yield event_type, data
            event_type = data = None


def read_events(response, stop_after=None):
    """The frames of a streaming httpx response, until it ends or `stop_after(events)`."""
    events = []
    for event in iter_events(response):
        events.append(event)
        if stop_after and stop_after(events):
            break
    return events
