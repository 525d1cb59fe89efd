"""A Paranoid Pirate queue (6/PPP), in the manner of the guide's ppqueue.

Frontend ROUTER for clients, backend ROUTER for workers. A worker is ready after READY
("\\x01"), a HEARTBEAT ("\\x02") or a reply; requests go to the worker ready longest. The
queue heartbeats ready workers every --heartbeat ms and forgets one silent for
--liveness heartbeats. Prints "bound frontend=<e> backend=<e>" and "workers <n>" when
the number of ready workers changes.
"""
import argparse
from collections import OrderedDict

import zmq

from peer import bind, now_ms, say, warn

READY, HEARTBEAT = b"\x01", b"\x02"

parser = argparse.ArgumentParser()
parser.add_argument("--frontend-port", type=int)
parser.add_argument("--backend-port", type=int)
parser.add_argument("--heartbeat", type=int, default=1000, help="ms")
parser.add_argument("--liveness", type=int, default=3)
options = parser.parse_args()

context = zmq.Context()
frontend = context.socket(zmq.ROUTER)
backend = context.socket(zmq.ROUTER)
frontend.linger = backend.linger = 0
say(
    "bound",
    "frontend=" + bind(frontend, "tcp://127.0.0.1", options.frontend_port),
    "backend=" + bind(backend, "tcp://127.0.0.1", options.backend_port),
)

ready = OrderedDict()  # worker identity -> expiry; the one ready longest first
reported = None


def report():
    global reported
    if reported != len(ready):
        reported = len(ready)
        say("workers", reported)


both = zmq.Poller()
both.register(backend, zmq.POLLIN)
both.register(frontend, zmq.POLLIN)
workers_only = zmq.Poller()
workers_only.register(backend, zmq.POLLIN)
heartbeat_at = now_ms() + options.heartbeat
while True:
    poller = both if ready else workers_only
    events = dict(poller.poll(max(0, heartbeat_at - now_ms())))
    if backend in events:
        frames = backend.recv_multipart()
        worker, message = frames[0], frames[1:]
        ready.pop(worker, None)
        ready[worker] = now_ms() + options.heartbeat * options.liveness
        if len(message) == 1:
            if message[0] not in (READY, HEARTBEAT):
                warn("E: invalid message from worker:", frames)
        else:
            frontend.send_multipart(message)
        report()
    if frontend in events and ready:
        frames = frontend.recv_multipart()
        worker, _ = ready.popitem(last=False)
        backend.send_multipart([worker, *frames])
        report()
    if now_ms() >= heartbeat_at:
        for worker in list(ready):
            backend.send_multipart([worker, HEARTBEAT])
        heartbeat_at = now_ms() + options.heartbeat
    for worker, expiry in list(ready.items()):
        if expiry <= now_ms():
            del ready[worker]
    report()
