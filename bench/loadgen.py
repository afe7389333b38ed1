"""What the HTTP benchmarks share: wrk (installed from the distribution's packages when missing), a gunicorn
on a free port it checks, alternating rounds and the machine facts every JSON line carries.

Load comes from outside the server process: ``wrk`` (C, event loop) with a Lua script. Request lists are
files of ``<token>\\t<body>`` lines; each wrk thread takes every n-th line, so each request is its own
signed-in fan (``-`` instead of a token: anonymous; ``ip:<address>``: anonymous from that address, sent as
``X-Forwarded-For`` to a server trusting one proxy). The script counts an answer as an error
when its status is not 200 or its body carries a GraphQL error (``"extensions": {"code"``), and prints one
``WRKJSON {...}`` line the bench parses; nothing else of wrk's console output is used.
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LUA = r"""
-- globals: thread:get reads them in done()
items, index, errors, ok, wrapped = {}, 0, 0, 0, 0
local threads, next_id = {}, 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, file, nthreads, host = args[1], args[2], tonumber(args[3]), args[4]
  local line_no = 0
  for line in io.lines(file) do
    if line_no % nthreads == id then
      local tab = line:find("\t", 1, true)
      table.insert(items, {line:sub(1, tab - 1), line:sub(tab + 1)})
    end
    line_no = line_no + 1
  end
  target, target_host = path, host
end

function request()
  index = index + 1
  if index > #items then wrapped = wrapped + 1 end
  local item = items[((index - 1) % #items) + 1]
  local headers = {["Content-Type"] = "application/json", ["Host"] = target_host}
  local who = item[1]
  if who:sub(1, 3) == "ip:" then headers["X-Forwarded-For"] = who:sub(4)
  elseif who ~= "-" then headers["Authorization"] = "Bearer " .. who end
  return wrk.format("POST", target, headers, item[2])
end

-- A GraphQL error answers 200: every one of ours carries extensions.code (a field named "errors" in the
-- data, like the campaign content's, does not count).
function response(status, headers, body)
  if status ~= 200 or body:find('"extensions": {"code"', 1, true) or body:find('"extensions":{"code"', 1, true) then
    errors = errors + 1
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local e, o, w, n = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors"); o = o + t:get("ok"); w = w + t:get("wrapped"); n = n + t:get("index")
  end
  local s = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %f, "errors": %d, "ok": %d, "sent": %d, "wrapped": %d, "socket_errors": %d, ' ..
    '"p50_ms": %f, "p95_ms": %f, "p99_ms": %f}\n',
    summary.requests, summary.duration / 1e6, e, o, n, w, s.connect + s.read + s.write + s.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def log(message: str) -> None:
    """Progress on stderr: stdout carries only the bench's JSON line."""
    print(message, file=sys.stderr, flush=True)


def ensure_wrk() -> str:
    """The wrk executable, installed with apt-get (Debian's ``wrk`` package) when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and could not be installed: apt-get install wrk")
    return found


def free_port() -> int:
    """A TCP port nobody listens on now (bound and released), checked again before use."""
    for _ in range(20):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port")


def serve(workers: int, env_overrides: dict, settings_module: str = "monoql.settings"):
    """Start gunicorn (``workers`` sync workers) on a free port; return ``(process, port)`` once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": str(ROOT),
        **env_overrides,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "monoql.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited at start") from None
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def write_requests(lines: list[tuple[str, str]]) -> str:
    """Write ``(token or "-", body)`` pairs to a temporary request file; return its path."""
    handle = tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False)
    with handle:
        for token, body in lines:
            handle.write(f"{token}\t{body}\n")
    return handle.name


def run_wrk(
    port: int,
    path: str,
    requests_file: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 2,
    host: str = "localhost",
) -> dict:
    """Run wrk against ``path`` with the request file; return its figures (ms, counts, requests/s)."""
    wrk = ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    try:
        command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name]
        command += [f"http://127.0.0.1:{port}{path}", "--", path, requests_file, str(threads), host]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(row for row in output.splitlines() if row.startswith("WRKJSON "))
    figures = json.loads(line[len("WRKJSON ") :])
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    figures["per_minute"] = round(figures["rps"] * 60)
    for key in ("seconds", "p50_ms", "p95_ms", "p99_ms"):
        figures[key] = round(figures[key], 2)
    return figures


def machine() -> dict:
    """The facts every result carries: git SHA, load average (1, 5, 15 min), CPUs."""
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "git_sha": sha.stdout.strip() or None,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


def median_ratio(pairs: list[tuple[float, float]]) -> float | None:
    """Median of ``b / a`` over alternating rounds ``(a, b)``."""
    ratios = [b / a for a, b in pairs if a]
    return round(statistics.median(ratios), 2) if ratios else None
