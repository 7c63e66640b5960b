#!/usr/bin/env python3
"""Benchmark of the portal's auth-redirect route and cabinet page.

Builds the portal in release mode, starts the PricePlan sandbox and the
portal on loopback, signs up and links a set of accounts, and drives load
with wrk. Three scenarios:

  load     the bare upstream token call (the floor), /pa/redirect-to-pp
           and /pa at a few concurrency levels
  flood    /pa and the redirect route with and without a flood of
           failing sign-ins (argon2 is slow on purpose)
  startup  process start to the first good /health, with an empty and
           with a large database

Python 3.11 standard library only. Everything it starts listens on
127.0.0.1 and is stopped when it ends, whatever the outcome.
See bench/README.md.
"""

import argparse
import atexit
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(REPO, "target", "release", "priceplan-portal")
LUA = os.path.join(REPO, "bench", "rotate.lua")
MANAGER_LOGIN = "manager@sandbox.example"
MANAGER_PASSWORD = "sandbox-manager-password"
ACCOUNT_PASSWORD = "bench-password-2026"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

STARTED = []  # every process this script started, stopped by cleanup()


# ---------------------------------------------------------------- processes


def cleanup():
    for proc in STARTED:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 5
    for proc in STARTED:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


def start(args, env, log_path, cwd):
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
    )
    STARTED.append(proc)
    return proc


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_reset(pid):
    """Resets the peak RSS (VmHWM) of our own process; False if refused."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def memory_kib(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                fields[key] = int(value.split()[0])
    return fields


def cpu_seconds(pid):
    """User plus system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---------------------------------------------------------------- http


def request(base, method, path, body=None, cookie=None, content_type=None,
            forwarded_for=None):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    if body is not None:
        headers["Content-Type"] = content_type or "application/json"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def cookie_from(headers, name):
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0]
    return None


def csrf_token(body):
    match = re.search(rb'name="csrf_token" value="([0-9a-f]+)"', body)
    if not match:
        raise RuntimeError("no csrf_token in the form page")
    return match.group(1).decode()


def wait_healthy(base, proc, timeout=15.0):
    """Seconds from now until GET /health answers 200."""
    started = time.perf_counter()
    url = urllib.parse.urlsplit(base)
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                conn.close()
                return time.perf_counter() - started
            conn.close()
        except OSError:
            pass
        time.sleep(0.001)
    raise RuntimeError(f"{base}/health did not answer within {timeout} s")


# ---------------------------------------------------------------- servers


class Bench:
    def __init__(self, opts):
        self.opts = opts
        self.tmp = tempfile.mkdtemp(prefix="portal-bench-")
        self.portal = None
        self.sandbox = None
        self.manager_cookie = None
        self.portal_url = None
        self.sandbox_url = opts.upstream
        self.session_key = secrets.token_hex(64)

    def start_sandbox(self, portal_port):
        port = free_port()
        env = dict(os.environ, SANDBOX_LISTEN=f"127.0.0.1:{port}",
                   SANDBOX_ALLOWED_ORIGINS=f"http://127.0.0.1:{portal_port}",
                   # Tokens are kept two lifetimes; a short one bounds the
                   # sandbox's memory at 100 000 tokens a second.
                   SANDBOX_TOKEN_LIFETIME_SECS=str(self.opts.token_lifetime),
                   RUST_LOG=self.opts.rust_log)
        proc = start([BINARY, "sandbox"], env, self.path("sandbox.log"), self.tmp)
        self.sandbox = proc
        self.sandbox_url = f"http://127.0.0.1:{port}"
        wait_healthy_sandbox(self.sandbox_url, proc)

    def portal_env(self, db_path, port):
        return dict(
            os.environ,
            PORTAL_LISTEN=f"127.0.0.1:{port}",
            PORTAL_DATABASE_URL=f"sqlite:{db_path}",
            PORTAL_SESSION_KEY=self.session_key,
            PORTAL_SECURE_COOKIES="false",
            PORTAL_TRUST_FORWARDED_FOR="true",
            PORTAL_REDIRECTS_PER_MINUTE="0",  # measure the route, not the limit
            PRICEPLAN_URL=self.sandbox_url,
            PRICEPLAN_MANAGER_LOGIN=self.opts.manager_login,
            PRICEPLAN_MANAGER_PASSWORD=self.opts.manager_password,
            RUST_LOG=self.opts.rust_log,
        )

    def start_portal(self, db_path, port):
        """Starts the portal; returns (process, seconds to the first good /health)."""
        env = self.portal_env(db_path, port)
        started = time.perf_counter()
        proc = start([BINARY, "serve"], env, self.path("portal.log"), self.tmp)
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        return proc, time.perf_counter() - started

    def path(self, name):
        return os.path.join(self.tmp, name)


