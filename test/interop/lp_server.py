"""A Reply server for Lazy Pirate clients, in the manner of the guide's lpserver.

A REP socket echoes each request. Prints "bound <endpoint>", "served <body>" per request,
and "dying on <body>" before SIGKILLing itself on request number --die-on (restart it
on the same port with --port).
"""
import argparse

import zmq

from peer import bind, crash, say

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int)
parser.add_argument("--die-on", type=int, default=0)
options = parser.parse_args()

context = zmq.Context()
socket = context.socket(zmq.REP)
socket.linger = 0
say("bound", bind(socket, "tcp://127.0.0.1", options.port))
served = 0
while True:
    request = socket.recv_multipart()
    served += 1
    if served == options.die_on:
        say("dying on", request[0].decode())
        crash()
    say("served", request[0].decode())
    socket.send_multipart(request)
