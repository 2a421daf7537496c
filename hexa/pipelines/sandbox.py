"""The sandbox a run's code executes in: pipeline code is untrusted.

With bubblewrap (`bwrap`), the process gets new namespaces (its own processes only, so no
other process's /proc or environment; its own IPC, hostname and, when the worker runs as
root, its own unprivileged uid) and a minimal filesystem: the system's /usr, the Python
installation and the pipelines' runtime (.venv-pipelines) read-only, the workspace's bucket
read-write at /home/hexa/workspace, a private /tmp; nothing else (not the app's code, not
`.data/`, not another workspace's bucket). Its environment is built from nothing: the
variables the SDK reads, no secret of the app's. Resource limits (setrlimit) bound its
memory, CPU time, processes and file sizes. The network is shared: the SDK reports to the
server over HTTP and pipelines reach DHIS2 and the workspace database (with the workspace's
own role; the app's database needs credentials the run never sees).

Where bubblewrap cannot run, `isolation_problem()` says why and runs are refused
(SANDBOX_UNAVAILABLE) unless PIPELINE_RUNS_UNSANDBOXED is set, for development only: the
code then runs with the clean environment and the limits but sees the whole filesystem.
"""

import functools
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ENTRY = Path(__file__).resolve().parent / "sandbox_entry.py"
WORKSPACE_PATH = "/home/hexa/workspace"
ENTRY_IN_SANDBOX = "/opt/hexa/sandbox_entry.py"


def runtime_python() -> Path:
    return Path(settings.PIPELINE_RUNTIME_VENV) / "bin" / "python"


@functools.cache
def isolation_problem() -> str | None:
    """Why runs cannot be isolated here, or None when they can (checked once per process)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    if not runtime_python().exists():
        return f"the pipelines' runtime is missing ({settings.PIPELINE_RUNTIME_VENV}): run make install"
    probe = subprocess.run(
        [bwrap, *_namespaces(), "--die-with-parent", "--ro-bind", "/usr", "/usr",
         *_usr_links(), "--proc", "/proc", "--dev", "/dev", *_drop_privileges(), "/usr/bin/true"],
        capture_output=True, timeout=10,
    )
    if probe.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {probe.stderr.decode(errors='replace')[:200]}"
    return None


def _namespaces() -> list[str]:
    """New namespaces for everything but the network. As root, no user namespace: bwrap sets
    the sandbox up as root and the code then drops to PIPELINE_RUN_UID (_drop_privileges),
    a uid a user namespace made by root would not map."""
    namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
    return namespaces if os.geteuid() == 0 else ["--unshare-user", *namespaces]


def _usr_links() -> list[str]:
    """Debian's merged /usr: /bin, /lib… are links into it."""
    links = []
    for name in ("bin", "sbin", "lib", "lib64"):
        path = Path("/") / name
        if path.is_symlink():
            links += ["--symlink", os.readlink(path), f"/{name}"]
        elif path.is_dir():
            links += ["--ro-bind", str(path), f"/{name}"]
    return links


def _readable_parents(*paths: str) -> list[str]:
    """The directories leading to bound paths, made readable: bwrap makes them 0700, and the
    code does not run as root."""
    made, args = set(), []
    for path in paths:
        for parent in reversed(Path(path).parents):
            # "/" is there; /tmp is the private tmpfs, which stays writable by all (1777)
            if str(parent) not in ("/", "/tmp") and str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _drop_privileges() -> list[str]:
    """Inside the sandbox, before the code: a worker running as root has bwrap set the
    sandbox up as root (it can then mount what root reads) and the code runs as
    PIPELINE_RUN_UID, with no capability left (the limit on processes holds then, as it does
    not for root). Not as root, bwrap makes a user namespace and the code keeps the worker's uid."""
    if os.geteuid() != 0:
        return []
    uid = str(settings.PIPELINE_RUN_UID)
    return ["/usr/bin/setpriv", "--reuid", uid, "--regid", uid, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]


