#!/usr/bin/python3
"""`make bench`: InterviewAce's load and latency figures in one table (bench/README.md).

Starts a release build of the service on 127.0.0.1 with a temporary DATA_DIR and its own port,
seeds it through the API, measures with wrk, and prints one Markdown table that it also writes
to bench/results.md with the core count, the date, the load and the commit. Figures only:
nothing here asserts a duration. Everything it starts (servers, PostgreSQL when it was not
running, nginx, the fake LLM provider) it stops again, pass or fail, by process id.

Settings (environment):
  BENCH_BIN          the binary (default build-release/interviewace)
  BENCH_ENGINE_TOOL  the engine timer (default: bench_engine next to the binary)
  BENCH_SECONDS      length of each wrk run (default 5)
  BENCH_CONNECTIONS  connection counts (default "32 256 1000")
  BENCH_ENGINES      database engines (default "sqlite postgres")
  BENCH_PARTS        what to measure (default "matrix nginx isolation llm engine uploads")
  BENCH_SESSIONS     completed interview sessions of the reading user (default 50)
  BENCH_UPLOADS      resumes uploaded end to end for uploads/s (default 20)
  BENCH_ISOLATION_ROUNDS  idle / login-flood windows, alternated (default 3; medians reported)
  BENCH_WRK_THREADS  wrk threads (default 2)
  BENCH_OUT          the Markdown file written (default bench/results.md; "-" for none)
"""

