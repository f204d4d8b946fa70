"""Chromium driven over its DevTools protocol through a pipe — no driver process, no websocket.

Started with ``--remote-debugging-pipe``, Chromium reads JSON commands from its file descriptor 3 and
writes replies and events to descriptor 4, each message ending in a NUL byte (the transport Puppeteer and
Playwright use underneath). :class:`Browser` starts the process at once and returns: the browser boots
while the caller goes on working, and the first command waits for it. Every wait has a deadline, and a
browser that exits early is reported with the end of its log. Chromium runs in a process group of its own,
ended as a whole by :meth:`close`; when this process dies, the pipe closes and Chromium exits with it.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path

#: Chromium's scheduling priority, below its caller's: it boots while the caller's other work (a kernel starting,
#: cells being prepared) needs the processor, which comes first (measured: a render with its PDF 0.1 s shorter);
#: when it prints, the caller only waits for it.
NICE = 10


class DevToolsError(RuntimeError):
    pass


class Browser:
    """One headless Chromium (``executable`` with ``args``), its profile in ``profile`` (a folder the caller owns
    and removes). Use :meth:`first_page`, :meth:`send`, :meth:`wait_for`;
    :meth:`close` ends it."""

    def __init__(self, executable: str, args: list[str], profile: Path):
        self.log = Path(profile) / "chromium.log"
        commands_in, self._commands = os.pipe()  # we write commands, Chromium reads them on its fd 3
        self._replies, replies_out = os.pipe()  # Chromium writes replies on its fd 4, we read them

        def descriptors():  # in the child: the two pipe ends as fds 3 and 4 (duplicated first: they may be 3 or 4)
            a, b = os.dup(commands_in), os.dup(replies_out)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.nice(NICE)

        try:
            command = [executable, *args, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"]
            with open(self.log, "wb") as log:
                self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                             preexec_fn=descriptors, pass_fds=(3, 4), close_fds=True,
                                             start_new_session=True)
        except OSError as err:
            for fd in (commands_in, self._commands, self._replies, replies_out):
                os.close(fd)
            raise DevToolsError(f"Chromium could not be started: {err}") from None
        os.close(commands_in)
        os.close(replies_out)
        self._buffer = b""
        self._messages: list[dict] = []
        self._id = 0

    # ---------------------------------------------------------------- protocol
    def send(self, method: str, params: dict | None = None, *, session: str | None = None,
             timeout: float = 60) -> dict:
        """Send one command and return its result; a protocol error raises :class:`DevToolsError`."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._commands, data):]
        except OSError:
            raise DevToolsError(f"{method}: {self._gone()}") from None
        reply = self._take(lambda m: m.get("id") == self._id, method, timeout)
        if "error" in reply:
            raise DevToolsError(f"{method}: {reply['error'].get('message', reply['error'])}")
        return reply.get("result", {})

    def wait_for(self, event: str, *, session: str | None = None, timeout: float = 60) -> dict:
        """Wait for the next ``event`` (of ``session``) and return its parameters."""
        found = self._take(lambda m: m.get("method") == event and m.get("sessionId") == session, event, timeout)
        return found.get("params", {})

    def first_page(self) -> str:
        """The blank tab the browser opened at start (a new one if there is none); returns the session id its
        commands are sent with."""
        pages = [t["targetId"] for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page"]
        target = pages[0] if pages else self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        return self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def _take(self, wanted, what: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, message in enumerate(self._messages):
                if wanted(message):
                    return self._messages.pop(i)
            self._messages.append(self._read(deadline, what))

    def _read(self, deadline: float, what: str) -> dict:
        """The next message from the browser."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise DevToolsError(f"{what}: Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise DevToolsError(f"{what}: {self._gone()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _gone(self) -> str:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        try:
            tail = " ".join(self.log.read_text(encoding="utf-8", errors="replace").split())[-300:]
        except OSError:
            tail = ""
        return f"Chromium closed the connection (exit status {code}){': ' + tail if tail else ''}"

    # ---------------------------------------------------------------- end
    def close(self) -> None:
        """End the browser and every process of its group at once (SIGKILL), reap it, and wait (up to a second)
        until the rest of its group is gone too. Its profile is thrown away, so nothing needs an orderly shutdown
        (which took 0.07 s: a twelfth of a report's PDF step)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        deadline = time.monotonic() + 1
        while _group_alive(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.005)
        for fd in (self._commands, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass


def _group_alive(group: int) -> bool:
    """Whether a process of process group ``group`` still runs (Linux's /proc; elsewhere False). A zombie does not:
    it is dead, only not yet reaped by its parent (in a container, an init that does not reap orphans)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[2] == str(group) and fields[0] != "Z":
            return True
    return False
