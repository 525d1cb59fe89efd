"""A Freelance client, in the manner of the guide's flcliapi (model three).

A ROUTER socket connects to every server given and names each by its endpoint (the
identity the server announces). It PINGs every server each --ping ms; a server is alive
from its first message until it has been silent for --ttl ms. A request [sequence, body]
goes to the first live server in the order given; when it gets no reply within --try ms
the server counts as dead and the request goes to the next live one; after --timeout ms
in all it fails. Replies with another sequence number (late ones) are dropped.
Requests come from stdin, one body per line; prints "reply <body> <frames|...>" or
"failed <body>"; prints "alive <endpoint>" when a server first answers.
"""
import argparse

import zmq

from peer import Commands, now_ms, say, text, warn

parser = argparse.ArgumentParser()
parser.add_argument("servers", nargs="+")
parser.add_argument("--ping", type=int, default=2000, help="ms")
parser.add_argument("--ttl", type=int, default=6000, help="ms")
parser.add_argument("--try", dest="try_ms", type=int, default=1000, help="ms")
parser.add_argument("--timeout", type=int, default=3000, help="ms")
options = parser.parse_args()

context = zmq.Context()
router = context.socket(zmq.ROUTER)
router.linger = 0
servers = [endpoint.encode() for endpoint in options.servers]
expiry = {server: 0 for server in servers}  # alive while now < expiry
ping_at = {server: 0 for server in servers}
for server in servers:
    router.connect(server.decode())

poller = zmq.Poller()
poller.register(router, zmq.POLLIN)
commands = Commands(poller)
queue = []  # bodies waiting their turn
sequence = 0
current = None  # [sequence, body, deadline, server, try deadline]


def alive(server):
    return now_ms() < expiry[server]


def dispatch():
    """Sends the current request to the first live server, if it has none."""
    global current
    if current is None and queue:
        global sequence
        sequence += 1
        current = [str(sequence).encode(), queue.pop(0), now_ms() + options.timeout, None, 0]
    if current is None or current[3] is not None:
        return
    for server in servers:
        if alive(server):
            router.send_multipart([server, current[0], current[1]])
            current[3] = server
            current[4] = now_ms() + options.try_ms
            return


while True:
    deadlines = [min(ping_at.values())]
    if current is not None:
        deadlines.append(current[2])
        if current[3] is not None:
            deadlines.append(current[4])
    events = dict(poller.poll(max(0, min(deadlines) - now_ms())))
    if commands.ready(events):
        for words in commands.read():
            queue.append(words[0].encode())
    if router in events:
        frames = router.recv_multipart()
        server, rest = frames[0], frames[1:]
        if server in expiry:
            if not alive(server):
                say("alive", server.decode())
            expiry[server] = now_ms() + options.ttl
        if rest == [b"PONG"]:
            pass
        elif current is not None and rest and rest[0] == current[0]:
            say("reply", current[1].decode(), "|".join(text(frame) for frame in rest[1:]))
            current = None
        elif rest:
            warn("W: dropped a late or unknown reply:", frames)
    if current is not None:
        if now_ms() >= current[2]:
            say("failed", current[1].decode())
            current = None
        elif current[3] is not None and now_ms() >= current[4]:
            # No answer in time: that server counts as dead; try the next one.
            expiry[current[3]] = 0
            current[3] = None
    dispatch()
    for server in servers:
        if now_ms() >= ping_at[server]:
            router.send_multipart([server, b"PING"])
            ping_at[server] = now_ms() + options.ping
