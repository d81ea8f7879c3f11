"""Fetch, start, stop and probe the bundled Neo4j 5.26 Community server.

The server is the real Neo4j engine from Maven Central (org.neo4j:neo4j and
org.neo4j:neo4j-bolt) run by neo4j_server/src/EvalgraphNeo4j.java; nothing here
mocks it. Maven fetches the jars once; javac compiles the launcher once.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j.exceptions import AuthError, ServiceUnavailable

from pipeline.config import PASSWORD_FILE, PROJECT_ROOT, Neo4jSettings, make_driver, stored_password

SERVER_DIR = PROJECT_ROOT / "neo4j_server"
LIB_DIR = SERVER_DIR / "lib"
CLASSES_DIR = SERVER_DIR / "classes"
LAUNCHER_SRC = SERVER_DIR / "src" / "EvalgraphNeo4j.java"
LAUNCHER_CLASS = CLASSES_DIR / "EvalgraphNeo4j.class"
READY_MARK = "evalgraph-neo4j: ready"


class Neo4jServerError(RuntimeError):
    """The bundled server could not be fetched, built, started or stopped."""


@dataclass(frozen=True)
class ServerStatus:
    pid: int | None
    running: bool
    answering: bool
    uri: str

    def describe(self) -> str:
        if self.answering and not self.running:
            return f"answering on {self.uri} (a server this project did not start)"
        if self.answering:
            return f"running (pid {self.pid}) and answering on {self.uri}"
        if self.running:
            return f"process {self.pid} is alive but {self.uri} does not answer yet"
        return "stopped"


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise Neo4jServerError(f"{what}: {cmd[0]} is not installed ({exc})") from exc
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-3000:]
        raise Neo4jServerError(f"{what} failed (exit {proc.returncode}):\n{tail}")


REQUIRED_JARS = ("neo4j-bolt-*.jar", "neo4j-server-*.jar", "neo4j-browser-*.jar", "apoc-core-*.jar")
DEFAULT_HTTP_PORT = 7474
NEO4J_CONF = """# Settings of the bundled Neo4j server (evalgraph). Written on its first start; yours to edit.
# Where it listens (Bolt, HTTP) comes from NEO4J_URI and EVALGRAPH_NEO4J_HTTP_PORT on every start.
# Reference: https://neo4j.com/docs/operations-manual/5/configuration/configuration-settings/

# no usage data sent to Neo4j
dbms.usage_report.enabled=false
server.memory.pagecache.size=256m
# the Browser is served on the HTTP connector, at /browser/; it sends no usage data either
client.allow_telemetry=false
# APOC core (plugins/apoc-core-*.jar): the procedures run in the server, as any Cypher
dbms.security.procedures.unrestricted=apoc.*
"""


# The JIT stops at its first tier (C1). Cypher plans queries again as the graph's statistics change
# and generates classes for them, so the server's optimising compiler (C2) never settles: loading
# 60 reports in batches of 7, it used 0.8 CPU-s against the queries' own 0.5 on a warm server, and
# twice the queries' time on a fresh one, on the same cores as the extraction. C1 alone: the
# server's CPU per load ×0.4, and the load itself faster (docs/benchmarks.md).
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1",)


def http_port() -> int:
    """The bundled server's HTTP port (Browser and Query API); 0 turns HTTP off."""
    return int(os.environ.get("EVALGRAPH_NEO4J_HTTP_PORT", DEFAULT_HTTP_PORT))


def prepare_home(home: Path) -> None:
    """A private home with its neo4j.conf (kept once the user has it) and APOC in plugins/."""
    make_private(home)
    conf = home / "conf" / "neo4j.conf"
    if not conf.exists():
        conf.parent.mkdir(exist_ok=True)
        conf.write_text(NEO4J_CONF, encoding="utf-8")
    plugins = home / "plugins"
    plugins.mkdir(exist_ok=True)
    for jar in LIB_DIR.glob("apoc-core-*.jar"):
        if not (plugins / jar.name).exists():
            for old in plugins.glob("apoc-core-*.jar"):
                old.unlink()
            shutil.copy2(jar, plugins / jar.name)


def ensure_installed() -> None:
    """Download the jars (Maven) and compile the launcher (javac) if not done yet."""
    if not LIB_DIR.is_dir() or not all(any(LIB_DIR.glob(pattern)) for pattern in REQUIRED_JARS):
        if shutil.which("mvn") is None:
            raise Neo4jServerError("Maven (mvn) is needed once to fetch the Neo4j jars from Maven Central")
        _run(
            ["mvn", "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={LIB_DIR}",
             "-DincludeScope=runtime"],
            SERVER_DIR, "fetching Neo4j jars from Maven Central",
        )
    if not LAUNCHER_CLASS.exists() or LAUNCHER_CLASS.stat().st_mtime < LAUNCHER_SRC.stat().st_mtime:
        CLASSES_DIR.mkdir(parents=True, exist_ok=True)
        _run(["javac", "-d", str(CLASSES_DIR), "-cp", f"{LIB_DIR}/*", str(LAUNCHER_SRC)],
             SERVER_DIR, "compiling the Neo4j launcher")


