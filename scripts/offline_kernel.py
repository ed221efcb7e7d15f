"""Kernel start-up file for batch notebook runs: no network connection may be opened.

`make figures` (and the notebook tests) execute every notebook with
`jupyter nbconvert --execute` and this file as ``PYTHONSTARTUP``; IPython kernels run
``PYTHONSTARTUP`` before the first cell (``InteractiveShellApp.exec_PYTHONSTARTUP``), so a
notebook that tries to download anything fails loudly at that cell instead of reaching out.

Only connections over IP are refused (``connect``, ``connect_ex``, ``sendto``, ``sendmsg`` on
AF_INET/AF_INET6 sockets); Unix sockets and the kernel's own ZeroMQ channels (not Python
sockets) are untouched, and creating or binding a socket stays allowed (urllib3 probes IPv6
that way when imported). Nothing is printed, and no name is left in the notebook's namespace.
`make lab` does not use it: an interactive session is the researcher's own.
"""


def _framing_offline():
    import socket

    families = {socket.AF_INET, socket.AF_INET6}

    def guard(name):
        original = getattr(socket.socket, name)

        def blocked(self, *args, **kwargs):
            if self.family in families:
                raise OSError(f"network access is switched off in notebook runs (socket.{name} "
                              f"to {args[-1] if args else '?'!r}); nothing may be downloaded at run time")
            return original(self, *args, **kwargs)

        blocked.__name__ = name
        setattr(socket.socket, name, blocked)

    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        guard(name)


_framing_offline()
del _framing_offline
