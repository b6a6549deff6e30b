"""Notice, undo and report a learner's cell tampering with the machinery of its process.

The tests never run in the learner's process (they run in the judge,
:mod:`graders.grading.sandbox.supervisor`), so no tampering here can change a score. It is
still reported, and undone so that the learner's own later cells and the course's cells run on
sound machinery: a cell could switch off traceback display, patch built-ins, wrap the shell's
execution machinery, install a trace function, add import hooks, or redefine the helpers the
course's cells define. After every cell the guard compares that machinery with how it was
before, puts back whatever changed and reports it.

Cells come in two kinds here: ``course`` (a locked cell) and ``answer`` (anything the learner
may edit). Functions, classes and modules that course cells define are *helpers*: if an answer
cell rebinds or patches one, the course's version is put back. A function or class an answer
cell names after a built-in (``def sum(...)``) is reported.
"""

from __future__ import annotations

import builtins
import os
import re
import signal
import site
import sys
import threading
import types
from typing import Any

from IPython.core.interactiveshell import InteractiveShell

MISSING = object()
SYS_NAMES = (
    "excepthook",
    "displayhook",
    "breakpointhook",
    "unraisablehook",
    "stdout",
    "stderr",
    "settrace",
    "gettrace",
    "setprofile",
    "getprofile",
    "exc_info",
    "modules",
)
SHELL_NAMES = (
    "CustomTB",
    "InteractiveTB",
    "SyntaxTB",
    "compile",
    "custom_exceptions",
    "display_pub",
    "displayhook",
    "events",
    "hooks",
    "user_module",
    "_user_ns",
    "user_ns_hidden",
    "input_transformer_manager",
)
SHELL_LISTS = ("ast_transformers", "input_transformers_post")
TRANSFORMER_LISTS = ("cleanup_transforms", "line_transforms", "token_transformers")
# Matplotlib's inline backend adds a post_execute callback to draw figures: that one is allowed.
OPEN_EVENTS = ("post_execute",)
HELPER_TYPES = (types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType)
CODE_TYPES = (types.FunctionType, type, classmethod, staticmethod, property)
# Module globals that Python itself changes as code runs.
MODULE_STATE = ("__warningregistry__",)


def _differs(now: dict[str, Any], before: dict[str, Any]) -> list[str]:
    names = set(now) | set(before)
    return sorted(n for n in names if now.get(n, MISSING) is not before.get(n, MISSING))


def _restore_dict(target: Any, before: dict[str, Any], names: list[str]) -> None:
    for name in names:
        if before.get(name, MISSING) is MISSING:
            delattr(target, name)
        else:
            setattr(target, name, before[name])


def _state(value: Any) -> Any:
    """What must stay the same for a helper to behave as the course defined it.

    For a class or a module that is its functions and classes, not its data, which the
    course's own code may change as it runs.
    """
    if isinstance(value, types.FunctionType):
        return (value.__code__, value.__defaults__, value.__kwdefaults__)
    if isinstance(value, type | types.ModuleType):
        return {k: v for k, v in vars(value).items() if isinstance(v, CODE_TYPES)}
    return None


def _ipython_name(name: str) -> bool:
    """Names IPython itself keeps in the namespace: _, __, _5, _i, _ii, _i5, _ih, _oh, _dh."""
    return bool(re.fullmatch(r"_+|_\d+|_i+\d*|_[iod]h", name))


def _from_installed_library(hook: Any) -> bool:
    """Whether all the Python code behind ``hook`` lives in files of the Python installation,
    not in code the learner wrote (a cell, or a file beside the notebook in the sandbox)."""
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, *site.getsitepackages())}
    here = os.path.realpath(os.getcwd()) + os.sep
    for filename in _code_files(hook):
        if filename.startswith("<frozen "):
            continue  # the standard library's own import machinery
        path = os.path.realpath(filename)
        if path.startswith(here) or not any(path.startswith(root + os.sep) for root in roots):
            return False
    return True


