"""Runs a real chia 2.7.5 service with its peer server bound to 127.0.0.1.

usage: interop_service.py daemon|farmer|harvester

chia's ChiaServer.start listens on every interface (it passes an empty host to WebServer.create);
the interop run must stay on loopback, so the empty host is replaced by 127.0.0.1 before the
service's own main() runs. Nothing else is changed.
"""

import signal
import sys

import chia.server.server as server_module


def _die_with_parent() -> None:
    """Linux: get SIGTERM when the xtask that started us dies, even if it could not clean up."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


_die_with_parent()

_original_create = server_module.WebServer.create


async def _loopback_create(*args, **kwargs):
    if kwargs.get("hostname") == "":
        kwargs["hostname"] = "127.0.0.1"
    return await _original_create(*args, **kwargs)


server_module.WebServer.create = _loopback_create


def main() -> int:
    service = sys.argv[1]
    if service == "daemon":
        from chia.daemon.server import main as service_main
    elif service == "farmer":
        from chia.farmer.start_farmer import main as service_main
    elif service == "harvester":
        from chia.harvester.start_harvester import main as service_main
    else:
        print(f"unknown service {service!r}", file=sys.stderr)
        return 2
    # The service parses sys.argv itself; it must not see our argument.
    sys.argv = sys.argv[:1]
    return service_main()


if __name__ == "__main__":
    sys.exit(main())
