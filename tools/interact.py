#!/usr/bin/env python3
"""The console as a person uses it: boots the exokernel's interactive login
shell (tools/qemu.sh run) on a pseudo-terminal, types at it a key at a time
and checks what the screen shows.

  tools/interact.py        prints "ok console_NAME" / "FAIL console_NAME: why"

Looks for a console that does not echo or edit a line (backspace, history),
a ^C that does not reach the foreground program or leaves the shell waiting
(also at a loop of the shell's own that makes no system call), a wrong
status after it (130), a program that cannot read the terminal or see its
end (^D), job control (^Z, jobs, fg) that loses the job, a background
read that takes the shell's keys instead of stopping (SIGTTIN), and a shell
whose exit does not end the machine.

The screen is a small model of a terminal (tools/interact.py's Screen): it
applies what the guest sends (carriage return, newline, backspace, and the
cursor and erase sequences a line editor uses), so the checks see lines as
they look, not the bytes that drew them.
"""
import os
import pty
import re
import select
import signal
import sys
import time

# PS1 is 'exos:\w\$ ': in HOME, exos:~# (the screen drops trailing blanks).
PROMPT = re.compile(r"^exos:\S*# ?(.*)$", re.M)
BOOT_TIMEOUT = 120
STEP_TIMEOUT = 20
KEY_DELAY = 0.03