def wait_healthy_sandbox(base, proc, timeout=15.0):
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"sandbox exited with {proc.returncode}")
        try:
            if request(base, "GET", "/_sandbox/stats")[0] == 200:
                return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError("the sandbox did not start")


def visitor_address(n):
    """A loopback address standing for the n-th visitor. The portal is told
    to trust X-Forwarded-For, as behind a proxy, so that its per-address
    limits on sign-up and sign-in see many visitors, not one."""
    return f"127.{n // 62500 % 250 + 1}.{n // 250 % 250}.{n % 250 + 1}"


def sign_up(portal_url, email, visitor):
    status, headers, body = request(portal_url, "GET", "/sign-up")
    cookie = cookie_from(headers, "portal_session")
    form = urllib.parse.urlencode({
        "email": email, "display_name": "Bench " + email.split("@")[0],
        "password": ACCOUNT_PASSWORD, "csrf_token": csrf_token(body),
    })
    status, headers, _ = request(portal_url, "POST", "/sign-up", form, cookie,
                                 "application/x-www-form-urlencoded", visitor)
    signed_in = cookie_from(headers, "portal_session")
    if status != 303 or not signed_in:
        raise RuntimeError(f"sign-up of {email} answered {status}")
    return signed_in


def sandbox_stats(sandbox_url):
    status, _, body = request(sandbox_url, "GET", "/_sandbox/stats")
    return json.loads(body) if status == 200 else None


def manager_cookie(sandbox_url, login, password):
    body = json.dumps({"user": login, "password": password})
    status, headers, _ = request(sandbox_url, "POST", "/api/login", body)
    cookie = cookie_from(headers, "sessionid")
    if status != 200 or not cookie:
        raise RuntimeError(f"Manager login answered {status}")
    return cookie


def set_up_accounts(bench, count):
    """Signs up `count` accounts, links each to a new sandbox client.

    Returns a list of (portal session cookie, PricePlan user id).
    """
    accounts = []
    for i in range(count):
        email = f"bench{i}@bench.example"
        cookie = sign_up(bench.portal_url, email, visitor_address(i))
        status, _, body = request(bench.sandbox_url, "POST", "/_sandbox/clients",
                                  json.dumps({"name": f"Bench client {i}"}))
        if status != 200:
            raise RuntimeError(f"POST /_sandbox/clients answered {status}")
        client = json.loads(body)
        subprocess.run(
            [BINARY, "link", email, str(client["client_id"]), str(client["user_id"])],
            env=bench.portal_env(bench.path("portal.db"), 0), cwd=bench.tmp,
            check=True, stdout=subprocess.DEVNULL,
        )
        accounts.append((cookie, client["user_id"]))
    return accounts


def warm_up(bench, accounts):
    """One redirect per account: the portal signs the Manager in once here,
    so that the measured runs should need no sign-in at all."""
    for cookie, _ in accounts:
        status, headers, _ = request(bench.portal_url, "GET",
                                     f"{bench.opts.prefix}/redirect-to-pp", cookie=cookie)
        location = dict((k.lower(), v) for k, v in headers).get("location", "")
        if status != 302 or "/auth-key/" not in location:
            raise RuntimeError(f"the redirect route answered {status}, not a 302 "
                               "to /auth-key/TOKEN/")


# ---------------------------------------------------------------- wrk


def ensure_wrk():
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing the Debian package", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "wrk"], check=True)


def write_requests(bench, name, lines):
    path = bench.path(name)
    with open(path, "w") as f:
        for line in lines:
            f.write("\t".join(line) + "\n")
    return path


def wrk(base, requests_file, connections, duration, timeout="2s"):
    threads = max(1, min(2, connections))
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
            f"--timeout={timeout}", "--latency", "-s", LUA, base]
    env = dict(os.environ, BENCH_REQUESTS=requests_file)
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    STARTED.append(proc)
    return proc


def wrk_result(proc):
    out, _ = proc.communicate(timeout=600)
    for line in out.splitlines():
        if line.startswith("BENCH_JSON "):
            result = json.loads(line[len("BENCH_JSON "):])
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            return result
    raise RuntimeError("wrk printed no result:\n" + out)


