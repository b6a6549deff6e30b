"""What the judge knows of the learner's names: copies of plain data, and calls by name.

The judge runs the course's cells and the tests; the learner's code runs in another process.
A test that reads a name the course did not define (``tong``, ``diem``) gets, just before the
test starts, a copy of the learner's value made of plain data (:mod:`graders.grading.sandbox.
plain`), or a :class:`LearnerFunction` whose calls send plain arguments to the learner's process
and bring back a plain result. Anything else the learner holds (their own classes, objects
that override ``==``) reaches the test as a :class:`LearnerObject`, which equals nothing but
itself, and is flagged. Built-in names always mean the built-ins.

An answer cell's released code (the widget that shows a question) runs in the judge too: the
questions it builds read the learner's answers from the answer file, which is data. Every
other name such a cell binds (a function the learner completes) belongs to the learner and is
fetched from their process.
"""

from __future__ import annotations

import ast
import builtins
import socket
import sys
from typing import Any

from IPython.core.interactiveshell import InteractiveShell

from curriculum.toolkit.questions import Question
from graders.grading.sandbox import plain, wire
from graders.grading.sandbox.capture import COLLECTOR

MISSING = object()


class LearnerCodeGone(RuntimeError):
    """The learner's process is gone, so their code cannot be called."""


class LearnerLink:
    """The judge's questions to the learner's process, relayed by the supervisor."""

    def __init__(self, sock: socket.socket, limit: int) -> None:
        self.sock = sock
        self.limit = limit
        self.flags: list[str] = []

    def ask(self, question: dict[str, Any]) -> dict[str, Any]:
        wire.send(self.sock, question)
        reply = wire.recv(self.sock, self.limit)
        if not isinstance(reply, dict) or reply.get("gone"):
            raise LearnerCodeGone("the learner's code is no longer running")
        return reply

    def flag(self, phrase: str) -> None:
        if phrase not in self.flags:
            self.flags.append(phrase)


class LearnerObject:
    """A learner's value that is not plain data: it equals nothing but itself."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<an object of the learner's type {self.type_name}>"


class LearnerFunction:
    """A learner's function, called in the learner's process with plain data only."""

    __slots__ = ("__name__", "_link")

    def __init__(self, name: str, link: LearnerLink) -> None:
        self.__name__ = name
        self._link = link

    def __repr__(self) -> str:
        return f"<function {self.__name__}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            payload = plain.encode([list(args), kwargs])
        except plain.NotPlainData as exc:
            raise TypeError(
                f"{self.__name__}() can be called with plain data only: {exc}"
            ) from None
        reply = self._link.ask({"op": "call", "name": self.__name__, "args": payload})
        for output in reply.get("streams", []):
            if isinstance(output, dict) and output.get("name") in ("stdout", "stderr"):
                COLLECTOR.stream(output["name"], str(output.get("text", "")))
        if "raised" in reply:
            raise learner_exception(reply["raised"], self.__name__)
        return received(reply, self._link, f"{self.__name__}()")


def learner_exception(raised: Any, name: str) -> BaseException:
    """The learner's exception as the nearest built-in one, with its message."""
    types = raised.get("types", []) if isinstance(raised, dict) else []
    message = str(raised.get("message", "")) if isinstance(raised, dict) else ""
    for type_name in types if isinstance(types, list) else []:
        found = getattr(builtins, str(type_name), None)
        if isinstance(found, type) and issubclass(found, BaseException):
            try:
                return found(message)
            except Exception:
                continue
    return RuntimeError(f"{name}() raised an error: {message}")


def received(reply: dict[str, Any], link: LearnerLink, what: str) -> Any:
    """The value in a reply: decoded plain data, else a flagged :class:`LearnerObject`."""
    if "value" in reply:
        try:
            return plain.decode(reply["value"])
        except (ValueError, TypeError, RecursionError):
            link.flag(f"sent the grader malformed data for {what}")
            return LearnerObject("malformed")
    type_name = str(reply.get("opaque", "unknown"))[:80]
    link.flag(f"gave a test an object that is not plain data ({what}: {type_name})")
    return LearnerObject(type_name)


class LearnerNames:
    """Binds, before each cell the judge runs, the learner's names that the cell reads."""

    def __init__(self, shell: InteractiveShell, link: LearnerLink | None) -> None:
        self.shell = shell
        self.link = link
        self.owned: set[str] = set()
        self._before: dict[str, Any] = {}

    def bind_for(self, code: str) -> None:
        if self.link is None:  # no learner process: every name is the course's
            return
        namespace = self.shell.user_ns
        wanted = sorted(
            name
            for name in read_names(self.shell, code)
            if (name in self.owned or name not in namespace) and not hasattr(builtins, name)
        )
        if not wanted:
            return
        try:
            values = self.link.ask({"op": "fetch", "names": wanted}).get("values")
        except LearnerCodeGone:
            values = {}
        values = values if isinstance(values, dict) else {}
        for name in wanted:
            found = values.get(name)
            self.owned.add(name)
            if isinstance(found, dict):
                namespace[name] = self._value(name, found)
            else:
                namespace.pop(name, None)

    def _value(self, name: str, found: dict[str, Any]) -> Any:
        assert self.link is not None
        if found.get("callable") is True:
            return LearnerFunction(name, self.link)
        if "module" in found:  # one the judge has loaded already: importing runs code
            module = sys.modules.get(str(found["module"]))
            return module if module is not None else LearnerObject("module")
        return received(found, self.link, name)

    def note_namespace(self) -> None:
        self._before = dict(self.shell.user_ns)

    def keep_questions_only(self) -> None:
        """After an answer cell's released code: its questions stay; its other names are the
        learner's, to be fetched when a test reads them."""
        namespace = self.shell.user_ns
        for name, value in list(namespace.items()):
            if name.startswith("_") or name in self.shell.user_ns_hidden:
                continue  # the shell's own: In, Out, _, _i3...
            if self._before.get(name, MISSING) is value:
                continue
            if isinstance(value, Question):
                self.owned.discard(name)
            else:
                del namespace[name]
                self.owned.add(name)


def read_names(shell: InteractiveShell, code: str) -> set[str]:
    """Every name the cell's code reads, at any depth (IPython syntax included)."""
    try:
        tree = ast.parse(shell.transform_cell(code))
    except (SyntaxError, ValueError):
        return set()
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
