"""7/MDP (MDP/0.1), the Majordomo Protocol every example of the guide speaks.

Client commands:  ["", "MDPC01", service, body...] each way (a REQ socket adds and
                  strips the empty frame itself).
Worker commands:  ["", "MDPW01", command, ...]; REQUEST and REPLY carry
                  [client address, "", body...].
"""
CLIENT = b"MDPC01"
WORKER = b"MDPW01"

READY = b"\x01"
REQUEST = b"\x02"
REPLY = b"\x03"
HEARTBEAT = b"\x04"
DISCONNECT = b"\x05"

NAMES = {READY: "READY", REQUEST: "REQUEST", REPLY: "REPLY",
         HEARTBEAT: "HEARTBEAT", DISCONNECT: "DISCONNECT"}