def measure(bench, requests_file, connections, base=None, pid=None):
    """One wrk run; with `pid`, the portal's peak RSS during it. Also the
    CPU time that the portal and the sandbox spent per request."""
    if pid:
        peak_rss_reset(pid)
    servers = {"portal": bench.portal, "upstream": bench.sandbox}
    servers = {name: proc for name, proc in servers.items() if proc}
    cpu_before = {name: cpu_seconds(proc.pid) for name, proc in servers.items()}
    result = wrk_result(wrk(base or bench.portal_url, requests_file, connections,
                            bench.opts.duration))
    requests = max(1, result["requests"])
    for name, proc in servers.items():
        spent = cpu_seconds(proc.pid) - cpu_before[name]
        result[f"{name}_cpu_us"] = spent * 1e6 / requests
    if pid:
        result["rss_peak_mib"] = memory_kib(pid)["VmHWM"] / 1024
    return result


def fmt(result):
    text = (f"{result['rps']:9.0f} req/s  p50 {result['p50_us'] / 1000:6.2f} ms"
            f"  p99 {result['p99_us'] / 1000:6.2f} ms")
    errors = sum(result[k] for k in result if k.startswith("errors_"))
    if errors:
        text += f"  errors {errors}"
    if "rss_peak_mib" in result:
        text += f"  peak RSS {result['rss_peak_mib']:.0f} MiB"
    cpu = [f"{name} {result[name + '_cpu_us']:.0f}" for name in ("portal", "upstream")
           if result.get(name + "_cpu_us")]
    if cpu:
        text += "  CPU us/req: " + ", ".join(cpu)
    return text


# ---------------------------------------------------------------- scenarios


def scenario_load(bench, accounts, pid):
    opts = bench.opts
    prefix = opts.prefix
    floor = write_requests(bench, "floor.txt", [
        ("GET", f"/api/users/{user_id}/reset_token/", bench.manager_cookie)
        for _, user_id in accounts])
    redirect = write_requests(bench, "redirect.txt", [
        ("GET", f"{prefix}/redirect-to-pp", cookie) for cookie, _ in accounts])
    page = write_requests(bench, "page.txt", [
        ("GET", prefix, cookie) for cookie, _ in accounts])

    results = {}
    print(f"\n== load: {opts.duration} s per run, RUST_LOG={opts.rust_log}, "
          f"{len(accounts)} accounts", flush=True)
    for c in opts.connections:
        row = {}
        row["floor"] = measure(bench, floor, c, base=bench.sandbox_url)
        print(f"c={c:<3} floor    {fmt(row['floor'])}", flush=True)

        before = sandbox_stats(bench.sandbox_url)
        row["redirect"] = measure(bench, redirect, c, pid=pid)
        after = sandbox_stats(bench.sandbox_url)
        if before and after:
            n = max(1, row["redirect"]["requests"])
            row["redirect"]["calls_per_redirect"] = (
                after["reset_token_calls"] - before["reset_token_calls"]) / n
            row["redirect"]["logins"] = after["logins"] - before["logins"]
        print(f"c={c:<3} redirect {fmt(row['redirect'])}", flush=True)
        if "calls_per_redirect" in row["redirect"]:
            print(f"      reset_token calls per redirect "
                  f"{row['redirect']['calls_per_redirect']:.3f}, "
                  f"Manager logins {row['redirect']['logins']}", flush=True)
        row["ratio"] = row["redirect"]["rps"] / row["floor"]["rps"]
        print(f"      redirect / floor throughput {row['ratio'] * 100:.0f}%", flush=True)

        before = sandbox_stats(bench.sandbox_url)
        row["page"] = measure(bench, page, c, pid=pid)
        after = sandbox_stats(bench.sandbox_url)
        if before and after:
            row["page"]["api_calls"] = after["api_calls"] - before["api_calls"]
        print(f"c={c:<3} page     {fmt(row['page'])}", flush=True)
        results[c] = row
    return results


