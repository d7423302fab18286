"""A warm start for the workshop's app processes: one process imports the game once, then forks
a child per browser session.

Every browser tab of `huikuan serve` is its own app process (textual-serve runs a command per
session). Started cold, each spends about half a CPU-second importing Textual and the game
before it draws; a room of twenty opening the page at once then waits for twenty of those on
two cores. Here the server starts one *forker* that has imported everything, and the command
textual-serve runs is a small *launcher* (standard library only): it hands its stdin, stdout and
stderr to the forker over a Unix socket, the forker forks a child that runs the game on them,
and the launcher waits for the child's exit code and exits with it. When the forker cannot be
reached, the launcher runs the game itself, cold, as before: slower, never broken.

    python -m simulator.commands.prefork forker SOCKET
    python -m simulator.commands.prefork launch SOCKET -- HUIKUAN-ARGS...
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn

# One request: the launcher's argv, environment and working directory, as JSON (a few kB).
REQUEST_LIMIT = 1 << 20
# How long either side waits for the other's first word before giving up on it (the launcher
# then plays cold; a child forked meanwhile sees its launcher gone and ends).
REQUEST_WAIT_S = 15.0


# --- the launcher (what textual-serve runs per session) ------------------------------------------


def launch(socket_path: str, args: Sequence[str]) -> int:
    """Run `huikuan ARGS` in a child of the forker, on this process's stdin/stdout/stderr."""
    cold = [sys.executable, "-m", "simulator.cli", *args]
    try:
        link = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    except (AttributeError, OSError):
        os.execv(cold[0], cold)  # no such socket here: the game, started cold
    try:
        link.settimeout(REQUEST_WAIT_S)
        link.connect(socket_path)
        request = {"argv": list(args), "env": dict(os.environ), "cwd": os.getcwd()}
        socket.send_fds(link, [json.dumps(request).encode()], [0, 1, 2])
        reply = link.recv(64).split()
        link.settimeout(None)
    except OSError:
        link.close()
        os.execv(cold[0], cold)  # no forker: the game, started cold
    if reply[:1] != [b"pid"]:
        os.execv(cold[0], cold)
    child = int(reply[1])

    def forward(signum: int, _frame: Any) -> None:
        # textual-serve stops a session by signalling the process it started: pass it on.
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    while True:
        try:
            message = link.recv(64)
        except InterruptedError:
            continue
        except OSError:
            return 1
        # The child closes its end when it ends; its last word is its exit code.
        if not message:
            return 1
        words = message.split()
        if words[:1] == [b"exit"]:
            return int(words[1])


# --- the forker (started once by `huikuan serve`) -------------------------------------------------


def forker(socket_path: str) -> int:
    """Import the game, then fork a child per launcher until stdin closes (the server's end)."""
    import gc

    from simulator.frontends.tui.app import warm_up

    warm_up()

    # Everything imported so far lives as long as the children: frozen, the collector leaves it
    # alone, and the pages stay shared between the children instead of being copied.
    gc.freeze()
    # Ctrl+C in the trainer's terminal is the server's to handle (it closes every session so
    # each app quits cleanly); the forker leaves when the server closes its stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(socket_path)
        os.chmod(socket_path, 0o600)
        listener.listen(64)
    except OSError as exc:
        # Say it in one line; every tab still plays, started cold.
        print(f"{socket_path}: note: no warm start ({exc.strerror or exc}); apps start cold",
              file=sys.stderr)  # fmt: skip
        return 1
    signal.signal(signal.SIGCHLD, _reap)
    waiting = selectors.DefaultSelector()
    waiting.register(listener, selectors.EVENT_READ)
    waiting.register(0, selectors.EVENT_READ)
    try:
        while True:
            for key, _ in waiting.select():
                if key.fileobj == 0:
                    if not os.read(0, 4096):
                        return 0  # the server is gone
                    continue
                connection, _ = listener.accept()
                _fork(listener, connection)
    finally:
        listener.close()
        os.unlink(socket_path)


def _reap(_signum: int, _frame: Any) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def _fork(listener: socket.socket, connection: socket.socket) -> None:
    # A connection that never says anything must not hold up the next tab.
    connection.settimeout(REQUEST_WAIT_S)
    try:
        message, fds, _, _ = socket.recv_fds(connection, REQUEST_LIMIT, 3)
        request = json.loads(message)
    except (OSError, ValueError):
        connection.close()
        return
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        connection.close()
        return
    pid = os.fork()
    if pid == 0:
        _child(listener, connection, request, fds)
    for fd in fds:
        os.close(fd)
    connection.close()


def _child(
    listener: socket.socket, connection: socket.socket, request: dict[str, Any], fds: list[int]
) -> NoReturn:
    code = 1
    try:
        listener.close()
        connection.settimeout(None)
        # The signals as a cold start has them.
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        import random

        random.seed()  # not the forker's stream: every child draws its own
        connection.sendall(f"pid {os.getpid()}".encode())
        # The launcher gone (killed when its tab closed): nothing is left to play for.
        threading.Thread(target=_exit_with, args=(connection,), daemon=True).start()
        code = _run(request["argv"])
    except BaseException as exc:
        if not isinstance(exc, SystemExit):
            import traceback

            traceback.print_exc()
        elif isinstance(exc.code, int):
            code = exc.code
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        with contextlib.suppress(OSError):
            connection.sendall(f"exit {code}".encode())
        os._exit(code)


def _exit_with(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.recv(1)
    os._exit(1)


def _run(argv: list[str]) -> int:
    import argparse

    from simulator.commands import play
    from simulator.errors import HuikuanError

    parser = argparse.ArgumentParser(prog="huikuan")
    play.register_home(parser)
    args = parser.parse_args(argv)
    try:
        return play.home(args)
    except HuikuanError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2


def main(argv: Sequence[str]) -> int:
    if len(argv) >= 2 and argv[0] == "forker":
        return forker(argv[1])
    if len(argv) >= 3 and argv[0] == "launch" and argv[2] == "--":
        return launch(argv[1], argv[3:])
    print((__doc__ or "").rsplit("\n\n", 1)[-1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