def run_user() -> int | None:
    return settings.PIPELINE_RUN_UID if os.geteuid() == 0 else None


def give_bucket(bucket: Path) -> None:
    """The run's user must write the bucket (a FUSE mount would be mounted with its uid)."""
    uid = run_user()
    if uid is None:
        return
    for root, dirs, files in os.walk(bucket):
        os.chown(root, uid, uid)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chown(path, uid, uid)


def limits() -> list[tuple[int, tuple[int, int]]]:
    memory = settings.PIPELINE_RUN_MEMORY_MB * 1024 * 1024
    file_size = settings.PIPELINE_RUN_MAX_FILE_MB * 1024 * 1024
    cpu = settings.PIPELINE_RUN_CPU_S
    return [
        (resource.RLIMIT_AS, (memory, memory)),
        (resource.RLIMIT_CPU, (cpu, cpu)),
        (resource.RLIMIT_FSIZE, (file_size, file_size)),
        (resource.RLIMIT_NPROC, (settings.PIPELINE_RUN_MAX_PROCESSES, settings.PIPELINE_RUN_MAX_PROCESSES)),
        (resource.RLIMIT_NOFILE, (1024, 1024)),
        (resource.RLIMIT_CORE, (0, 0)),
    ]


def apply_limits() -> None:
    """In the child, before exec (Popen's preexec_fn): the limits, and a process group of its
    own so that a stop reaches every process of the run."""
    os.setsid()
    for kind, value in limits():
        if kind == resource.RLIMIT_NPROC and os.geteuid() != 0 and run_user() is None:
            continue  # counted over the whole user: a developer's other processes would count
        resource.setrlimit(kind, value)


def command(config_json: str, bucket: Path, env: dict) -> tuple[list[str], dict]:
    """The argv and environment of a run's process."""
    python = str(runtime_python())
    if isolation_problem() is not None:  # PIPELINE_RUNS_UNSANDBOXED: development only
        return [python, "-I", str(ENTRY), config_json], {**env, "WORKSPACE_FILES_PATH": str(bucket), "HOME": "/tmp"}
    venv = str(Path(settings.PIPELINE_RUNTIME_VENV).resolve())
    base = str(Path(sys.base_prefix).resolve())  # the Python installation the runtime's venv is built on
    argv = [
        shutil.which("bwrap"),
        *_namespaces(), "--die-with-parent", "--new-session",
        "--ro-bind", "/usr", "/usr", *_usr_links(),
        "--ro-bind-try", "/etc/ssl", "/etc/ssl",
        "--ro-bind-try", "/etc/ca-certificates", "/etc/ca-certificates",
        "--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf",
        "--ro-bind-try", "/etc/hosts", "/etc/hosts",
        "--ro-bind-try", "/etc/nsswitch.conf", "/etc/nsswitch.conf",
        # the private /tmp first: the runtime may be installed under /tmp, and is bound into it then
        "--perms", "1777", "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev",
        *_readable_parents(base, venv, ENTRY_IN_SANDBOX, WORKSPACE_PATH),
        "--ro-bind", base, base,
        "--ro-bind", venv, venv,
        "--ro-bind", str(ENTRY), ENTRY_IN_SANDBOX,
        "--bind", str(bucket), WORKSPACE_PATH,
        # multiprocessing (the SDK runs tasks in a pool) needs shared memory
        "--perms", "1777", "--tmpfs", "/dev/shm",
        "--chdir", "/tmp",
        "--clearenv",
    ]
    sandbox_env = {**env, "WORKSPACE_FILES_PATH": WORKSPACE_PATH, "HOME": "/tmp", "PATH": "/usr/bin:/bin"}
    for key, value in sandbox_env.items():
        argv += ["--setenv", key, value]
    argv += [*_drop_privileges(), os.path.join(venv, "bin", "python"), "-I", ENTRY_IN_SANDBOX, config_json]
    # bwrap's own environment: nothing of the worker's either
    return argv, {"PATH": "/usr/bin:/bin"}