def scenario_flood(bench, accounts, pid):
    opts = bench.opts
    c = opts.flood_connections
    prefix = opts.prefix
    redirect = bench.path("redirect.txt")
    page = bench.path("page.txt")

    status, headers, body = request(bench.portal_url, "GET", "/sign-in")
    cookie = cookie_from(headers, "portal_session")
    token = csrf_token(body)
    # A spread-out flood: every request from another address for another
    # email, so that the throttle lets each one through to argon2.
    lines = []
    for n in range(5000):
        form = urllib.parse.urlencode({
            "email": f"nobody{n}@bench.example", "password": "a wrong password!",
            "next": prefix, "csrf_token": token})
        lines.append(("POST", "/sign-in", cookie, form, visitor_address(10000 + n)))
    flood = write_requests(bench, "flood.txt", lines)

    print(f"\n== sign-in flood: {c} connections measured, "
          f"{opts.flood_load} flooding POST /sign-in", flush=True)
    quiet = {"page": measure(bench, page, c, pid=pid),
             "redirect": measure(bench, redirect, c, pid=pid)}
    print(f"quiet   page     {fmt(quiet['page'])}", flush=True)
    print(f"quiet   redirect {fmt(quiet['redirect'])}", flush=True)

    flood_proc = wrk(bench.portal_url, flood, opts.flood_load,
                     2 * opts.duration + 2, timeout="30s")
    time.sleep(1)
    flooded = {"page": measure(bench, page, c, pid=pid),
               "redirect": measure(bench, redirect, c, pid=pid)}
    flood_result = wrk_result(flood_proc)
    print(f"flooded page     {fmt(flooded['page'])}", flush=True)
    print(f"flooded redirect {fmt(flooded['redirect'])}", flush=True)
    print(f"flood   sign-in  {flood_result['rps']:9.1f} req/s (all refused: "
          f"{flood_result['errors_status']} of {flood_result['requests']} got 401)  "
          f"p50 {flood_result['p50_us'] / 1000:.0f} ms", flush=True)
    for route in ("page", "redirect"):
        factor = flooded[route]["p99_us"] / max(1, quiet[route]["p99_us"])
        print(f"        {route} p99 x{factor:.2f} under the flood", flush=True)
    return {"quiet": quiet, "flooded": flooded, "flood": flood_result}


def scenario_startup(bench):
    opts = bench.opts
    print(f"\n== start-up: process start to first good /health, "
          f"{opts.startup_runs} runs each", flush=True)
    empty = []
    for i in range(opts.startup_runs):
        db = bench.path(f"startup-empty-{i}.db")
        proc, seconds = bench.start_portal(db, free_port())
        stop(proc)
        empty.append(seconds)

    db = bench.path("startup-large.db")
    port = free_port()
    proc, _ = bench.start_portal(db, port)  # applies the migrations
    sign_up(f"http://127.0.0.1:{port}", "template@bench.example", visitor_address(0))
    stop(proc)
    generated = time.perf_counter()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO users (email, password_hash, display_name, "
            "priceplan_user_id, priceplan_client_id) "
            "SELECT 'user' || i || '@bench.example', "
            "(SELECT password_hash FROM users LIMIT 1), 'Bench user ' || i, "
            "200000 + i, 100000 + i FROM n", (opts.startup_accounts,))
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM users").fetchone()[0]
    print(f"generated {rows} accounts in {time.perf_counter() - generated:.1f} s",
          flush=True)
    large = []
    for _ in range(opts.startup_runs):
        proc, seconds = bench.start_portal(db, free_port())
        stop(proc)
        large.append(seconds)

    for name, runs in (("empty database", empty), (f"{rows} accounts", large)):
        print(f"{name:<16} median {statistics.median(runs) * 1000:6.0f} ms  "
              f"(min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f})", flush=True)
    return {"empty": empty, "large": large, "rows": rows}


# ---------------------------------------------------------------- main


