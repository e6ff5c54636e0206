"""A real S3-compatible HTTP server for tests: moto's server mode, started on 127.0.0.1.

The robot talks to it with boto3 over real HTTP (signing, presigned URLs, errors), as it would
to MinIO or AWS; nothing in the client is patched.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from tests.support.peers import free_port, need, wait_until

S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "ringcheck-test",
    "AWS_SECRET_ACCESS_KEY": "ringcheck-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.session.Session(
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        ).client("s3", endpoint_url=self.endpoint_url)

    def make_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def s3_server() -> Iterator[S3Server]:
    """Start moto's S3-compatible server on a free port; stop it afterwards."""
    available = importlib.util.find_spec("moto") is not None
    need("moto server (pip install 'moto[server]')", available)
    port = free_port()
    env = {**os.environ, **S3_CREDENTIALS}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _listening(port) or process.poll() is not None, 60, "moto server")
        need("moto server", process.poll() is None, "it exited at start")
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
