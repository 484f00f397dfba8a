"""Drive a real program in a pseudo-terminal and read the screen through a
real terminal emulator (Debian's python3-pyte).

    with Terminal([EGOV], cols=80, rows=24, env=env) as t:
        t.wait_for("Đăng nhập")
        t.send("officer\\t")
        t.wait_settled()
        print(t.text())

Waiting is by condition (text on screen, a predicate) or by the screen
settling (no output for a quiet interval), never by a fixed sleep.  Every
byte the program writes is counted, for the bytes-per-key budgets."""
import os
import pty
import select
import signal
import struct
import fcntl
import termios
import time

import pyte

class Screen(pyte.Screen):
    """pyte's screen plus the sequences ncurses sends for xterm-256color
    that pyte 0.8 does not know: REP (CSI n b, repeat the last character;
    ncurses clears runs of blanks with it), SU and SD (CSI n S / CSI n T,
    scroll the region; a list scrolling one row).  Without them the
    emulated screen keeps text a real terminal would have erased."""
    _last = " "

    def draw(self, data):
        if data:
            self._last = data[-1]
        super().draw(data)

    def repeat_last(self, count=1, *rest, **kw):
        super().draw(self._last * max(1, count))

    def _scroll_region_n(self, count, insert):
        y, x = self.cursor.y, self.cursor.x
        self.cursor.y = self.margins.top if self.margins else 0
        if insert:
            self.insert_lines(max(1, count))
        else:
            self.delete_lines(max(1, count))
        self.cursor.y, self.cursor.x = y, x

    def scroll_up_n(self, count=1, *rest, **kw):
        self._scroll_region_n(count, insert=False)

    def scroll_down_n(self, count=1, *rest, **kw):
        self._scroll_region_n(count, insert=True)


class Stream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, b="repeat_last", S="scroll_up_n",
               T="scroll_down_n")
    events = pyte.ByteStream.events | {"repeat_last", "scroll_up_n",
                                       "scroll_down_n"}


KEYS = {
    "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
    "home": "\x1b[H", "end": "\x1b[F", "pgup": "\x1b[5~", "pgdn": "\x1b[6~",
    "enter": "\r", "esc": "\x1b", "tab": "\t", "backspace": "\x7f",
    "f1": "\x1bOP", "ctrl-l": "\x0c", "ctrl-c": "\x03", "delete": "\x1b[3~",
}


class Terminal:
    def __init__(self, argv, cols=80, rows=24, env=None, term="xterm-256color"):
        self.argv = argv
        self.cols, self.rows = cols, rows
        self.env = dict(env or os.environ)
        self.env["TERM"] = term
        self.env["COLUMNS"], self.env["LINES"] = str(cols), str(rows)
        self.screen = Screen(cols, rows)
        self.stream = Stream(self.screen)
        self.pid = None
        self.fd = None
        self.bytes_out = 0
        self.raw = bytearray()
        self.status = None

    def start(self):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(self.argv[0], self.argv, self.env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self._set_size()
        return self

    def _set_size(self):
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", self.rows, self.cols, 0, 0))

    def resize(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.screen.resize(rows, cols)
        self._set_size()
        os.kill(self.pid, signal.SIGWINCH)

    def pump(self, timeout):
        """Read what the program wrote within timeout; returns bytes read."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return 0
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            self._reap()
            return -1
        self.bytes_out += len(data)
        self.raw += data
        self.stream.feed(data)
        return len(data)

    def _reap(self):
        if self.status is None and self.pid:
            try:
                pid, st = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.status = st
            except ChildProcessError:
                self.status = 0

    def alive(self):
        self._reap()
        return self.status is None

    def send(self, keys):
        """Type text; names in KEYS may be given as ("down",) tuples or
        with key()."""
        if isinstance(keys, str):
            keys = keys.encode()
        os.write(self.fd, keys)

    def key(self, name, times=1):
        for _ in range(times):
            self.send(KEYS[name])

    def text(self):
        return "\n".join(line.rstrip() for line in self.screen.display)

    def line(self, y):
        return self.screen.display[y].rstrip()

    def cursor(self):
        return self.screen.cursor.y, self.screen.cursor.x

    def wait_settled(self, quiet=0.15, timeout=20.0):
        """Wait until the program has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = self.pump(quiet)
            if n <= 0:
                return True
        raise TimeoutError("screen never settled:\n" + self.text())

    def wait_for(self, cond, timeout=20.0):
        """Wait until cond (text on screen, or predicate on self) holds."""
        test = (lambda t: cond in t.text()) if isinstance(cond, str) else cond
        deadline = time.monotonic() + timeout
        while True:
            if test(self):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"waited for {cond!r}; screen:\n" + self.text())
            if self.pump(min(left, 0.1)) < 0 and not test(self):
                raise EOFError(f"program exited while waiting for {cond!r}; screen:\n" + self.text())

    def measure(self, keys, quiet=0.15):
        """Bytes written in answer to keys, once the screen settles."""
        self.wait_settled(quiet)
        before = self.bytes_out
        self.send(keys)
        self.wait_settled(quiet)
        return self.bytes_out - before

    def wait_exit(self, timeout=20.0):
        """Wait for the process itself, not only for the terminal to close:
        a program may close the terminal first and free the rest after
        (under ASan it then checks for leaks), so the pty can hang up
        before the process exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pump(0.05) < 0:
                time.sleep(0.02)	# nothing more to read: the pty hung up
            if not self.alive():
                return os.waitstatus_to_exitcode(self.status)
        raise TimeoutError("program did not exit:\n" + self.text())

    def close(self):
        if self.pid and self.alive():
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.wait_exit(5)
            except (TimeoutError, ProcessLookupError):
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    os.waitpid(self.pid, 0)
                except ChildProcessError:
                    pass
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
