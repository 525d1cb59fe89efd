"""A Majordomo worker speaking 7/MDP (MDP/0.1), in the manner of the guide's mdwrkapi.

A DEALER socket sends READY, then answers each REQUEST with a REPLY [request, name]; it
heartbeats the broker while waiting and starts over on a new socket after DISCONNECT or
when the broker stayed silent for `liveness` heartbeats.

Prints "connected <n>" for each READY sent, "served <body>" per request, and
"dying on <body>" before SIGKILLing itself on request number --die-on.
"""
import argparse
import time

import zmq

import mdp
from peer import crash, now_ms, say, warn

parser = argparse.ArgumentParser()
parser.add_argument("--broker", required=True)
parser.add_argument("--service", default="echo")
parser.add_argument("--name", default="python")
parser.add_argument("--die-on", type=int, default=0)
parser.add_argument("--heartbeat", type=int, default=2500, help="ms")
parser.add_argument("--liveness", type=int, default=3)
parser.add_argument("--reconnect", type=int, default=2500, help="ms")
options = parser.parse_args()

context = zmq.Context()
socket = None
poller = zmq.Poller()
connections = 0
served = 0


def send(command, rest=()):
    socket.send_multipart([b"", mdp.WORKER, command, *rest])


def connect():
    global socket, connections, liveness
    if socket is not None:
        poller.unregister(socket)
        socket.close(0)
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(options.broker)
    poller.register(socket, zmq.POLLIN)
    send(mdp.READY, [options.service.encode()])
    connections += 1
    liveness = options.liveness
    say("connected", connections)


connect()
heartbeat_at = now_ms() + options.heartbeat
while True:
    events = dict(poller.poll(options.heartbeat))
    if socket in events:
        frames = socket.recv_multipart()
        liveness = options.liveness
        if len(frames) < 3 or frames[0] != b"" or frames[1] != mdp.WORKER:
            warn("E: not an MDP/Worker command:", frames)
            continue
        command, rest = frames[2], frames[3:]
        if command == mdp.REQUEST and len(rest) >= 3 and rest[1] == b"":
            client, body = rest[0], rest[2:]
            served += 1
            if served == options.die_on:
                say("dying on", body[0].decode())
                crash()
            say("served", body[0].decode())
            send(mdp.REPLY, [client, b"", body[0], options.name.encode()])
        elif command == mdp.HEARTBEAT:
            pass
        elif command == mdp.DISCONNECT:
            connect()
        else:
            warn("E: invalid command from the broker:", frames)
    else:
        liveness -= 1
        if liveness == 0:
            warn("W: broker silent, reconnecting")
            time.sleep(options.reconnect / 1000)
            connect()
    if now_ms() >= heartbeat_at:
        send(mdp.HEARTBEAT)
        heartbeat_at = now_ms() + options.heartbeat
