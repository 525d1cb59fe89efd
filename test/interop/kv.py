"""The key-value message of the Clone pattern (12/CHP; the guide's kvmsg).

Five frames: key, sequence number (8 bytes, network order), UUID (16 bytes or empty),
properties ("name=value\\n" lines), body (empty: delete the key).
"""
import struct
import uuid as uuidlib

HUGZ = b"HUGZ"
KTHXBAI = b"KTHXBAI"
ICANHAZ = b"ICANHAZ?"


class KV:
    def __init__(self, key, sequence=0, body=b"", properties=None, uuid=None):
        self.key = key
        self.sequence = sequence
        self.body = body
        self.properties = dict(properties or {})
        self.uuid = uuidlib.uuid4().bytes if uuid is None else uuid

    def frames(self):
        properties = b"".join(b"%s=%s\n" % (name, value) for name, value in self.properties.items())
        return [self.key, struct.pack("!Q", self.sequence), self.uuid, properties, self.body]

    def store(self, kvmap):
        """Stores itself in `kvmap`, or deletes its key when the body is empty."""
        if self.body:
            kvmap[self.key] = self
        else:
            kvmap.pop(self.key, None)

    @classmethod
    def parse(cls, frames):
        """A KV from five frames, or None when they are not a kvmsg."""
        if len(frames) != 5 or len(frames[1]) != 8:
            return None
        key, sequence, uuid, properties, body = frames
        parsed = {}
        for line in properties.split(b"\n"):
            if line:
                name, _, value = line.partition(b"=")
                parsed[name] = value
        return cls(key, struct.unpack("!Q", sequence)[0], body, parsed, uuid)
