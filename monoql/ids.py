"""Identifiers shaped like the original platform's (24 lower-case hex characters, time-ordered)."""

import itertools
import os
import threading
import time

_counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
_lock = threading.Lock()
_process_random = os.urandom(5)


def new_object_id() -> str:
    """Return a new 24-hex-character id: 4 bytes of UNIX seconds, 5 process-random bytes, 3 counter bytes.

    Ids sort by creation second, which keeps B-tree inserts local, and match the 24-character ids the
    original services' clients already store (catalog §3.6.7 "userId (24 chars)").
    """
    with _lock:
        count = next(_counter) & 0xFFFFFF
    return (int(time.time()).to_bytes(4, "big") + _process_random + count.to_bytes(3, "big")).hex()
