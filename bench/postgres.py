"""A throwaway PostgreSQL cluster for the benchmarks: Tests/postgres.sh, with durability on
(fsync and synchronous commit as a real server has them)."""

import contextlib
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "Tests", "postgres.sh")


@contextlib.contextmanager
def cluster():
    """Yields the superuser's URL of a new cluster; stops and removes it after."""
    folder = tempfile.mkdtemp(prefix="hearth-pg-bench-")
    try:
        url = subprocess.run([SCRIPT, "start", folder], check=True, capture_output=True, text=True,
                             env={**os.environ, "HEARTH_PG_DURABLE": "1"}).stdout.strip()
        yield url
    finally:
        subprocess.run([SCRIPT, "stop", folder], check=False)


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-t", "-A", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def database(url, name):
    """Creates database `name`; returns its URL."""
    psql(url, f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def size(url):
    return int(psql(url, "SELECT pg_database_size(current_database())"))
