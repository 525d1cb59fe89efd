"""A Majordomo broker speaking 7/MDP (MDP/0.1) only, like every broker of the guide.

One ROUTER socket for clients and workers. As in the guide's mdbroker, the broker sends
HEARTBEAT to idle workers only and forgets idle workers that fell silent; a busy worker
is neither heartbeated nor expired. mmi.service answers "200" or "404", other mmi.*
services "501".

Prints "bound <endpoint>", then "workers <service> <count>" whenever a service's number
of workers changes.
"""
import argparse
from collections import OrderedDict

import zmq

import mdp
from peer import bind, now_ms, say, warn

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int)
parser.add_argument("--heartbeat", type=int, default=2500, help="ms")
parser.add_argument("--liveness", type=int, default=3)
options = parser.parse_args()
expiry_ms = options.heartbeat * options.liveness


class Worker:
    def __init__(self, identity, service):
        self.identity = identity
        self.service = service
        self.expiry = now_ms() + expiry_ms


class Service:
    def __init__(self, name):
        self.name = name
        self.requests = []  # [client, body frames]
        self.waiting = []  # idle workers, the one idle longest first
        self.workers = 0


context = zmq.Context()
socket = context.socket(zmq.ROUTER)
socket.linger = 0
say("bound", bind(socket, "tcp://127.0.0.1", options.port))

services = {}
workers = OrderedDict()  # identity -> Worker
waiting = []  # every idle worker, for heartbeats and expiry


def service_named(name):
    if name not in services:
        services[name] = Service(name)
    return services[name]


def send_worker(identity, command, rest=()):
    socket.send_multipart([identity, b"", mdp.WORKER, command, *rest])


def delete_worker(worker, disconnect):
    if disconnect:
        send_worker(worker.identity, mdp.DISCONNECT)
    service = worker.service
    if worker in service.waiting:
        service.waiting.remove(worker)
    if worker in waiting:
        waiting.remove(worker)
    workers.pop(worker.identity, None)
    service.workers -= 1
    say("workers", service.name.decode(), service.workers)


def make_waiting(worker):
    waiting.append(worker)
    worker.service.waiting.append(worker)
    worker.expiry = now_ms() + expiry_ms
    dispatch(worker.service)


def dispatch(service):
    while service.waiting and service.requests:
        client, body = service.requests.pop(0)
        worker = service.waiting.pop(0)
        waiting.remove(worker)
        send_worker(worker.identity, mdp.REQUEST, [client, b"", *body])


def from_client(sender, frames):
    if len(frames) < 2:
        warn("E: client request without service or body:", frames)
        return
    name, body = frames[0], frames[1:]
    if name.startswith(b"mmi."):
        code = b"501"
        if name == b"mmi.service":
            asked = services.get(body[-1])
            code = b"200" if asked is not None and asked.workers > 0 else b"404"
        socket.send_multipart([sender, b"", mdp.CLIENT, name, code])
        return
    service = service_named(name)
    service.requests.append((sender, body))
    dispatch(service)


def from_worker(sender, frames):
    if not frames:
        warn("E: worker message without command")
        return
    command, rest = frames[0], frames[1:]
    worker = workers.get(sender)
    if command == mdp.READY:
        if worker is not None or len(rest) != 1 or rest[0].startswith(b"mmi."):
            # A second READY, or one for the broker's own namespace.
            if worker is not None:
                delete_worker(worker, True)
            else:
                send_worker(sender, mdp.DISCONNECT)
            return
        service = service_named(rest[0])
        worker = Worker(sender, service)
        workers[sender] = worker
        service.workers += 1
        say("workers", service.name.decode(), service.workers)
        make_waiting(worker)
    elif command == mdp.REPLY:
        if worker is None or len(rest) < 3 or rest[1] != b"":
            send_worker(sender, mdp.DISCONNECT)
            return
        client, body = rest[0], rest[2:]
        socket.send_multipart([client, b"", mdp.CLIENT, worker.service.name, *body])
        make_waiting(worker)
    elif command == mdp.HEARTBEAT:
        if worker is None:
            send_worker(sender, mdp.DISCONNECT)
        else:
            worker.expiry = now_ms() + expiry_ms
    elif command == mdp.DISCONNECT:
        if worker is not None:
            delete_worker(worker, False)
    else:
        warn("E: invalid worker command:", frames)


poller = zmq.Poller()
poller.register(socket, zmq.POLLIN)
heartbeat_at = now_ms() + options.heartbeat
while True:
    events = dict(poller.poll(max(0, heartbeat_at - now_ms())))
    if socket in events:
        frames = socket.recv_multipart()
        sender, empty, header, rest = frames[0], frames[1], frames[2:3], frames[3:]
        if empty != b"" or not header:
            warn("E: message without the empty frame and header:", frames)
        elif header[0] == mdp.CLIENT:
            from_client(sender, rest)
        elif header[0] == mdp.WORKER:
            from_worker(sender, rest)
        else:
            warn("E: unknown header:", frames)
    if now_ms() >= heartbeat_at:
        # The guide's way: only idle workers are heartbeated, and only they expire.
        for worker in list(waiting):
            if worker.expiry <= now_ms():
                delete_worker(worker, False)
        for worker in waiting:
            send_worker(worker.identity, mdp.HEARTBEAT)
        heartbeat_at = now_ms() + options.heartbeat
