#!/usr/bin/env python3
"""Independent clients of `tvp serve`, for comparison with tvp's download workload (issue 16).

Each client downloads tasks 0..N-1 (task i fetches /files/<i % FILES>) with at most W in flight,
checks every response's status and Content-Length, and digests exactly as tvp does: a task's
digest is SHA-256(8-byte little-endian task index + body), the trial's digest SHA-256 of the task
digests in task order. It prints one CSV line per trial:

    client,workers,tasks,keep_alive,wall_s,peak_threads,max_rss_kib,errors,digest

Clients (standard library only, CPython 3.11 as on the machine; curl from Debian):
    threads    concurrent.futures.ThreadPoolExecutor(W) + http.client; with keep-alive each
               thread keeps one HTTPConnection, without it every download connects and sends
               `Connection: close`
    asyncio    asyncio streams (open_connection), W coroutines in flight, one event loop
    curl       one curl process: `curl --parallel --parallel-immediate --parallel-max W` (libcurl's multi interface,
               an event loop in C); curl caps --parallel-max at 300, so wider W runs at 300 and
               the row says so in its `workers` column (e.g. 300/1000)

Usage: downloads_clients.py PORT CLIENT WORKERS TASKS --files F --keep-alive 0|1 [--repeat R]
"""
import argparse
import asyncio
import concurrent.futures
import hashlib
import http.client
import os
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time


def task_digest(index, body):
    return hashlib.sha256(struct.pack("<Q", index) + body).digest()


def combined(digests):
    return hashlib.sha256(b"".join(digests)).hexdigest()


class PeakThreads:
    """Samples this process's thread count every 10 ms, as tvp samples its own."""

    def __init__(self):
        self.peak = threading.active_count()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.done.wait(0.01):
            try:
                self.peak = max(self.peak, len(os.listdir("/proc/self/task")))
            except OSError:
                pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def run_threads(port, workers, tasks, files, keep_alive, size):
    local = threading.local()

    def download(index):
        path = f"/files/{index % files}"
        try:
            if keep_alive:
                connection = getattr(local, "connection", None)
                if connection is None:
                    connection = local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path)
            else:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path, headers={"Connection": "close"})
            response = connection.getresponse()
            body = response.read()
            if not keep_alive:
                connection.close()
            if response.status != 200 or len(body) != size:
                return index, None, f"status {response.status}, {len(body)} bytes"
            return index, task_digest(index, body), None
        except OSError as error:
            local.connection = None
            return index, None, str(error)

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(download, range(tasks)))


def run_asyncio(port, workers, tasks, files, keep_alive, size):
    async def lane(queue, results):
        reader = writer = None
        while True:
            try:
                index = queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
                close = "" if keep_alive else "Connection: close\r\n"
                writer.write(f"GET /files/{index % files} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{close}\r\n".encode())
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split(" ")[1])
                length = next(int(l.split(":", 1)[1]) for l in lines[1:] if l.lower().startswith("content-length:"))
                body = await reader.readexactly(length)
                if not keep_alive:
                    await reader.read()  # the server closes after its answer
                    writer.close()
                    reader = writer = None
                if status != 200 or length != size:
                    results.append((index, None, f"status {status}, {length} bytes"))
                else:
                    results.append((index, task_digest(index, body), None))
            except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration) as error:
                results.append((index, None, repr(error)))
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    async def main():
        queue = asyncio.Queue()
        for index in range(tasks):
            queue.put_nowait(index)
        results = []
        await asyncio.gather(*(lane(queue, results) for _ in range(min(workers, tasks))))
        return sorted(results)

    return asyncio.run(main())


def run_curl(port, workers, tasks, files, keep_alive, size):
    # One output file per task, in a private directory: curl writes each body, Python digests them after.
    with tempfile.TemporaryDirectory(prefix="tvp-curl-") as directory:
        config = os.path.join(directory, "urls")
        with open(config, "w") as f:
            for index in range(tasks):
                f.write(f'url = "http://127.0.0.1:{port}/files/{index % files}"\noutput = "{directory}/{index}"\n')
        command = ["curl", "-sS", "--parallel", "--parallel-immediate", "--parallel-max", str(min(workers, 300)), "--config", config]
        if not keep_alive:
            command += ["-H", "Connection: close"]
        start = time.monotonic()
        finished = subprocess.run(command, capture_output=True, text=True)
        wall = time.monotonic() - start
        results = []
        for index in range(tasks):
            try:
                with open(os.path.join(directory, str(index)), "rb") as f:
                    body = f.read()
            except OSError as error:
                results.append((index, None, str(error)))
                continue
            if len(body) != size:
                results.append((index, None, f"{len(body)} bytes"))
            else:
                results.append((index, task_digest(index, body), None))
        if finished.returncode != 0:
            results.append((-1, None, finished.stderr.strip()[:200]))
        return results, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int)
    parser.add_argument("client", choices=["threads", "asyncio", "curl"])
    parser.add_argument("workers", type=int)
    parser.add_argument("tasks", type=int)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--file-size", type=int, default=16384)
    parser.add_argument("--keep-alive", type=int, choices=[0, 1], default=0)
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    run = {"threads": run_threads, "asyncio": run_asyncio}
    for _ in range(arguments.repeat):
        with PeakThreads() as threads:
            start = time.monotonic()
            if arguments.client == "curl":
                results, wall = run_curl(arguments.port, arguments.workers, arguments.tasks, arguments.files,
                                         arguments.keep_alive, arguments.file_size)
            else:
                results = run[arguments.client](arguments.port, arguments.workers, arguments.tasks, arguments.files,
                                                arguments.keep_alive, arguments.file_size)
                wall = time.monotonic() - start
        errors = [r for r in results if r[1] is None]
        digest = combined([r[1] for r in sorted(results)]) if not errors else ""
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if arguments.client == "curl":
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        workers = f"{min(arguments.workers, 300)}/{arguments.workers}" if arguments.client == "curl" and arguments.workers > 300 \
            else str(arguments.workers)
        print(f"{arguments.client},{workers},{arguments.tasks},{arguments.keep_alive},{wall:.6f},{threads.peak},{rss},"
              f"{len(errors)},{digest}", flush=True)
        for error in errors[:3]:
            print(f"# error: task {error[0]}: {error[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
