"""A Majordomo client speaking 7/MDP (MDP/0.1), in the manner of the guide's mdcliapi.

A REQ socket (it adds the empty frame 0 itself) sends ["MDPC01", service, body]; a try
without a reply within --timeout ms closes the socket and sends again on a new one,
--retries tries in all. Requests are read from stdin, one per line:
"<service> <body>"; the client prints "reply <body> <frames|...>" or "failed <body>".
"""
import argparse
import sys

import zmq

import mdp
from peer import say, text, warn

parser = argparse.ArgumentParser()
parser.add_argument("--broker", required=True)
parser.add_argument("--timeout", type=int, default=2500, help="ms")
parser.add_argument("--retries", type=int, default=3)
options = parser.parse_args()

context = zmq.Context()


def open_socket():
    socket = context.socket(zmq.REQ)
    socket.linger = 0
    socket.connect(options.broker)
    return socket


def request(socket, service, body):
    for attempt in range(options.retries):
        socket.send_multipart([mdp.CLIENT, service, body])
        while socket.poll(options.timeout, zmq.POLLIN):
            frames = socket.recv_multipart()
            if len(frames) >= 3 and frames[0] == mdp.CLIENT and frames[1] == service:
                return socket, frames[2:]
            warn("E: malformed reply:", frames)
            break
        # No reply: a late one must never answer the next request.
        socket.close(0)
        socket = open_socket()
    return socket, None


say("started")
socket = open_socket()
for line in sys.stdin:
    if not line.strip():
        continue
    service, body = line.split()
    socket, reply = request(socket, service.encode(), body.encode())
    if reply is None:
        say("failed", body)
    else:
        say("reply", body, "|".join(text(frame) for frame in reply))