def targets(load, flood, startup):
    checks = []
    if load and 16 in load:
        row = load[16]
        checks.append(("redirect >= 40% of the floor (c=16)", row["ratio"] >= 0.4,
                       f"{row['ratio'] * 100:.0f}%"))
        checks.append(("redirect p99 < 10 ms (c=16)", row["redirect"]["p99_us"] < 10_000,
                       f"{row['redirect']['p99_us'] / 1000:.2f} ms"))
        checks.append(("page p99 < 5 ms (c=16)", row["page"]["p99_us"] < 5_000,
                       f"{row['page']['p99_us'] / 1000:.2f} ms"))
        cpr = row["redirect"].get("calls_per_redirect")
        if cpr is not None:
            checks.append(("1.00 reset_token call per redirect, no logins",
                           round(cpr, 2) == 1.0 and row["redirect"]["logins"] == 0,
                           f"{cpr:.3f}, {row['redirect']['logins']} logins"))
    if flood:
        for route in ("page", "redirect"):
            factor = flood["flooded"][route]["p99_us"] / max(1, flood["quiet"][route]["p99_us"])
            checks.append((f"{route} p99 under the sign-in flood <= 2x", factor <= 2,
                           f"x{factor:.2f}"))
    if startup:
        for name in ("empty", "large"):
            worst = max(startup[name])
            checks.append((f"start-up < 1 s ({name} database)", worst < 1,
                           f"max {worst * 1000:.0f} ms"))
    print("\n== targets")
    for name, ok, value in checks:
        print(f"{'MET ' if ok else 'MISS'}  {name}: {value}")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenarios", default="load,flood,startup",
                   help="comma-separated: load, flood, startup (default: all)")
    p.add_argument("--duration", type=int, default=8, help="seconds per wrk run (8)")
    p.add_argument("--connections", default="1,16,64",
                   help="concurrency levels of the load scenario (1,16,64)")
    p.add_argument("--accounts", type=int, default=32, help="accounts signed in (32)")
    p.add_argument("--flood-connections", type=int, default=16,
                   help="connections measuring the routes under the flood (16)")
    p.add_argument("--flood-load", type=int, default=8,
                   help="connections flooding POST /sign-in (8)")
    p.add_argument("--startup-accounts", type=int, default=100_000)
    p.add_argument("--startup-runs", type=int, default=3)
    p.add_argument("--rust-log", default="warn",
                   help="RUST_LOG of the portal and the sandbox (warn)")
    p.add_argument("--token-lifetime", type=int, default=5,
                   help="SANDBOX_TOKEN_LIFETIME_SECS of the sandbox (5)")
    p.add_argument("--prefix", default="/pa", help="the cabinet prefix (/pa)")
    p.add_argument("--upstream", help="URL of a PricePlan-like API on loopback "
                   "instead of a sandbox started here")
    p.add_argument("--manager-login", default=MANAGER_LOGIN)
    p.add_argument("--manager-password", default=MANAGER_PASSWORD)
    p.add_argument("--no-build", action="store_true",
                   help="use target/release as it is")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    opts = p.parse_args()
    opts.connections = [int(c) for c in opts.connections.split(",")]
    opts.scenarios = set(opts.scenarios.split(","))
    if opts.upstream:
        host = urllib.parse.urlsplit(opts.upstream).hostname
        if host not in LOOPBACK:
            p.error("--upstream must be on loopback: this benchmark sends load "
                    "only to this machine")
    return opts


def main():
    opts = parse_args()
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ensure_wrk()
    if not opts.no_build:
        print("== cargo build --release", flush=True)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)

    bench = Bench(opts)
    print(f"machine: {os.cpu_count()} CPUs, load average {load_average()} (start)")
    print(f"temporary directory: {bench.tmp}", flush=True)
    load = flood = startup = None
    try:
        port = free_port()
        bench.portal_url = f"http://127.0.0.1:{port}"
        if not opts.upstream:
            bench.start_sandbox(port)
        if opts.scenarios & {"load", "flood"}:
            bench.portal, seconds = bench.start_portal(bench.path("portal.db"), port)
            print(f"portal up in {seconds * 1000:.0f} ms; signing up {opts.accounts} "
                  f"accounts", flush=True)
            accounts = set_up_accounts(bench, opts.accounts)
            bench.manager_cookie = manager_cookie(bench.sandbox_url, opts.manager_login,
                                                  opts.manager_password)
            warm_up(bench, accounts)
            pid = bench.portal.pid
            if not peak_rss_reset(pid):
                print("note: cannot reset VmHWM; peak RSS is since start")
            if "load" in opts.scenarios:
                load = scenario_load(bench, accounts, pid)
            if "flood" in opts.scenarios:
                if "load" not in opts.scenarios:
                    scenario_load_files(bench, accounts)
                flood = scenario_flood(bench, accounts, pid)
            print(f"\nportal peak RSS over the whole run: "
                  f"{memory_kib(pid)['VmHWM'] / 1024:.1f} MiB "
                  f"(VmHWM, reset before each measurement)")
            stop(bench.portal)
        if "startup" in opts.scenarios:
            startup = scenario_startup(bench)
        targets(load, flood, startup)
        print(f"\nload average {load_average()} (end)")
    finally:
        cleanup()
        leftover = subprocess.run(["pgrep", "-P", str(os.getpid())],
                                  capture_output=True, text=True).stdout.split()
        alive = [p.pid for p in STARTED if p.poll() is None]
        print(f"processes left behind: {len(set(leftover)) + len(alive)}")
        if not opts.keep:
            shutil.rmtree(bench.tmp, ignore_errors=True)


def scenario_load_files(bench, accounts):
    prefix = bench.opts.prefix
    write_requests(bench, "redirect.txt", [
        ("GET", f"{prefix}/redirect-to-pp", cookie) for cookie, _ in accounts])
    write_requests(bench, "page.txt", [("GET", prefix, cookie) for cookie, _ in accounts])


if __name__ == "__main__":
    main()
