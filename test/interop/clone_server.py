"""A Clone server (12/CHP), as the guide's clonesrv5 (--model 5) or clonesrv6 (--model 6).

Model 5: snapshot ROUTER at P, publisher PUB at P+1, collector PULL at P+2; no HUGZ.
Model 6: the collector is a SUB (clients publish updates); HUGZ with the current sequence
number every --heartbeat ms; two servers form a Binary Star pair (--role, and the peer's
endpoints as "peer state=<e> publisher=<e> snapshot=<e>" on stdin). Only the active one
answers ICANHAZ? (a request is the client's vote in the pair's state machine); the
passive one takes a snapshot from the active one, follows its updates, and keeps client
updates pending until the active one publishes them (or until it takes over).

Both: an update gets the next sequence number and is published; a "ttl" property
(seconds) makes the server delete the key later (stored, as in the guide, with the
property rewritten to the absolute expiry time) and publish the delete.

The publisher is an XPUB, a PUB on the wire, only to tell the test when a client's
subscription took effect ("subscribed <topic>", "-" for all): a client that subscribes
and asks for a snapshot at once may miss updates published in between, which no HUGZ
(in model 5) would reveal before the next update.

Prints "bound snapshot=<e> publisher=<e> collector=<e>" (plus "state=<e>" in model 6),
"update <sequence> <key>" for every update stored (published or replicated),
"snapshot <count>" for every snapshot sent, and "state <name>" on pair state changes.
"""
import argparse
import sys
import time

import zmq

from bstar import ACTIVE, BinaryStar, Fatal
from kv import HUGZ, ICANHAZ, KTHXBAI, KV
from peer import Commands, bind, now_ms, say, warn

parser = argparse.ArgumentParser()
parser.add_argument("--model", type=int, choices=[5, 6], required=True)
parser.add_argument("--port", type=int, help="P: binds P, P+1, P+2 (the CHP layout)")
parser.add_argument("--ports", type=int, nargs=3, help="snapshot, publisher, collector ports")
parser.add_argument("--heartbeat", type=int, default=1000, help="ms")
parser.add_argument("--role", choices=["primary", "backup"], default="primary")
parser.add_argument("--seed", nargs="*", default=[], help="key=value updates to start with")
options = parser.parse_args()
model6 = options.model == 6
host = "tcp://127.0.0.1"

context = zmq.Context()
snapshot = context.socket(zmq.ROUTER)
publisher = context.socket(zmq.XPUB)
collector = context.socket(zmq.SUB if model6 else zmq.PULL)
sockets = [snapshot, publisher, collector]
if model6:
    collector.setsockopt(zmq.SUBSCRIBE, b"")
    statepub = context.socket(zmq.PUB)
    statesub = context.socket(zmq.SUB)
    statesub.setsockopt(zmq.SUBSCRIBE, b"")
    follower = context.socket(zmq.SUB)  # the peer's publisher, while passive
    follower.setsockopt(zmq.SUBSCRIBE, b"")
    sockets += [statepub, statesub, follower]
for socket in sockets:
    socket.linger = 0


def port(offset):
    """The port to bind, or None for any."""
    if options.ports:
        return options.ports[offset]
    return options.port + offset if options.port else None


bound = [
    "snapshot=" + bind(snapshot, host, port(0)),
    "publisher=" + bind(publisher, host, port(1)),
    "collector=" + bind(collector, host, port(2)),
]
if model6:
    bound.append("state=" + bind(statepub, host))
say("bound", *bound)

kvmap = {} if options.role == "primary" else None  # a backup first takes a snapshot
sequence = 0
pending = []  # model 6, passive: client updates the active server has not published
peer_snapshot = None  # the peer's snapshot endpoint
fsm = BinaryStar(options.role == "primary", options.heartbeat, now_ms) if model6 else None


def active():
    return fsm is None or fsm.state == ACTIVE


def expire_at(kv):
    """Rewrites a relative ttl (seconds) into the absolute expiry, as the guide does."""
    ttl = kv.properties.get(b"ttl")
    if ttl:
        kv.properties[b"ttl"] = str(time.time() + float(ttl)).encode()


def publish(kv):
    global sequence
    sequence += 1
    kv.sequence = sequence
    publisher.send_multipart(kv.frames())
    expire_at(kv)
    kv.store(kvmap)
    say("update", sequence, kv.key.decode())


def collect(frames):
    kv = KV.parse(frames)
    if kv is None:
        warn("E: malformed update:", frames)
    elif active():
        publish(kv)
    elif not was_pending(kv):
        pending.append(kv)


def was_pending(kv):
    for held in pending:
        if held.uuid == kv.uuid:
            pending.remove(held)
            return True
    return False


