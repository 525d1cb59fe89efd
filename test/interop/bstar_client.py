"""A Binary Star client, in the manner of the guide's bstarcli.

A REQ socket starts with the primary; when a try gets no reply within --timeout ms it
closes the socket, switches to the other server, waits --settle ms and sends again
(--retries tries in all). Sends --count requests "<prefix><n>" one after another and
prints "reply <body> <frames|...>" or "failed <body>", then "done".
"""
import argparse
import time

import zmq

from peer import say, text, warn

parser = argparse.ArgumentParser()
parser.add_argument("--primary", required=True)
parser.add_argument("--backup", required=True)
parser.add_argument("--count", type=int, default=10)
parser.add_argument("--prefix", default="r")
parser.add_argument("--timeout", type=int, default=1000, help="ms")
parser.add_argument("--settle", type=int, default=0, help="ms")
parser.add_argument("--retries", type=int, default=4)
options = parser.parse_args()

context = zmq.Context()
servers = [options.primary, options.backup]
current = 0


def open_socket():
    socket = context.socket(zmq.REQ)
    socket.linger = 0
    socket.connect(servers[current])
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
        current = 1 - current
        time.sleep(options.settle / 1000)
        socket = open_socket()
    if reply is None:
        say("failed", body.decode())
    else:
        say("reply", body.decode(), "|".join(text(frame) for frame in reply))
say("done")
