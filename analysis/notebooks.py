"""Execute the study's notebooks reproducibly (the engine behind ``make figures``).

``python -m analysis.notebooks notebooks/00-corpus.ipynb ...`` executes each
notebook top to bottom in a fresh kernel, in the order given, with the
``notebooks/`` folder as working directory. A notebook file is overwritten with
its new outputs only when every cell ran without error; otherwise the error is
printed, the file is left as it was, and the command exits non-zero.

Every kernel starts with the network switched off (Python sockets other than
Unix ones raise), so a notebook that tries to download anything fails loudly.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat

#: Run in each kernel before the notebook's first cell, then removed from the output.
#: urllib3 probes for IPv6 by opening a socket when imported; importing it before the
#: guard keeps that harmless probe from printing a blocked-socket warning.
OFFLINE_GUARD = (
    "import urllib3  # noqa: F401\n"
    "import pytest_socket as _ps\n"
    "_ps.disable_socket(allow_unix_socket=True)\n"
    "del _ps"
)
TIMEOUT_S = 1800


class NotebookError(RuntimeError):
    """A notebook cell raised; the message names the notebook and the cell."""


def execute(path: Path | str, output_root: Path | str | None = None, offline: bool = True):
    """Execute notebook ``path`` and return the executed ``NotebookNode`` (file untouched).

    ``output_root`` sets ``FRAMING_OUTPUT_DIR`` for the kernel, so figures and
    results go there instead of the project root (tests use a temporary folder).
    """
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if offline:
        nb.cells.insert(0, nbformat.v4.new_code_cell(OFFLINE_GUARD))
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("MPLBACKEND", "Agg")
    if output_root is not None:
        env["FRAMING_OUTPUT_DIR"] = str(Path(output_root).resolve())
    with tempfile.TemporaryDirectory(prefix="kernel-") as ipc_dir:
        # IPC transport: the kernel talks over Unix sockets, so no TCP port is opened.
        km = KernelManager(kernel_name="python3", transport="ipc",
                           ip=str(Path(ipc_dir) / "k"))
        client = NotebookClient(nb, km=km, timeout=TIMEOUT_S, record_timing=False,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute(env=env, cwd=str(path.parent))
        except CellExecutionError as exc:
            raise NotebookError(f"{path}: a cell failed\n{exc}") from exc
    if offline:
        nb.cells.pop(0)
    return nb


def run(paths: list[Path | str], write: bool = True) -> None:
    """Execute each notebook in order; overwrite it only after a clean run."""
    for p in paths:
        p = Path(p)
        print(f"executing {p} ...", flush=True)
        nb = execute(p)
        if write:
            fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
            os.close(fd)
            try:
                nbformat.write(nb, tmp)
                os.replace(tmp, p)
            finally:
                Path(tmp).unlink(missing_ok=True)
        print(f"  ok: {p}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--no-write", action="store_true", help="execute only, keep files")
    args = parser.parse_args(argv)
    try:
        run(args.notebooks, write=not args.no_write)
    except NotebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