class Screen:
    """Lines of text and a cursor, as a terminal would show them."""

    CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")

    def __init__(self):
        self.lines = [""]
        self.col = 0
        self.pending = ""

    def feed(self, text):
        text = self.pending + text
        self.pending = ""
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\x1b":
                m = self.CSI.match(text, i)
                if m is None:
                    if len(text) - i < 16 and "\n" not in text[i:]:
                        self.pending = text[i:]  # the rest comes later
                        return
                    i += 1
                    continue
                self.csi(m.group(1), m.group(2))
                i = m.end()
                continue
            if c == "\r":
                self.col = 0
            elif c == "\n":
                self.lines.append("")
                self.col = 0
            elif c == "\b":
                self.col = max(0, self.col - 1)
            elif c == "\t":
                self.col = (self.col // 8 + 1) * 8
            elif c >= " ":
                self.put(c)
            i += 1

    def put(self, c):
        line = self.lines[-1].ljust(self.col)
        self.lines[-1] = line[: self.col] + c + line[self.col + 1 :]
        self.col += 1

    def csi(self, args, op):
        n = int(args) if args.isdigit() else 1
        if op == "K":  # erase to the end of the line
            self.lines[-1] = self.lines[-1][: self.col]
        elif op == "D":
            self.col = max(0, self.col - n)
        elif op == "C":
            self.col += n
        elif op == "J":  # erase below: nothing is kept below the cursor
            self.lines[-1] = self.lines[-1][: self.col]

    def text(self):
        return "\n".join(line.rstrip() for line in self.lines)


class Console:
    """QEMU on a pseudo-terminal, its output fed to a Screen."""

    def __init__(self, argv):
        self.screen = Screen()
        self.raw = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.status = None

    def pump(self, timeout):
        """Reads what is there within timeout seconds; False at the end."""
        try:
            r, _, _ = select.select([self.fd], [], [], timeout)
        except InterruptedError:
            return True
        if not r:
            return True
        try:
            data = os.read(self.fd, 4096)
        except OSError:
            data = b""
        if not data:
            return False
        self.raw += data
        self.screen.feed(data.decode("utf-8", "replace"))
        return True

    def wait_for(self, predicate, timeout):
        """Reads until predicate(screen text) holds; the seconds it took."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if predicate(self.screen.text()):
                return time.monotonic() - t0
            if not self.pump(0.1) and not predicate(self.screen.text()):
                return None
        return None

    def type(self, keys):
        for k in keys:
            os.write(self.fd, k.encode())
            time.sleep(KEY_DELAY)
            self.pump(0)

    def prompts(self):
        return len(PROMPT.findall(self.screen.text()))

    def ended(self, timeout):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            self.pump(0.1)
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = st
                return True
        return False

    def kill(self):
        if self.status is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass


def after_prompt(console, n):
    """Waits for the n-th prompt; the seconds it took, or None."""
    return console.wait_for(lambda s: len(PROMPT.findall(s)) >= n,
                            STEP_TIMEOUT)


def lines_after(text, command):
    """The lines that follow the last line that shows the prompt and command."""
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        m = PROMPT.match(lines[i])
        if m and m.group(1) == command:
            return lines[i + 1 :]
    return None


def command(console, line, keys=None, then=None):
    """Types a command (as keys, if the keys edit it into line), and a
    second later what it reads (then), and waits for the next prompt; the
    lines it printed.  (Typing ahead of a command races the shell's line
    editor, which reads in raw mode until it runs it, on Linux too.)"""
    n = console.prompts()
    console.type((line if keys is None else keys) + "\r")
    if then is not None:
        console.wait_for(lambda s: False, 1.0)
        console.type(then)
    after_prompt(console, n + 1)
    return lines_after(console.screen.text(), line)


def run(results):
    def report(name, ok, why=""):
        results.append(ok)
        print(f"ok console_{name}" if ok else f"FAIL console_{name}: {why}")
        sys.stdout.flush()

    def interrupt(name, line, key, what, shows=None):
        """Starts line, checks it still runs a second later, types key
        (what it is, for the message) and checks the prompt is back within
        5 s, showing the text shows if given."""
        n = console.prompts()
        console.type(line + "\r")
        console.wait_for(lambda s: False, 1.0)
        running = console.prompts() == n
        console.type(key)
        took = after_prompt(console, n + 1)
        text = console.screen.text()
        shown = shows is None or shows in text
        report(name, running and took is not None and took < 5 and shown,
               f"the prompt came back before {what}" if not running else
               f"no prompt within {STEP_TIMEOUT}s of {what}" if took is None
               else f"the prompt came back {took:.1f}s after {what}"
               if took >= 5 else f"no {shows!r} after {what}: {text[-200:]!r}")

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    console = Console([os.path.join(root, "tools", "qemu.sh"), "run"])
    try:
        if console.wait_for(lambda s: PROMPT.search(s), BOOT_TIMEOUT) is None:
            tail = console.screen.text()[-300:]
            report("prompt", False, f"no prompt 'exos:~# ' within "
                   f"{BOOT_TIMEOUT}s; the screen ends with {tail!r}")
            return
        report("prompt", True)

        out = command(console, "echo hello")
        report("echo", out is not None and out[:1] == ["hello"],
               f"after the command the screen shows {out!r}")

        out = command(console, "echo abd", keys="echo abcX\x7f\x7fd")
        report("backspace", out is not None and out[:1] == ["abd"],
               "the edited line 'echo abd' and its output 'abd' are not on "
               f"the screen: {console.screen.text()[-200:]!r}")

        out = command(console, "echo abd", keys="\x1b[A")
        report("history", out is not None and out[:1] == ["abd"],
               "the up arrow did not bring back 'echo abd': "
               f"{console.screen.text()[-200:]!r}")

        n = console.prompts()
        console.type("echo partial\x03")
        after_prompt(console, n + 1)
        console.type("echo next\r")
        after_prompt(console, n + 2)
        out = lines_after(console.screen.text(), "echo next")
        report("interrupt_line", out is not None and out[:1] == ["next"],
               f"^C at a typed line, then a command: {out!r}")

        # The shell puts each pipeline in a process group named after its
        # first process and gives it the terminal, often after that
        # process (echo) has already exited: a group with only an exited,
        # uncollected process in it still exists, or the shell prints
        # "can't set tty process group" instead of the output.
        bad = []
        for k in range(20):
            n = console.prompts()
            cmd = f"echo p{k} | cat -n"
            console.type(cmd + "\r")
            after_prompt(console, n + 1)
            out = lines_after(console.screen.text(), cmd)
            if out is None or out[:1] != [f"     1  p{k}"]:
                bad.append(out[:1] if out else out)
        report("pipelines", not bad,
               f"{len(bad)} of 20 pipelines showed {bad[0]!r}" if bad else "")

        out = command(console, "cat", then="typed to cat\r\x04")
        report("read_tty", out is not None and
               out[:2] == ["typed to cat", "typed to cat"],
               f"a line typed to cat and ^D: {out!r}")

        interrupt("ctrl_c", "sleep 30", "\x03", "^C")
        out = command(console, "echo $?")
        report("status", out is not None and out[:1] == ["130"],
               f"$? after ^C shows {out[:1] if out else out!r}, not 130")

        # ^C at a loop of the shell's own, which makes no system call:
        # the shell's SIGINT handler must still run (at the next slice).
        interrupt("ctrl_c_busy", "while :; do :; done", "\x03",
                  "^C at a busy loop")

        # Job control: ^Z stops the foreground job and gives the prompt
        # back; jobs lists it as stopped; fg brings it back to the
        # foreground (it runs again, in front), where ^C ends it.
        interrupt("ctrl_z", "sleep 30", "\x1a", "^Z", shows="Stopped")
        out = command(console, "jobs")
        report("jobs", out is not None and len(out) >= 1 and "Stopped" in out[0]
               and "sleep 30" in out[0], f"jobs shows {out!r}")
        interrupt("fg", "fg", "\x03", "^C after fg")

        # A background job that reads the terminal is stopped (SIGTTIN)
        # instead of taking the keys meant for the shell; fg gives it the
        # terminal, and it reads what is typed then.
        command(console, "cat &")
        console.wait_for(lambda s: False, 1.0)
        out = command(console, "jobs")
        report("ttin", out is not None and len(out) >= 1 and "Stopped" in out[0]
               and "cat" in out[0], f"jobs shows {out!r} for a background cat")
        out = command(console, "fg", then="read in front\r\x04")
        report("ttin_fg", out is not None and out.count("read in front") == 2,
               f"after fg, cat showed {out!r}")

        console.type("exit\r")
        report("exit", console.ended(STEP_TIMEOUT),
               f"QEMU still runs {STEP_TIMEOUT}s after exit")
    finally:
        console.kill()


def main():
    # Killed from outside (a timeout): end QEMU on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    results = []
    try:
        run(results)
    except OSError as e:
        print(f"FAIL console: {e}")
        results.append(False)
    sys.exit(0 if results and all(results) else 1)


if __name__ == "__main__":
    main()
