"""A Paranoid Pirate worker (6/PPP), in the manner of the guide's ppworker.

A DEALER socket sends READY, answers each request [client envelope, "", body] with the
same envelope and [body, name], heartbeats the queue every --heartbeat ms, and when the
queue stayed silent for --liveness heartbeats closes its socket, waits (--reconnect ms,
doubling up to 32 times that) and starts over. Prints "connected <n>", "served <body>"
and "dying on <body>" before SIGKILLing itself on request number --die-on.
"""
import argparse
import time

import zmq

from peer import crash, now_ms, say, warn

READY, HEARTBEAT = b"\x01", b"\x02"

parser = argparse.ArgumentParser()
parser.add_argument("--queue", required=True)
parser.add_argument("--name", default="python")
parser.add_argument("--die-on", type=int, default=0)
parser.add_argument("--heartbeat", type=int, default=1000, help="ms")
parser.add_argument("--liveness", type=int, default=3)
parser.add_argument("--reconnect", type=int, default=1000, help="ms")
options = parser.parse_args()

context = zmq.Context()
poller = zmq.Poller()
socket = None
connections = 0
served = 0


def connect():
    global socket, connections
    if socket is not None:
        poller.unregister(socket)
        socket.close(0)
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(options.queue)
    poller.register(socket, zmq.POLLIN)
    socket.send(READY)
    connections += 1
    say("connected", connections)


connect()
liveness = options.liveness
interval = options.reconnect
heartbeat_at = now_ms() + options.heartbeat
while True:
    events = dict(poller.poll(options.heartbeat))
    if socket in events:
        frames = socket.recv_multipart()
        liveness = options.liveness
        interval = options.reconnect
        if len(frames) >= 3 and frames[-2] == b"":
            served += 1
            body = frames[-1]
            if served == options.die_on:
                say("dying on", body.decode())
                crash()
            say("served", body.decode())
            socket.send_multipart([*frames[:-1], body, options.name.encode()])
        elif frames != [HEARTBEAT]:
            warn("E: invalid message from the queue:", frames)
    else:
        liveness -= 1
        if liveness == 0:
            warn("W: queue silent, reconnecting in %d ms" % interval)
            time.sleep(interval / 1000)
            interval = min(interval * 2, options.reconnect * 32)
            connect()
            liveness = options.liveness
    if now_ms() >= heartbeat_at:
        socket.send(HEARTBEAT)
        heartbeat_at = now_ms() + options.heartbeat