def _pid_file(home: Path) -> Path:
    return home / "evalgraph-neo4j.pid"


def _read_pid(home: Path) -> int | None:
    """The recorded server's PID, if that process still runs and is our server for this home: a
    PID file left by a crash may name a process that has since reused the number."""
    try:
        pid = int(_pid_file(home).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) and is_our_server(pid, home) else None


def is_our_server(pid: int, home: Path) -> bool:
    """True when process `pid` is the launcher (EvalgraphNeo4j) serving `home`."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"EvalgraphNeo4j" in args and os.fsencode(str(home)) in args


def ensure_password(home: Path) -> tuple[str, Path | None]:
    """NEO4J_PASSWORD if set; else the password generated on this home's first start, kept in a
    file only the user can read (returned with it, so the caller can say where it is)."""
    given = os.environ.get("NEO4J_PASSWORD")
    if given:
        return given, None
    path = home / PASSWORD_FILE
    if not path.exists():
        make_private(home)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_urlsafe(18) + "\n")
    return stored_password(home) or "", path


def make_private(home: Path) -> None:
    """The store, its logs and the password file are the user's alone (mode 0700)."""
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, stat.S_IRWXU)


def _alive(pid: int) -> bool:
    """True while the process runs. A server started by this very process (tests, one CLI
    call that starts and stops) leaves a zombie once it exits: reap it, or it looks alive."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    except ChildProcessError:
        pass  # not our child: its parent reaps it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def bolt_answers(uri: str, user: str, password: str, timeout: float = 3.0) -> bool:
    """True when a Bolt handshake with these credentials succeeds."""
    try:
        with make_driver(Neo4jSettings(uri, user, password, None)) as driver:
            driver.verify_connectivity()
        return True
    except (ServiceUnavailable, OSError):
        return False


def status(home: Path, host: str, port: int, user: str, password: str) -> ServerStatus:
    pid = _read_pid(home)
    uri = f"bolt://{host}:{port}"
    try:
        answering = bolt_answers(uri, user, password)
    except AuthError as exc:
        raise Neo4jServerError(f"a server answers on {uri} but refuses user {user!r}: "
                               f"check NEO4J_PASSWORD ({exc.message})") from exc
    return ServerStatus(pid=pid, running=pid is not None, answering=answering, uri=uri)


def start(home: Path, host: str, port: int, user: str, password: str,
          heap: str | None = None, wait_seconds: float = 180.0, http: int | None = None) -> ServerStatus:
    """Start the server in the background and wait until Bolt answers. Idempotent; a server
    already answering on that address with these credentials (Docker, say) is used as it is."""
    if user != "neo4j":
        raise Neo4jServerError("the bundled server has one user, 'neo4j' (set NEO4J_USER=neo4j)")
    current = status(home, host, port, user, password)
    if current.answering:
        # ours, or another Neo4j (Docker, a service) that accepts these credentials: use it
        return current
    ensure_installed()
    prepare_home(home)
    http = http_port() if http is None else http
    log_path = home / "evalgraph-neo4j.out"
    log_offset = log_path.stat().st_size if log_path.exists() else 0
    proc: subprocess.Popen[bytes] | None = None
    if not current.running:
        heap = heap or os.environ.get("EVALGRAPH_NEO4J_HEAP", "1g")
        env = {**os.environ, "NEO4J_PASSWORD": password}
        with log_path.open("ab") as log:
            proc = subprocess.Popen(
                ["java", f"-Xmx{heap}", *JVM_OPTIONS, "-cp", f"{LIB_DIR}/*{os.pathsep}{CLASSES_DIR}",
                 "EvalgraphNeo4j", str(home), host, str(port), str(http)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, start_new_session=True,
            )
        _pid_file(home).write_text(str(proc.pid))
    # The launcher prints its ready line only after the password is set; probing Bolt
    # with credentials before that would count as failed logins and lock the user.
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        if proc is None or READY_MARK in _read_from(log_path, log_offset):
            current = status(home, host, port, user, password)
            if current.answering:
                return current
            if not current.running:
                break
        time.sleep(0.5)
    tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    raise Neo4jServerError(f"Neo4j did not answer on bolt://{host}:{port} in time; log tail:\n{tail}")


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def stop(home: Path, wait_seconds: float = 60.0) -> bool:
    """Stop the server cleanly (SIGTERM runs Neo4j's shutdown hook). False if it was not running."""
    pid = _read_pid(home)
    if pid is None:  # not running, or the recorded PID is now another program's: never signalled
        _pid_file(home).unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and _read_pid(home) is not None:
        time.sleep(0.5)
    if _read_pid(home) is not None:  # still our server (checked again: the PID is not reused meanwhile)
        os.kill(pid, signal.SIGKILL)
    _pid_file(home).unlink(missing_ok=True)
    return True
