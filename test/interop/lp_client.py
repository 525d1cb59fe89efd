"""A Lazy Pirate client, in the manner of the guide's lpclient.

A REQ socket sends each request; a try without a reply within --timeout ms closes the
socket (linger 0) and sends again on a new one, --retries tries in all. Sends --count
requests "<prefix><n>" one after another; prints "reply <body> <frames|...>" (the
first frame must be the request) or "failed <body>", then "done".
"""
import argparse

import zmq

from peer import say, text, warn

parser = argparse.ArgumentParser()
parser.add_argument("--server", required=True)
parser.add_argument("--count", type=int, default=10)
parser.add_argument("--prefix", default="r")
parser.add_argument("--timeout", type=int, default=2500, help="ms")
parser.add_argument("--retries", type=int, default=3)
options = parser.parse_args()

context = zmq.Context()


def open_socket():
    socket = context.socket(zmq.REQ)
    socket.linger = 0
    socket.connect(options.server)
    return socket


socket = open_socket()
for n in range(options.count):
    body = ("%s%d" % (options.prefix, n)).encode()
    reply = None
    for attempt in range(options.retries):
        socket.send(body)
        if socket.poll(options.timeout, zmq.POLLIN):
            frames = socket.recv_multipart()
            if frames[0] == body:
                reply = frames
                break
            warn("E: reply to another request:", frames)
        socket.close(0)
        socket = open_socket()
    if reply is None:
        say("failed", body.decode())
    else:
        say("reply", body.decode(), "|".join(text(frame) for frame in reply))
say("done")
