"""The Binary Star state machine (the guide's bstar reactor, chapter 4).

States and peer events travel as one frame, the decimal state number; a client
request is event 5. A passive server takes over only when its peer has been silent for
two heartbeats and a client asks (the client is the second vote); both servers active,
or both passive, is fatal.
"""
PRIMARY, BACKUP, ACTIVE, PASSIVE = 1, 2, 3, 4
CLIENT_REQUEST = 5
NAMES = {PRIMARY: "primary", BACKUP: "backup", ACTIVE: "active", PASSIVE: "passive"}


class Fatal(Exception):
    pass


class BinaryStar:
    def __init__(self, primary, heartbeat_ms, now_ms):
        self.state = PRIMARY if primary else BACKUP
        self.heartbeat = heartbeat_ms
        self.now = now_ms
        self.peer_expiry = now_ms() + 2 * heartbeat_ms

    def peer_state(self, frame):
        """A state message from the peer; None when it is not one."""
        try:
            event = int(frame)
        except ValueError:
            return None
        if event not in NAMES:
            return None
        self.peer_expiry = self.now() + 2 * self.heartbeat
        self.execute(event)
        return event

    def client_request(self):
        """Whether the request may be served (it may make this server active)."""
        return self.execute(CLIENT_REQUEST)

    def execute(self, event):
        peer_silent = self.now() >= self.peer_expiry
        if self.state == PRIMARY:
            if event == BACKUP:
                self.state = ACTIVE
            elif event == ACTIVE:
                self.state = PASSIVE
            elif event == CLIENT_REQUEST:
                # The backup may have taken over while this primary was down.
                if not peer_silent:
                    return False
                self.state = ACTIVE
        elif self.state == BACKUP:
            if event == ACTIVE:
                self.state = PASSIVE
            elif event == CLIENT_REQUEST:
                return False
        elif self.state == ACTIVE:
            if event == ACTIVE:
                raise Fatal("dual actives")
        elif self.state == PASSIVE:
            if event in (PRIMARY, BACKUP):
                self.state = ACTIVE  # the peer restarted: it will go passive
            elif event == PASSIVE:
                raise Fatal("dual passives")
            elif event == CLIENT_REQUEST:
                if not peer_silent:
                    return False
                self.state = ACTIVE
        return True

    @property
    def name(self):
        return NAMES[self.state]