import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "32 256 1000").split()]
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite postgres").split()
PARTS = set(os.environ.get("BENCH_PARTS", "matrix nginx isolation llm engine uploads").split())
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "50"))
UPLOADS = int(os.environ.get("BENCH_UPLOADS", "20"))
ROUNDS = int(os.environ.get("BENCH_ISOLATION_ROUNDS", "3"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
BIN = Path(os.environ.get("BENCH_BIN", REPO / "build-release" / "interviewace")).resolve()
ENGINE_TOOL = Path(os.environ.get("BENCH_ENGINE_TOOL", BIN.parent / "bench_engine"))
OUT = os.environ.get("BENCH_OUT", str(REPO / "bench" / "results.md"))
PDF = REPO / "tests" / "fixtures" / "files" / "resume.pdf"  # two pages of résumé text
PASSWORD = "Bench-Passw0rd!"
ANSWER = ("In my last role I owned the checkout service. Latency had grown to 900 ms at p99, so I "
          "profiled it, found an N+1 query and a missing index, added a cache and measured "
          "again: p99 fell to 120 ms and errors fell by 60%. I wrote a runbook for the team.")
LLM_IN_FLIGHT = 32
LLM_DELAY_MS = 5000

API = "/api/v1"
ENDPOINTS = [  # (label, method, path, needs the reader's token)
    ("GET /health", "GET", "/health", False),
    ("GET /api/v1/auth/me", "GET", API + "/auth/me", True),
    ("GET /api/v1/interview/history?limit=10", "GET", API + "/interview/history?limit=10", True),
    ("GET /api/v1/resume/", "GET", API + "/resume/", True),
    ("POST /api/v1/auth/login", "POST", API + "/auth/login", False),
]


def log(*args):
    print("bench:", *args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    """Resident memory of a process from /proc (VmRSS, KiB); 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssPeak:
    """Samples a process's VmRSS every 50 ms in a thread; .peak is the largest seen."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            self._stop.wait(0.05)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


# ---- wrk ---------------------------------------------------------------------------------------

def parse_ms(text):
    """wrk's durations ("812.00us", "1.53ms", "2.01s", "1.2m") in milliseconds."""
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def wrk(url, connections, seconds=SECONDS, headers=(), lua=None):
    """One wrk run: dict(rps, p50, p99 in ms, non2xx, errors, requests)."""
    cmd = ["wrk", "-t", str(min(WRK_THREADS, connections)), "-c", str(connections),
           "-d", f"{seconds}s", "--timeout", "5s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if lua:
        cmd += ["-s", lua]
    p = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 60)
    if p.returncode != 0:
        log("wrk failed:", " ".join(cmd), p.stderr.strip()[-300:])
    return parse_wrk(p.stdout)


def parse_wrk(stdout):
    """wrk's --latency report: dict(rps, p50, p99 in ms, non2xx, errors, requests)."""
    out = {"rps": 0.0, "p50": None, "p99": None, "non2xx": 0, "errors": 0, "requests": 0}
    in_dist = False
    for line in stdout.splitlines():
        s = line.strip()
        if s.startswith("Latency Distribution"):
            in_dist = True
        elif in_dist and s.startswith("50%"):
            out["p50"] = parse_ms(s.split()[1])
        elif in_dist and s.startswith("99%"):
            out["p99"] = parse_ms(s.split()[1])
            in_dist = False
        elif s.startswith("Requests/sec:"):
            out["rps"] = float(s.split()[1])
        elif s.startswith("Non-2xx or 3xx responses:"):
            out["non2xx"] = int(s.split()[-1])
        elif s.startswith("Socket errors:"):
            out["errors"] = sum(int(part.split()[-1]) for part in s.split(":", 1)[1].split(","))
        elif "requests in" in s:
            out["requests"] = int(s.split()[0])
    return out


def login_lua(tmp, email):
    """The Lua config wrk needs to POST a JSON login."""
    path = Path(tmp) / f"login-{email.split('@')[0]}.lua"
    body = json.dumps({"email": email, "password": PASSWORD})
    path.write_text(f"wrk.method = \"POST\"\nwrk.body = '{body}'\n"
                    "wrk.headers[\"Content-Type\"] = \"application/json\"\n")
    return str(path)


# ---- the service --------------------------------------------------------------------------------

class Service:
    """The binary under test, started on loopback with its own DATA_DIR and port."""

    def __init__(self, tmp, name, **env):
        self.dir = Path(tmp) / name
        self.dir.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SECRET_KEY": secrets.token_hex(32), "HOST": "127.0.0.1", "PORT": str(self.port),
            "DATA_DIR": str(self.dir / "data"), "LOG_LEVEL": "warn", "LOG_FORMAT": "json",
            "RATE_LIMIT": "0", "RATE_LIMIT_REGISTER": "0", "RATE_LIMIT_LOGIN": "0",
            "RATE_LIMIT_LOGIN_ACCOUNT": "0", "RATE_LIMIT_UPLOAD": "0",
            "HTTP_MAX_CONNECTIONS": "4096", "HTTP_MAX_CONNECTIONS_PER_IP": "0",
            "ACCESS_TOKEN_EXPIRE_MINUTES": "120", "JOB_POLL_INTERVAL": "50ms",
            "SHUTDOWN_TIMEOUT": "5s",
        }
        self.env.update({k: str(v) for k, v in env.items()})
        self.proc = None
        self.ready_ms = None

    def start(self):
        """Starts the service and polls /health every 2 ms: ready_ms is start to first 200."""
        logf = open(self.dir / "service.log", "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([str(BIN), "serve", "--migrate"], env=self.env,
                                     cwd=self.dir, stdout=logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        logf.close()
        deadline = t0 + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited ({self.proc.returncode}); see "
                                   f"{self.dir / 'service.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        self.ready_ms = (time.monotonic() - t0) * 1000
                        break
            except OSError:
                pass
            time.sleep(0.002)
        if self.ready_ms is None:
            raise RuntimeError("the service did not become ready in 60 s")
        self.client = httpx.Client(base_url=self.url, timeout=120)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def rss(self):
        return rss_kib(self.proc.pid)

    # API helpers (assert the expected status: seeding must not half-fail silently)
    def call(self, method, path, token=None, expect=(200,), **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        r = self.client.request(method, path, headers=headers, **kw)
        if r.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r

    def account(self, email):
        self.call("POST", API + "/auth/register", expect=(201,),
                  json={"email": email, "full_name": "Bench User", "password": PASSWORD})
        r = self.call("POST", API + "/auth/login", json={"email": email, "password": PASSWORD})
        return r.json()["access_token"]

    def wait_task(self, token, task_id, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            t = self.call("GET", f"{API}/tasks/{task_id}", token).json()
            if t["status"] in ("SUCCESS", "FAILURE"):
                if t["status"] != "SUCCESS":
                    raise RuntimeError(f"task {task_id} failed: {t}")
                return t
            time.sleep(0.02)
        raise RuntimeError(f"task {task_id} did not finish in {timeout} s")

    def upload(self, token):
        """Uploads the two-page PDF and waits for its analysis; returns the resume id."""
        r = self.call("POST", API + "/resume/upload", token, expect=(202,),
                      files={"file": ("resume.pdf", PDF.read_bytes(), "application/pdf")})
        self.wait_task(token, r.json()["task_id"])
        return r.json()["id"]

    def completed_session(self, token, resume_id=None):
        body = {"question_count": 5}
        if resume_id:
            body["resume_id"] = resume_id
        s = self.call("POST", API + "/interview/start", token, expect=(202,), json=body).json()
        self.wait_task(token, s["task_id"])
        s = self.call("GET", f"{API}/interview/{s['id']}", token).json()
        for q in s["questions"]:
            self.call("POST", f"{API}/interview/{s['id']}/{q['id']}/answer", token,
                      json={"answer_text": ANSWER, "time_taken_seconds": 60})
        r = self.call("POST", f"{API}/interview/{s['id']}/complete", token, expect=(202,))
        self.wait_task(token, r.json()["task_id"])


# ---- PostgreSQL ----------------------------------------------------------------------------------

class Postgres:
    """The test cluster of scripts/services.sh (started here when it was not running, and then
    stopped at the end) with a fresh database per run."""

    def __init__(self):
        self.started = False
        self.dbs = []
        svc = [str(REPO / "scripts" / "services.sh")]
        if subprocess.run(svc + ["status", "postgres"], capture_output=True).returncode != 0:
            log("starting PostgreSQL (scripts/services.sh start postgres)")
            subprocess.run(svc + ["start", "postgres"], check=True, stdout=sys.stderr)
            self.started = True
        env = subprocess.run(svc + ["env", "postgres"], capture_output=True, text=True,
                             check=True).stdout
        vals = {}
        for line in env.splitlines():
            if line.startswith("export ") and "=" in line:
                k, v = line[7:].split("=", 1)
                vals[k] = v.strip("'\"")
        self.admin_url = vals["TEST_POSTGRES_URL"]
        self.psql = str(Path(vals.get("TEST_PG_BIN", "")) / "psql")
        if not os.path.exists(self.psql):
            self.psql = shutil.which("psql") or "psql"

    def sql(self, query):
        subprocess.run([self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.admin_url,
                        "-c", query], check=True, capture_output=True, timeout=60)

    def new_database(self):
        name = "bench_" + secrets.token_hex(5)
        self.sql(f'CREATE DATABASE "{name}"')
        self.dbs.append(name)
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{name}"

    def close(self):
        for name in self.dbs:
            try:
                self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except subprocess.SubprocessError as exc:
                log("cannot drop", name, exc)
        if self.started:
            subprocess.run([str(REPO / "scripts" / "services.sh"), "stop", "postgres"],
                           stdout=sys.stderr)


# ---- nginx ---------------------------------------------------------------------------------------

class Nginx:
    """Debian's nginx-light answering `return 200` on /health, two workers (one per core)."""

    def __init__(self, tmp):
        self.dir = Path(tmp) / "nginx"
        self.dir.mkdir()
        self.port = free_port()
        conf = self.dir / "nginx.conf"
        conf.write_text(f"""worker_processes {os.cpu_count() or 1};
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        location = /health {{
            default_type application/json;
            return 200 '{{"status":"healthy","version":"0.1.0"}}';
        }}
    }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-p", str(self.dir), "-c", str(conf)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(500):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.port}/health"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---- the fake LLM provider -------------------------------------------------------------------------

class FakeLLM:
    """tests/fake_llm.py in its own process, answering every call after delay_ms."""

    def __init__(self, delay_ms):
        self.port = free_port()
        self.proc = subprocess.Popen(["/usr/bin/python3", str(REPO / "tests" / "fake_llm.py"),
                                      "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(500):
            try:
                httpx.post(self.url + "/_script",
                           json={"default": {"auto": True, "delay_ms": delay_ms}}, timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.01)

    def requests(self):
        return len(httpx.get(self.url + "/_requests", timeout=10).json())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


# ---- the measurements ------------------------------------------------------------------------------

def seed(svc, tmp, sessions):
    """The reading user (resumes and `sessions` completed interviews) and the login user, whose
    many logins must not end the reading user's session (MAX_SESSIONS_PER_USER)."""
    t0 = time.monotonic()
    reader = svc.account("reader@example.com")
    svc.account("login@example.com")
    resume = svc.upload(reader)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: svc.completed_session(reader, resume), range(sessions)))
    hist = svc.call("GET", API + "/interview/history?limit=10", reader).json()
    log(f"seeded in {time.monotonic() - t0:.1f} s: {hist.get('total')} sessions")
    return reader, login_lua(tmp, "login@example.com")


def run_matrix(svc, reader, lua, engine, results, memory, logins):
    """The wrk runs of ENDPOINTS: the reads (logins False) or the login (logins True)."""
    for label, method, path, needs_token in ENDPOINTS:
        if (method == "POST") != logins:
            continue
        for c in CONNECTIONS:
            headers = [f"Authorization: Bearer {reader}"] if needs_token else []
            with RssPeak(svc.proc.pid) as peak:
                r = wrk(svc.url + path, c, headers=headers, lua=lua if method == "POST" else None)
            memory.setdefault((engine, c), 0)
            memory[(engine, c)] = max(memory[(engine, c)], peak.peak)
            results[(engine, label, c)] = r
            log(f"{engine:8} {label:42} c={c:<5} {r['rps']:10.0f} rps  p50 {r['p50']} ms  "
                f"p99 {r['p99']} ms  non-2xx {r['non2xx']}  errors {r['errors']}")


def during(svc, reader, flood_cmd_args, label):
    """/health and /auth/me at 32 connections while flood_cmd_args (a wrk command line, run
    for the whole window) or nothing runs; returns {endpoint: wrk result}."""
    out = {}
    flood = None
    if flood_cmd_args is not None:
        flood = subprocess.Popen(flood_cmd_args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True)
        time.sleep(1)
    try:
        out["GET /health"] = wrk(svc.url + "/health", 32)
        out["GET /api/v1/auth/me"] = wrk(svc.url + API + "/auth/me", 32,
                                         headers=[f"Authorization: Bearer {reader}"])
    finally:
        if flood is not None:
            stdout, _ = flood.communicate(timeout=3 * SECONDS + 60)
            out["flood"] = parse_wrk(stdout)
    for k, r in out.items():
        log(f"{label:12} {k:22} {r['rps']:10.0f} rps  p99 {r['p99']} ms  non-2xx {r['non2xx']}")
    return out


def median_runs(runs):
    """The run of median requests/s among runs of one endpoint (the lower middle one)."""
    return sorted(runs, key=lambda r: r["rps"])[(len(runs) - 1) // 2]


def isolation_login(svc, reader, lua):
    """Idle and flood windows alternate ROUNDS times, so that a change in the machine's load
    (other people's work) does not fall on one side only; each side is the median round."""
    idle, busy = [], []
    flood = ["wrk", "-t", "1", "-c", "16", "-d", f"{2 * SECONDS + 3}s", "--timeout", "10s",
             "--latency", "-s", lua, svc.url + API + "/auth/login"]
    for _ in range(ROUNDS):
        idle.append(during(svc, reader, None, "idle"))
        busy.append(during(svc, reader, flood, "login flood"))
    pick = lambda rounds: {k: median_runs([r[k] for r in rounds]) for k in rounds[0]}  # noqa
    return pick(idle), pick(busy)


def isolation_llm(tmp):
    """A server whose provider is the fake LLM (5 s per call) and 32 embedded workers, with
    LLM_IN_FLIGHT calls in flight: /health and /auth/me against the same server idle."""
    fake = FakeLLM(LLM_DELAY_MS)
    svc = Service(tmp, "llm", LLM_PRIMARY_PROVIDER="openai", OPENAI_BASE_URL=fake.url + "/v1",
                  OPENAI_MODEL="fake-model", EMBEDDED_WORKERS=str(LLM_IN_FLIGHT),
                  LLM_TIMEOUT="30s", LLM_MAX_RETRIES="0")
    try:
        svc.start()
        reader = svc.account("reader@example.com")
        starter = svc.account("starter@example.com")
        idle = during(svc, reader, None, "idle (llm)")  # one round: the calls last 5 s
        before = fake.requests()
        # Enough generation jobs to keep every worker waiting on the provider for the window.
        windows = (2 * SECONDS + 1) * 1000 // LLM_DELAY_MS + 2
        for _ in range(LLM_IN_FLIGHT * windows):
            svc.call("POST", API + "/interview/start", starter, expect=(202,),
                     json={"question_count": 5})
        deadline = time.monotonic() + 15
        while fake.requests() - before < LLM_IN_FLIGHT and time.monotonic() < deadline:
            time.sleep(0.05)
        in_flight = fake.requests() - before
        busy = during(svc, reader, None, "llm in flight")
        return idle, busy, in_flight
    finally:
        svc.stop()
        fake.stop()


def engine_medians():
    p = subprocess.run([str(ENGINE_TOOL), "--binary", str(BIN), "--runs", "20"], cwd=REPO,
                       capture_output=True, text=True, timeout=600)
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[2] != "-":
            out[parts[0]] = (int(parts[1]), float(parts[2]))
    if p.returncode != 0:
        log("bench_engine failed:", p.stderr.strip()[-300:])
    return out


def uploads_per_second(svc, token):
    """UPLOADS resumes from 4 clients, each counted once its analysis has finished."""
    t0 = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: svc.upload(token), range(UPLOADS)))
    return UPLOADS / (time.monotonic() - t0)


# ---- the report ------------------------------------------------------------------------------------

def fmt_rps(r):
    if not r:
        return "-"
    return f"{r['rps']:,.0f}" if r["rps"] >= 100 else f"{r['rps']:.1f}"


def fmt_ms(v):
    return "-" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.0f}")


def refused(r):
    """The share of answers that were not 2xx, or errors, as a short note."""
    if not r or not r["requests"]:
        return ""
    notes = []
    if r["non2xx"]:
        notes.append(f"{100 * r['non2xx'] / r['requests']:.0f}% non-2xx")
    if r["errors"]:
        notes.append(f"{r['errors']} socket errors")
    return "; ".join(notes)


def report(m):
    lines = []
    add = lines.append
    add("# `make bench` results")
    add("")
    add(f"- Date: {m['date']}; commit `{m['commit']}`; binary `{m['bin']}` (release build)")
    add(f"- Machine: {m['cores']} cores ({m['cpu']}), {m['kernel']}; load average "
        f"{m['load_before']} before, {m['load_after']} after. **The machine is shared**: "
        "other people's builds, tests and browsers ran at the same time, so every figure is "
        "lower and noisier than on an idle machine; compare figures of one run with each other.")
    add(f"- wrk {WRK_THREADS} threads, {SECONDS} s per run, keep-alive, on 127.0.0.1, in the same "
        "run as the service (both share the cores). p50/p99 in milliseconds.")
    add("")
    if m.get("matrix"):
        add("## Throughput and latency")
        add("")
        add("| engine | endpoint | conns | requests/s | p50 ms | p99 ms | notes |")
        add("|---|---|---:|---:|---:|---:|---|")
        for engine in ENGINES:
            for label, *_ in ENDPOINTS:
                for c in CONNECTIONS:
                    r = m["matrix"].get((engine, label, c))
                    if r is None:
                        continue
                    none = r["requests"] == 0  # nothing completed within the run
                    add(f"| {engine} | `{label}` | {c} | {fmt_rps(r)} | "
                        f"{'-' if none else fmt_ms(r['p50'])} | "
                        f"{'-' if none else fmt_ms(r['p99'])} | "
                        f"{'no answer within the run; ' if none else ''}{refused(r)} |")
        add("")
    if m.get("nginx"):
        add("## Against nginx `return 200` (Debian nginx-light, same run)")
        add("")
        add("| conns | nginx requests/s | nginx p99 ms | InterviewAce `/health` (SQLite) "
            "requests/s | ratio |")
        add("|---:|---:|---:|---:|---:|")
        for c in CONNECTIONS:
            n = m["nginx"].get(c)
            ours = m.get("matrix", {}).get((ENGINES[0], "GET /health", c))
            ratio = f"{ours['rps'] / n['rps']:.2f}" if n and ours and n["rps"] else "-"
            add(f"| {c} | {fmt_rps(n)} | {fmt_ms(n['p99'] if n else None)} | {fmt_rps(ours)} | "
                f"{ratio} |")
        add("")
    if m.get("isolation") or m.get("llm"):
        add("## Isolation (32 connections; ratio = during / idle on the same server)")
        add("")
        add("| condition | endpoint | idle requests/s | during requests/s | ratio | "
            "p99 idle ms | p99 during ms | notes during |")
        add("|---|---|---:|---:|---:|---:|---:|---|")
        rows = []
        if m.get("isolation"):
            rows.append((f"login flood (16 connections of POST /auth/login, bcrypt cost 12; "
                         f"median of {ROUNDS} alternated idle/flood rounds)",
                         *m["isolation"]))
        if m.get("llm"):
            idle, busy, n = m["llm"]
            rows.append((f"{LLM_IN_FLIGHT} job workers waiting on LLM calls (fake provider, "
                         f"{LLM_DELAY_MS // 1000} s per call; {n} calls had arrived when the "
                         "window opened)", idle, busy))
        flood = m.get("isolation", ({}, {}))[1].get("flood")
        for cond, idle, busy in rows:
            for k in ("GET /health", "GET /api/v1/auth/me"):
                a, b = idle.get(k), busy.get(k)
                ratio = f"{b['rps'] / a['rps']:.2f}" if a and b and a["rps"] else "-"
                add(f"| {cond} | `{k}` | {fmt_rps(a)} | {fmt_rps(b)} | {ratio} | "
                    f"{fmt_ms(a['p99'] if a else None)} | {fmt_ms(b['p99'] if b else None)} | "
                    f"{refused(b)} |")
        add("")
        if flood:
            add(f"The login flood itself, meanwhile: {flood['rps']:.1f} logins/s, p50 "
                f"{fmt_ms(flood['p50'])} ms, p99 {fmt_ms(flood['p99'])} ms"
                f"{', ' + refused(flood) if refused(flood) else ''}.")
            add("")
    add("## Memory and start-up")
    add("")
    add("| engine | time to ready, first start (migrations) ms | time to ready, restart ms | "
        "RSS idle MB | RSS peak at 256 conns MB | RSS peak at 1000 conns MB |")
    add("|---|---:|---:|---:|---:|---:|")
    for engine in ENGINES:
        ready = [m["ready"].get(engine), m["restart"].get(engine)]
        idle = m["rss_idle"].get(engine)
        at = [m["memory"].get((engine, c)) for c in (256, 1000)]
        cells = ["-" if v is None else f"{v:.0f}" for v in ready]
        cells += ["-" if v is None else f"{v / 1024:.1f}" for v in [idle] + at]
        add(f"| {engine} | {' | '.join(cells)} |")
    add("")
    if m.get("engine") or m.get("uploads"):
        add("## Offline engine and uploads")
        add("")
        add("| operation | runs | median ms |")
        add("|---|---:|---:|")
        names = {"parse_pdf": "parse a two-page PDF (sandboxed extraction + analysis)",
                 "generate": "question generation (12 questions)",
                 "evaluate": "answer evaluation (one answer)"}
        for key, label in names.items():
            if key in m.get("engine", {}):
                runs, med = m["engine"][key]
                add(f"| {label} | {runs} | {med:.2f} |")
        if m.get("uploads"):
            add(f"| uploads per second end to end (SQLite; {UPLOADS} PDFs from 4 clients, each "
                f"until its analysis finished) | {UPLOADS} | {m['uploads']:.1f} uploads/s |")
        add("")
    return "\n".join(lines) + "\n"


def git_commit():
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except OSError:
        return "unknown"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main():
    if not BIN.exists():
        sys.exit(f"bench: {BIN} is missing (make bench builds it)")
    for tool in ("wrk",) + (("nginx",) if "nginx" in PARTS else ()):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} is missing (scripts/install-deps.sh --bench)")
    m = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
         "commit": git_commit(), "bin": os.path.relpath(BIN, REPO), "cores": os.cpu_count(),
         "cpu": cpu_model(), "kernel": " ".join(os.uname()[i] for i in (0, 2)),
         "load_before": load(), "matrix": {}, "memory": {}, "ready": {}, "restart": {}, "rss_idle": {}}
    started = time.monotonic()
    pg = None
    with tempfile.TemporaryDirectory(prefix="ia-bench-") as tmp:
        try:
            for i, engine in enumerate(ENGINES):
                env = {}
                if engine == "postgres":
                    pg = pg or Postgres()
                    env["DATABASE_URL"] = pg.new_database()
                svc = Service(tmp, engine, **env)
                try:
                    svc.start()
                    m["ready"][engine] = svc.ready_ms
                    log(f"{engine}: ready in {svc.ready_ms:.0f} ms")
                    reader, lua = seed(svc, tmp, SESSIONS)
                    time.sleep(1)
                    m["rss_idle"][engine] = svc.rss()
                    if i == 0 and "uploads" in PARTS:
                        m["uploads"] = uploads_per_second(svc, reader)
                        log(f"uploads: {m['uploads']:.1f}/s")
                    if "matrix" in PARTS:
                        run_matrix(svc, reader, lua, engine, m["matrix"], m["memory"], False)
                    # The isolation runs before the login rows: logins refused by a closed
                    # connection still wait in the CPU executor's queue and are hashed later,
                    # which would leave the flood to find the queue full.
                    if i == 0 and "isolation" in PARTS:
                        m["isolation"] = isolation_login(svc, reader, lua)
                    if "matrix" in PARTS:
                        run_matrix(svc, reader, lua, engine, m["matrix"], m["memory"], True)
                    svc.stop()
                    # The same database, migrated: a restart. On a new port, because the old
                    # one's closed connections linger in TIME_WAIT and the service does not
                    # bind over them (HTTP_REUSE_PORT=false).
                    svc.port = free_port()
                    svc.url = f"http://127.0.0.1:{svc.port}"
                    svc.env["PORT"] = str(svc.port)
                    svc.start()
                    m["restart"][engine] = svc.ready_ms
                    log(f"{engine}: restarted, ready in {svc.ready_ms:.0f} ms")
                finally:
                    svc.stop()
            if "nginx" in PARTS:
                ng = Nginx(tmp)
                try:
                    m["nginx"] = {c: wrk(ng.url, c) for c in CONNECTIONS}
                finally:
                    ng.stop()
            if "llm" in PARTS:
                m["llm"] = isolation_llm(tmp)
            if "engine" in PARTS:
                m["engine"] = engine_medians()
        finally:
            if pg is not None:
                pg.close()
    m["load_after"] = load()
    text = report(m)
    text += f"\nTotal time of the run: {time.monotonic() - started:.0f} s.\n"
    print(text)
    if OUT != "-":
        Path(OUT).write_text(text)
        log("written to", OUT)


if __name__ == "__main__":
    main()
