"""A Clone client (12/CHP), as the guide's clonecli5 (--model 5) or clone agent (--model 6).

Model 5: one server. Subscribes to the subtree, asks for a snapshot (ICANHAZ?) at once,
applies it, then every published update numbered past it; updates are PUSHed to the
server's collector.

Model 6: a list of servers to fail over between. Subscribes to the subtree and HUGZ, asks
the current server for a snapshot, and moves to the next server when the current one has
been silent for --server-ttl ms (no snapshot, no update, no HUGZ). Updates are PUBlished
to the collectors of all servers (12/CHP). The publisher is an XPUB (a PUB on the wire)
only to know when the servers' subscriptions arrived: a PUB drops what it sends before;
updates wait until every server subscribed (or one did and --server-ttl passed).

Servers are given as "snapshot,publisher,collector". Commands on stdin: "set <key>
<value> [ttl seconds]", "delete <key>", "dump". Prints "synced <server> <sequence>
<size>", "live" when the first message arrives on the subscription (from then on no
update is missed), "update <sequence> <key> <value>" ("-" for a delete), "silent <server>",
"publishing" once updates can leave, and "map <key=value,...>" for dump.
"""
import argparse

import zmq

from kv import HUGZ, ICANHAZ, KTHXBAI, KV
from peer import Commands, now_ms, say, warn

parser = argparse.ArgumentParser()
parser.add_argument("--model", type=int, choices=[5, 6], required=True)
parser.add_argument("--server", action="append", required=True)
parser.add_argument("--subtree", default="")
parser.add_argument("--server-ttl", type=int, default=5000, help="ms")
options = parser.parse_args()
model6 = options.model == 6
subtree = options.subtree.encode()
servers = [server.split(",") for server in options.server]

context = zmq.Context()
poller = zmq.Poller()
commands = Commands(poller)

if model6:
    updates = context.socket(zmq.XPUB)
    updates.setsockopt(zmq.XPUB_VERBOSE, 1)  # every server's subscription, not the first
    for server in servers:
        updates.connect(server[2])
    poller.register(updates, zmq.POLLIN)
else:
    updates = context.socket(zmq.PUSH)
    updates.connect(servers[0][2])
updates.linger = 0
subscriptions = 0
publishing = not model6
held = []  # updates waiting for the servers to subscribe
started = now_ms()


class Server:
    """The sockets to one server (the guide's agent keeps them for the client's life)."""

    def __init__(self, endpoints):
        self.snapshot = context.socket(zmq.DEALER)
        self.subscriber = context.socket(zmq.SUB)
        for socket in (self.snapshot, self.subscriber):
            socket.linger = 0
        self.subscriber.setsockopt(zmq.SUBSCRIBE, subtree)
        if model6:
            self.subscriber.setsockopt(zmq.SUBSCRIBE, HUGZ)
        self.subscriber.connect(endpoints[1])
        self.snapshot.connect(endpoints[0])
        self.expiry = 0
        self.requests = 0


connections = [Server(server) for server in servers]
current = 0
state = "initial"
kvmap = {}
sequence = 0
live = False


def send_update(kv):
    if publishing:
        updates.send_multipart(kv.frames())
    else:
        held.append(kv)


while True:
    server = connections[current]
    if state == "initial":
        # As the guide: at most two requests to a server that never answered.
        if server.requests < 2:
            server.snapshot.send_multipart([ICANHAZ, subtree])
            server.requests += 1
        server.expiry = now_ms() + options.server_ttl
        state = "syncing"
        snapshot = {}
    reading = server.snapshot if state == "syncing" else server.subscriber
    poller.register(reading, zmq.POLLIN)
    timeout = max(0, server.expiry - now_ms()) if model6 or state == "syncing" else None
    events = dict(poller.poll(timeout))
    poller.unregister(reading)

    if commands.ready(events):
        for words in commands.read():
            if words[0] == "set":
                kv = KV(words[1].encode(), body=words[2].encode())
                if len(words) > 3:
                    kv.properties[b"ttl"] = words[3].encode()
                send_update(kv)
            elif words[0] == "delete":
                send_update(KV(words[1].encode()))
            elif words[0] == "dump":
                listing = ",".join("%s=%s" % (k.decode(), v.body.decode()) for k, v in sorted(kvmap.items()))
                say("map", listing or "-")
    if model6 and updates in events:
        message = updates.recv()
        if message[:1] == b"\x01":
            subscriptions += 1
    if not publishing and (
        subscriptions >= len(servers)
        or (subscriptions > 0 and now_ms() - started > options.server_ttl)
    ):
        publishing = True
        say("publishing")
        for kv in held:
            updates.send_multipart(kv.frames())
        held = []

    if reading in events:
        kv = KV.parse(reading.recv_multipart())
        if reading is server.subscriber and not live:
            live = True
            say("live")
        server.expiry = now_ms() + options.server_ttl
        server.requests = 0
        if kv is None:
            warn("E: malformed message from the server")
        elif state == "syncing":
            if kv.key == KTHXBAI:
                kvmap, sequence, state = snapshot, kv.sequence, "active"
                say("synced", current, sequence, len(kvmap))
            else:
                kv.store(snapshot)
        elif kv.sequence > sequence:
            # Out-of-sequence messages (already in the snapshot) are dropped, HUGZ too.
            sequence = kv.sequence
            if kv.key != HUGZ:
                kv.store(kvmap)
                say("update", sequence, kv.key.decode(), kv.body.decode() or "-")
    elif timeout is not None and now_ms() >= server.expiry:
        say("silent", current)
        current = (current + 1) % len(connections)
        state = "initial"
