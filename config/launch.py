"""`make run`'s last step: start the servers, print where to go, stop them all on Ctrl-C.

The backend (uvicorn), the assistant workers that run agent turns, the worker that runs
pipelines, and the assistant page (the production build of frontend/, served by
`next start`, which proxies /graphql/ and /assistant/ to the backend so that the session
cookie is same-origin). With no ANTHROPIC_API_KEY, the offline stand-in model is started
too and the backend is pointed at it, so the whole flow works on a machine with no network;
with no DHIS2_URL, the DHIS2 demo server is started, which the demo's `dhis2-demo` connection
points at.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8000"))
MODEL_PORT = int(os.environ.get("OFFLINE_MODEL_PORT", "8787"))
DHIS2_DEMO_PORT = int(os.environ.get("DHIS2_DEMO_PORT", "8788"))
WEB_PORT = int(os.environ.get("WEB_PORT", "3000"))
PYTHON = sys.executable
FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


def server_processes() -> int:
    """uvicorn worker processes: WEB_CONCURRENCY, else one per core (at most 4). A process
    runs its turns' Python one thread at a time, so a second core needs a second process."""
    return int(os.environ.get("WEB_CONCURRENCY") or min(os.cpu_count() or 1, 4))


def backend_command(host: str, port: int, workers: int | None = None) -> list[str]:
    """The backend server as `make run` starts it (the streaming benchmark starts the same)."""
    return [
        PYTHON, "-m", "uvicorn", "config.asgi:application", "--host", host, "--port", str(port),
        "--workers", str(workers or server_processes()), "--no-access-log",
    ]


def worker_processes() -> int:
    """Assistant worker processes `make run` starts: ASSISTANT_WORKERS, else 1 (one runs
    ASSISTANT_WORKER_CONCURRENCY turns at once; more processes use more cores)."""
    return int(os.environ.get("ASSISTANT_WORKERS") or 1)


def worker_command(concurrency: int | None = None) -> list[str]:
    """A worker for assistant turns, as `make run` starts it."""
    command = [PYTHON, str(Path(__file__).resolve().parent.parent / "manage.py"), "assistant_worker"]
    return command + (["--concurrency", str(concurrency)] if concurrency else [])


def pipelines_worker_command(concurrency: int | None = None) -> list[str]:
    """The worker for pipeline runs (queue pipeline_runs), as `make run` starts it."""
    command = [PYTHON, str(Path(__file__).resolve().parent.parent / "manage.py"), "pipelines_worker"]
    return command + (["--concurrency", str(concurrency)] if concurrency else [])


def wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def start_web(env):
    """`next start` on the production build made by `make serve` (None if there is none)."""
    next_bin = FRONTEND / "node_modules" / "next" / "dist" / "bin" / "next"
    node = shutil.which("node")
    if not (FRONTEND / ".next" / "BUILD_ID").exists() or not next_bin.exists() or node is None:
        print("The assistant page is not built: run `make serve` (or `make frontend-build`).", flush=True)
        return None
    web_env = dict(env, NODE_ENV="production", NEXT_TELEMETRY_DISABLED="1")
    web_env.setdefault("BACKEND_URL", f"http://127.0.0.1:{PORT}")
    return subprocess.Popen(
        [node, str(next_bin), "start", "-p", str(WEB_PORT), "-H", HOST], cwd=FRONTEND, env=web_env
    )


def dhis2_demo_command() -> list[str]:
    """The DHIS2 demo server, serving the snapshot seed_demo wrote (config/settings.py's
    DHIS2_DEMO_DATA default: .data/dhis2_demo.json under HEXA_DATA_DIR)."""
    data_dir = Path(os.environ.get("HEXA_DATA_DIR", Path(__file__).resolve().parent.parent / ".data"))
    data = os.environ.get("DHIS2_DEMO_DATA") or str(data_dir / "dhis2_demo.json")
    return [PYTHON, "-m", "hexa.dhis2_demo", "--host", "127.0.0.1", "--port", str(DHIS2_DEMO_PORT), "--data", data]


def main():
    env = dict(os.environ)
    processes = []
    dhis2_demo = not env.get("DHIS2_URL")
    if dhis2_demo:
        dhis2 = subprocess.Popen(dhis2_demo_command())
        processes.append(dhis2)
        wait_for(f"http://127.0.0.1:{DHIS2_DEMO_PORT}/api/system/info", dhis2)
    offline = not env.get("ANTHROPIC_API_KEY")
    if offline:
        model = subprocess.Popen([PYTHON, "-m", "hexa.assistant.local_model", "--host", "127.0.0.1", "--port", str(MODEL_PORT)])
        processes.append(model)
        env.update(
            ANTHROPIC_API_KEY="offline-demo",
            ANTHROPIC_BASE_URL=f"http://127.0.0.1:{MODEL_PORT}",
            ASSISTANT_OFFLINE_MODEL="true",
        )
        wait_for(f"http://127.0.0.1:{MODEL_PORT}/", model)
    backend = subprocess.Popen(backend_command(HOST, PORT), env=env)
    processes.append(backend)
    processes += [subprocess.Popen(worker_command(), env=env) for _ in range(worker_processes())]
    # pipeline runs report to this server (HEXA_SERVER_URL)
    env.setdefault("PIPELINE_SERVER_URL", f"http://127.0.0.1:{PORT}")
    processes.append(subprocess.Popen(pipelines_worker_command(), env=env))

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    web = start_web(env)
    if web is not None:
        processes.append(web)
    wait_for(f"http://{HOST}:{PORT}/graphql/", backend)
    if web is not None:
        wait_for(f"http://{HOST}:{WEB_PORT}/login", web)
    model_line = (
        f"offline demo model (not Claude) on http://127.0.0.1:{MODEL_PORT} — set ANTHROPIC_API_KEY to use Claude"
        if offline
        else f"Claude ({env.get('ASSISTANT_MODEL') or 'the default model: see ASSISTANT_MODEL'})"
    )
    print(
        "\n  OpenHEXA Assistant is running\n"
        + (f"  Assistant page:           http://{HOST}:{WEB_PORT}\n" if web is not None else "")
        + f"  GraphQL API and explorer: http://{HOST}:{PORT}/graphql/\n"
        f"  Django admin:             http://{HOST}:{PORT}/admin/\n"
        f"  MCP server (AI clients):  http://{HOST}:{PORT}/assistant/mcp/\n"
        f"  Model:                    {model_line}\n"
        + (
            f"  DHIS2:                    DHIS2 demo server (not a real instance) on http://127.0.0.1:{DHIS2_DEMO_PORT}"
            " — set DHIS2_URL to use a real one\n"
            if dhis2_demo
            else f"  DHIS2:                    {env['DHIS2_URL']}\n"
        )
        + f"  Assistant workers:        {worker_processes()} process(es)\n"
        "  Pipelines worker:         1 process (PIPELINE_RUNS_CONCURRENCY runs at once)\n"
        "  Log in as demo@openhexa.org / openhexa-demo (superuser: admin@openhexa.org / openhexa-demo)\n"
        "  Ctrl-C stops everything.\n",
        flush=True,
    )
    while True:
        for process in processes:
            if process.poll() is not None:
                print(f"{process.args[0]} stopped (exit code {process.returncode}); stopping the rest.", flush=True)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
