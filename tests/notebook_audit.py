"""Kernel start-up file for tests/test_notebooks.py: the usual offline guard, then a log of the
files the kernel opens, so the test can hold the Makefile's declared inputs against what each
notebook really reads.

Used as ``make figures KERNEL_STARTUP=<this file>`` with ``FRAMING_AUDIT_GUARD`` (the project's
scripts/offline_kernel.py) and ``FRAMING_AUDIT_DIR`` (where ``<notebook>.log`` goes, one JSON
line per open: absolute path and whether it was opened for writing) in the environment. The
notebook is named by ``JPY_SESSION_NAME``, which the Makefile sets.
"""


def _framing_audit():
    import json
    import os
    import sys

    guard = os.environ["FRAMING_AUDIT_GUARD"]
    with open(guard, encoding="utf-8") as fh:
        exec(compile(fh.read(), guard, "exec"), {"__name__": "__framing_guard__"})

    name = os.path.basename(os.environ.get("JPY_SESSION_NAME", "unnamed")).removesuffix(".ipynb")
    log = open(os.path.join(os.environ["FRAMING_AUDIT_DIR"], f"{name}.log"), "a",
               encoding="utf-8", buffering=1)
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT

    def hook(event, args):
        if event != "open":
            return
        try:
            record(*args)
        except Exception:                      # a hook that raises would fail the open itself
            pass

    def record(path, mode, flags):
        if hasattr(path, "__fspath__"):
            path = os.fspath(path)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str):          # an open file descriptor
            return
        if mode is not None:
            writes = any(c in mode for c in "wax+")
        else:
            writes = bool((flags or 0) & write_flags)
        log.write(json.dumps({"path": os.path.abspath(path), "write": writes}) + "\n")

    sys.addaudithook(hook)


_framing_audit()
del _framing_audit