def _code_files(hook: Any) -> set[str]:
    """Source files of the functions that make up ``hook``: itself, its attributes, its class."""
    holders = [vars(cls) for cls in type(hook).__mro__ if cls is not object]
    if isinstance(hook, type):
        holders += [vars(cls) for cls in hook.__mro__ if cls is not object]
    holders.append(getattr(hook, "__dict__", {}))
    values = [hook, *(value for holder in holders for value in holder.values())]
    files = set()
    for value in values:
        function = getattr(value, "__func__", value)
        code = getattr(function, "__code__", None)
        if isinstance(code, types.CodeType):
            files.add(code.co_filename)
    return files


class Guard:
    def __init__(self, shell: InteractiveShell, modules: list[types.ModuleType]) -> None:
        self.shell = shell
        self.module_list = modules
        self._baseline()
        self.initial_names = dict(shell.user_ns)
        self.helpers: dict[str, Any] = {}
        self.helper_states: dict[str, Any] = {}
        self.shadowed: set[str] = set()
        self._names_before: dict[str, Any] = {}

    def _baseline(self) -> None:
        """Take the machinery as it is now as the state to keep."""
        shell = self.shell
        self.builtins = dict(vars(builtins))
        self.sys = {name: getattr(sys, name) for name in SYS_NAMES}
        self.import_hooks = (list(sys.meta_path), list(sys.path_hooks))
        self.classes = {
            cls: dict(vars(cls))
            for cls in {*type(shell).__mro__, type(shell.displayhook), type(shell.display_pub)}
            if cls.__module__ != "builtins"
        }
        self.modules = {module: dict(vars(module)) for module in self.module_list}
        self.instance = {name: vars(shell).get(name, MISSING) for name in SHELL_NAMES}
        self.method_overrides = set(vars(shell))
        self.lists = self._lists()
        self.list_contents = {key: list(value) for key, value in self.lists.items()}
        self.events = {name: list(cbs) for name, cbs in shell.events.callbacks.items()}
        self.sigint = signal.getsignal(signal.SIGINT)

    def _lists(self) -> dict[str, list]:
        lists = {name: getattr(self.shell, name) for name in SHELL_LISTS}
        manager = self.shell.input_transformer_manager
        lists.update({name: getattr(manager, name) for name in TRANSFORMER_LISTS})
        return lists

    def before_cell(self) -> None:
        """Note the namespace, to see what the cell rebinds."""
        self._names_before = dict(self.shell.user_ns)

    def _shadows(self) -> list[str]:
        """Names an answer cell bound to something callable that stands in for a built-in."""
        names = []
        for name, value in self.shell.user_ns.items():
            original = self.builtins.get(name, MISSING)
            if original is MISSING or value is original or name.startswith("_"):
                continue
            if name in self.helpers or value is self.initial_names.get(name, MISSING):
                continue  # the course's own, or IPython's exit, quit and open
            if callable(value):
                names.append(name)
        return names

    def after_cell(self, kind: str) -> list[str]:
        """Undo tampering; return what was found, one short phrase per kind of tampering.

        A course cell is trusted: what it changes (an import that adds an import hook, a
        helper it defines) becomes the state to keep.
        """
        if kind == "course":
            self._baseline()
            self._learn_helpers()
            return []
        return self._machinery() + self._helpers() + self._shadowing()

    def _machinery(self) -> list[str]:
        found = []
        changed = [n for n in _differs(dict(vars(builtins)), self.builtins) if n != "_"]
        if changed:
            _restore_dict(builtins, self.builtins, changed)
            found.append(f"patched built-ins ({', '.join(changed)})")
        changed = [n for n in SYS_NAMES if getattr(sys, n) is not self.sys[n]]
        if changed:
            _restore_dict(sys, self.sys, changed)
            found.append(f"replaced sys.{', sys.'.join(changed)}")
        if sys.gettrace() is not None or sys.getprofile() is not None:
            sys.settrace(None)
            sys.setprofile(None)
            found.append("installed a trace or profile function")
        if getattr(threading, "_trace_hook", None) or getattr(threading, "_profile_hook", None):
            threading.settrace(None)  # type: ignore[arg-type]
            threading.setprofile(None)  # type: ignore[arg-type]
            found.append("installed a trace function for threads")
        if self._import_hooks_tampered():
            found.append("changed the import system")
        found += self._shell()
        for cls, before in self.classes.items():
            changed = _differs(dict(vars(cls)), before)
            if changed:
                _restore_dict(cls, before, changed)
                found.append(f"patched {cls.__name__} ({', '.join(changed)})")
        for module, before in self.modules.items():
            changed = [n for n in _differs(dict(vars(module)), before) if n not in MODULE_STATE]
            if changed:
                _restore_dict(module, before, changed)
                found.append(f"patched module {module.__name__} ({', '.join(changed)})")
        if signal.getsignal(signal.SIGINT) is not self.sigint:
            signal.signal(signal.SIGINT, self.sigint)
            found.append("changed the interrupt handler")
        return found

    def _import_hooks_tampered(self) -> bool:
        """Whether the import system changed other than by an installed library adding its own
        hook (``six`` does on import); any other change is put back."""
        meta_path, path_hooks = self.import_hooks
        tampered = False
        for now, before in ((sys.meta_path, meta_path), (sys.path_hooks, path_hooks)):
            if now == before:
                continue
            removed = any(hook not in now for hook in before)
            added = [hook for hook in now if hook not in before]
            if removed or not all(_from_installed_library(hook) for hook in added):
                now[:] = before
                tampered = True
        self.import_hooks = (list(sys.meta_path), list(sys.path_hooks))
        return tampered

    def _shell(self) -> list[str]:
        found = []
        attributes = vars(self.shell)
        changed = [n for n in SHELL_NAMES if attributes.get(n, MISSING) is not self.instance[n]]
        overrides = sorted(set(attributes) - self.method_overrides)
        overrides = [n for n in overrides if callable(getattr(type(self.shell), n, None))]
        if changed or overrides:
            for name in overrides:
                del attributes[name]
            _restore_dict(self.shell, self.instance, changed)
            found.append(f"replaced parts of the IPython shell ({', '.join(changed + overrides)})")
        now = self._lists()
        if any(now[k] is not v or list(v) != self.list_contents[k] for k, v in self.lists.items()):
            for key, value in self.lists.items():
                value[:] = self.list_contents[key]
            for name in SHELL_LISTS:
                setattr(self.shell, name, self.lists[name])
            for name in TRANSFORMER_LISTS:
                setattr(self.shell.input_transformer_manager, name, self.lists[name])
            found.append("added code transformers to the shell")
        callbacks = self.shell.events.callbacks
        for name, before in self.events.items():
            now = callbacks.get(name, [])
            if name in OPEN_EVENTS:
                continue
            if now != before:
                now[:] = before
                found.append(f"registered shell event callbacks ({name})")
        return found

    def _learn_helpers(self) -> None:
        for name, value in self.shell.user_ns.items():
            if not isinstance(value, HELPER_TYPES) or _ipython_name(name):
                continue
            if self._names_before.get(name, MISSING) is not value or name in self.helpers:
                self.helpers[name] = value
                self.helper_states[name] = _state(value)

    def _helpers(self) -> list[str]:
        rebound, patched = [], []
        namespace = self.shell.user_ns
        for name, value in self.helpers.items():
            if namespace.get(name, MISSING) is not value:
                namespace[name] = value
                rebound.append(name)
            elif _state(value) != self.helper_states[name]:
                self._restore_helper(value, self.helper_states[name])
                patched.append(name)
        if namespace.get("__builtins__", builtins) is not builtins:
            namespace["__builtins__"] = builtins
            rebound.append("__builtins__")
        found = []
        if rebound:
            found.append(f"redefined names the tests use ({', '.join(rebound)})")
        if patched:
            found.append(f"patched helpers the tests use ({', '.join(patched)})")
        return found

    @staticmethod
    def _restore_helper(value: Any, state: Any) -> None:
        if isinstance(value, types.FunctionType):
            value.__code__, value.__defaults__, value.__kwdefaults__ = state
        else:
            _restore_dict(value, state, _differs(_state(value), state))

    def _shadowing(self) -> list[str]:
        """Report stand-ins for built-ins once (a test in the judge always gets the built-ins)."""
        names = sorted(set(self._shadows()) - self.shadowed)
        self.shadowed.update(names)
        return (
            [f"redefined built-in names, hidden from the tests ({', '.join(names)})"]
            if names
            else []
        )
