"""A Freelance server, in the manner of the guide's flserver3 (model three).

A ROUTER socket whose identity is the endpoint clients connect to (set before binding:
the guide's clients address servers by it). It answers ["PING"] with ["PONG"], and a
request [sequence, body...] with [sequence, body, name]; the guide's server answers
"OK", this one echoes so that the test can tell replies apart. Prints "bound <endpoint>",
"served <body>" and "dying on <body>" before SIGKILLing itself on request --die-on.
"""
import argparse

import zmq

from peer import crash, free_port, say, warn

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int)
parser.add_argument("--name", default="python")
parser.add_argument("--die-on", type=int, default=0)
options = parser.parse_args()

context = zmq.Context()
host = "tcp://127.0.0.1"
endpoint = "%s:%d" % (host, options.port or free_port())
socket = context.socket(zmq.ROUTER)
socket.linger = 0
socket.setsockopt(zmq.IDENTITY, endpoint.encode())
socket.bind(endpoint)
say("bound", endpoint)
served = 0
while True:
    frames = socket.recv_multipart()
    client, control, body = frames[0], frames[1:2], frames[2:]
    if control == [b"PING"] and not body:
        socket.send_multipart([client, b"PONG"])
    elif control and body:
        served += 1
        if served == options.die_on:
            say("dying on", body[0].decode())
            crash()
        say("served", body[0].decode())
        socket.send_multipart([client, control[0], body[0], options.name.encode()])
    else:
        warn("E: invalid message:", frames)