def answer(frames):
    if len(frames) != 3 or frames[1] != ICANHAZ:
        warn("E: bad snapshot request:", frames)
        return
    identity, _, subtree = frames
    count = 0
    for key, kv in list(kvmap.items()):
        if key.startswith(subtree):
            snapshot.send_multipart([identity, *kv.frames()])
            count += 1
    snapshot.send_multipart([identity, *KV(KTHXBAI, sequence, subtree, uuid=b"").frames()])
    say("snapshot", count)


def flush_ttl():
    if kvmap is None or not active():
        return
    for kv in list(kvmap.values()):
        ttl = kv.properties.get(b"ttl")
        if ttl and float(ttl) <= time.time():
            publish(KV(kv.key, uuid=kv.uuid))


def follow(frames):
    """Model 6, passive: an update (or HUGZ) from the active peer."""
    global kvmap, sequence
    if kvmap is None:
        kvmap = fetch_snapshot()
        if kvmap is None:
            return
    kv = KV.parse(frames)
    if kv is None or kv.key == HUGZ:
        return
    if not was_pending(kv):
        # The peer published it before the client's copy reached us.
        pending.append(kv)
    if kv.sequence > sequence:
        sequence = kv.sequence
        expire_at(kv)
        kv.store(kvmap)
        say("update", sequence, kv.key.decode())


def fetch_snapshot():
    global sequence
    dealer = context.socket(zmq.DEALER)
    dealer.linger = 0
    dealer.connect(peer_snapshot)
    dealer.send_multipart([ICANHAZ, b""])
    taken = {}
    try:
        while dealer.poll(2 * options.heartbeat * 5, zmq.POLLIN):
            kv = KV.parse(dealer.recv_multipart())
            if kv is not None and kv.key == KTHXBAI:
                sequence = kv.sequence
                say("replica", sequence, len(taken))
                return taken
            if kv is not None:
                kv.store(taken)
        warn("W: no snapshot from the peer")
        return None
    finally:
        dealer.close(0)


def changes(event):
    """Runs `event` on the pair's state machine, then what a change of state calls for
    (before anything else happens, as the guide's reactor does)."""
    before = fsm.state
    result = event()
    if fsm.state != before:
        became(fsm.state)
    return result


def became(state):
    global kvmap, sequence
    say("state", fsm.name)
    if state == ACTIVE:
        # Updates the dead peer never published: applied (not published, as the guide).
        if kvmap is None:
            kvmap = {}
        while pending:
            kv = pending.pop(0)
            sequence += 1
            kv.sequence = sequence
            expire_at(kv)
            kv.store(kvmap)
            say("update", sequence, kv.key.decode())
    else:
        kvmap = None  # passive: take a fresh snapshot from the active peer


poller = zmq.Poller()
for socket in (snapshot, publisher, collector) + ((statesub, follower) if model6 else ()):
    poller.register(socket, zmq.POLLIN)
commands = Commands(poller)

for seed in options.seed:
    key, _, value = seed.partition("=")
    publish(KV(key.encode(), body=value.encode()))

tick_at = now_ms() + options.heartbeat
flush_at = now_ms() + 1000
try:
    if model6:
        say("state", fsm.name)
    while True:
        events = dict(poller.poll(max(0, min(tick_at, flush_at) - now_ms())))
        if commands.ready(events):
            for words in commands.read():
                if words[0] == "peer":
                    peer = dict(word.split("=", 1) for word in words[1:])
                    statesub.connect(peer["state"])
                    follower.connect(peer["publisher"])
                    peer_snapshot = peer["snapshot"]
        if publisher in events:
            message = publisher.recv()
            if message[:1] == b"\x01":
                say("subscribed", message[1:].decode() or "-")
        if collector in events:
            collect(collector.recv_multipart())
        if snapshot in events:
            frames = snapshot.recv_multipart()
            # In a pair, a request is a vote: served only when the state machine agrees.
            if fsm is None or changes(fsm.client_request):
                answer(frames)
        if model6 and statesub in events:
            frames = statesub.recv_multipart()
            if len(frames) != 1 or changes(lambda: fsm.peer_state(frames[0])) is None:
                warn("E: invalid state message:", frames)
        if model6 and follower in events:
            frames = follower.recv_multipart()
            if not active():
                follow(frames)
        if now_ms() >= tick_at:
            if model6:
                statepub.send_string(str(fsm.state))
                publisher.send_multipart(KV(HUGZ, sequence, uuid=b"").frames())
            tick_at = now_ms() + options.heartbeat
        if now_ms() >= flush_at:
            flush_ttl()
            flush_at = now_ms() + 1000
except Fatal as error:
    say("fatal", error)
    sys.exit(1)
