"""What the interop peers share: output lines for the test, crashes on cue, binding.

Every peer reports to the test on stdout, one line per event ("bound ...", "reply ...");
the test reads commands it sends to stdin. A peer told to die on its Nth request kills
itself with SIGKILL: no linger, no goodbye, as a crash would.
"""
import os
import signal
import socket as socketlib
import sys
import time

import zmq


def say(*words):
    """One line for the test."""
    print(" ".join(str(word) for word in words), flush=True)


def warn(*words):
    """One line for a human reading a failed test's stderr."""
    print(*words, file=sys.stderr, flush=True)


def crash():
    os.kill(os.getpid(), signal.SIGKILL)


def now_ms():
    return time.monotonic() * 1000


def bind(socket, host, port=None):
    """Binds to `host:port`, or to a port the system picks; returns the endpoint."""
    socket.bind("%s:%s" % (host, port if port else "*"))
    return socket.getsockopt_string(zmq.LAST_ENDPOINT)


def free_port():
    """A port of 127.0.0.1 nothing listens on now, for a socket that must know its
    endpoint before binding. (A ZeroMQ socket would free it only later, in its I/O
    thread; a plain socket frees it when closed.)"""
    with socketlib.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def text(frame):
    return frame.decode("latin1")


class Commands:
    """Lines the test writes to stdin, read without blocking the peer's poll loop."""

    def __init__(self, poller):
        self.fd = sys.stdin.fileno()
        self.buffer = b""
        poller.register(self.fd, zmq.POLLIN)

    def ready(self, events):
        return self.fd in events

    def read(self):
        data = os.read(self.fd, 65536)
        if not data:
            sys.exit(0)  # the test ended: stdin closed
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        return [line.decode().split() for line in lines if line.strip()]
