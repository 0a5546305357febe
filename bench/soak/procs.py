"""The processes a soak starts (gunicorn, the task worker under a restart loop) and their RSS samples.

Every PID is written to OUT/pids/ while it runs, so run.sh's trap can stop them if soak.py dies.
"""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = os.environ.get("PY", str(ROOT / ".venv/bin/python"))
GUNICORN = os.environ.get("GUNICORN", str(ROOT / ".venv/bin/gunicorn"))


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Processes:
    """What this run started, each written to OUT/pids/ so run.sh's trap can stop them if we die."""

    def __init__(self, out: Path, events: list):
        self.out, self.events = out, events
        (out / "pids").mkdir(exist_ok=True)
        self.gunicorn = self.worker = None
        self.worker_log = open(out / "worker.log", "ab")  # noqa: SIM115
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.worker_restarts = 0

    def _note(self, name, proc):
        (self.out / "pids" / name).write_text(str(proc.pid))

    def start_gunicorn(self, port: int):
        self.gunicorn = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--error-logfile",
                str(self.out / "gunicorn.log"),
                "--log-level",
                "warning",
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--worker-tmp-dir",
                "/dev/shm",
            ],
            cwd=ROOT,
        )
        self._note("gunicorn", self.gunicorn)

    def start_worker(self):
        self.worker = subprocess.Popen(
            [PY, "manage.py", "worker"], cwd=ROOT, stdout=self.worker_log, stderr=subprocess.STDOUT
        )
        self._note("worker", self.worker)

    def supervise_worker(self):
        """As `make run`'s loop: a worker that exits with a non-zero status is started again (2 s pause)."""
        while not self.stopping.is_set():
            code = self.worker.poll()
            if code is not None:
                self.events.append((time.monotonic(), f"task worker {self.worker.pid} exited with {code}"))
                if code == 0 or self.stopping.wait(2):
                    return
                with self.lock:  # never start one after stop() has begun: it would outlive the run
                    if self.stopping.is_set():
                        return
                    self.start_worker()
                self.worker_restarts += 1
                self.events.append((time.monotonic(), f"task worker restarted as {self.worker.pid}"))
            self.stopping.wait(0.2)

    def web_workers(self) -> list[int]:
        return children(self.gunicorn.pid) if self.gunicorn else []

    def stop(self):
        with self.lock:
            self.stopping.set()
        for proc in (self.worker, self.gunicorn):
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.worker, self.gunicorn):
            if proc:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for name in ("gunicorn", "worker"):
            (self.out / "pids" / name).unlink(missing_ok=True)
        self.worker_log.close()


def sample_rss(procs: Processes, samples: list, stop: threading.Event, every: float):
    """(t, role, pid, KiB) for the gunicorn master, each web worker and the task worker."""
    while not stop.is_set():
        t = time.monotonic()
        pids = []
        if procs.gunicorn:
            pids.append(("gunicorn master", procs.gunicorn.pid))
            pids += [("web worker", pid) for pid in procs.web_workers()]
        if procs.worker and procs.worker.poll() is None:
            pids.append(("task worker", procs.worker.pid))
        for role, pid in pids:
            kib = rss_kib(pid)
            if kib:
                samples.append((t, role, pid, kib))
        stop.wait(every)
