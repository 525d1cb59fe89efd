"""A Binary Star server, in the manner of the guide's bstarsrv2.

Binds a frontend ROUTER (clients) and a state PUB; subscribes to the peer's state PUB
once the test writes "peer <endpoint>" to stdin. Publishes its state every --heartbeat
ms; serves requests [envelope, "", body] with [body, name] only while the state machine
accepts them. Prints "bound frontend=<e> state=<e>", "state <name>" on every change,
"served <body>", and "dying on <body>" before SIGKILLing itself on request --die-on.
"""
import argparse
import sys

import zmq

from bstar import BinaryStar, Fatal
from peer import Commands, bind, crash, now_ms, say, warn

parser = argparse.ArgumentParser()
parser.add_argument("--role", choices=["primary", "backup"], required=True)
parser.add_argument("--frontend-port", type=int)
parser.add_argument("--state-port", type=int)
parser.add_argument("--heartbeat", type=int, default=1000, help="ms")
parser.add_argument("--name", default="python")
parser.add_argument("--die-on", type=int, default=0)
options = parser.parse_args()

context = zmq.Context()
frontend = context.socket(zmq.ROUTER)
statepub = context.socket(zmq.PUB)
statesub = context.socket(zmq.SUB)
for socket in (frontend, statepub, statesub):
    socket.linger = 0
statesub.setsockopt(zmq.SUBSCRIBE, b"")
say(
    "bound",
    "frontend=" + bind(frontend, "tcp://127.0.0.1", options.frontend_port),
    "state=" + bind(statepub, "tcp://127.0.0.1", options.state_port),
)

fsm = BinaryStar(options.role == "primary", options.heartbeat, now_ms)
say("state", fsm.name)
poller = zmq.Poller()
poller.register(frontend, zmq.POLLIN)
poller.register(statesub, zmq.POLLIN)
commands = Commands(poller)
served = 0
send_state_at = now_ms()
try:
    while True:
        if now_ms() >= send_state_at:
            statepub.send_string(str(fsm.state))
            send_state_at = now_ms() + options.heartbeat
        events = dict(poller.poll(max(0, send_state_at - now_ms())))
        before = fsm.state
        if commands.ready(events):
            for words in commands.read():
                if words[0] == "peer":
                    statesub.connect(words[1])
        if statesub in events:
            frames = statesub.recv_multipart()
            if len(frames) != 1 or fsm.peer_state(frames[0]) is None:
                warn("E: invalid state message:", frames)
        if frontend in events:
            frames = frontend.recv_multipart()
            delimiter = frames.index(b"", 1) if b"" in frames[1:] else -1
            if delimiter < 0:
                warn("E: request without an envelope:", frames)
            elif fsm.client_request():
                envelope, body = frames[: delimiter + 1], frames[delimiter + 1 :]
                served += 1
                if served == options.die_on:
                    say("dying on", body[0].decode())
                    crash()
                say("served", body[0].decode())
                frontend.send_multipart([*envelope, body[0], options.name.encode()])
        if fsm.state != before:
            say("state", fsm.name)
except Fatal as error:
    say("fatal", error)
    sys.exit(1)
