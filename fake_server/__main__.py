"""``orgo-fake serve``: run the fake Orgo API as a standalone server."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from fake_server.server import FakeOrgo
from fake_server.serving import run_standalone


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="orgo-fake", description="A fake Orgo API for tests.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake over HTTP and WebSocket")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=8787, help="port (default 8787; 0 picks a free one)"
    )
    serve.add_argument(
        "--vm-port",
        type=int,
        default=0,
        help="port of the direct VM API, shared by every computer (default 0: a free one)",
    )
    serve.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="accept only this bearer key (repeatable); without it any non-empty key works",
    )
    serve.add_argument(
        "--seed", type=int, default=None, help="seed ids and passwords for repeatable runs"
    )
    serve.add_argument(
        "--clock",
        choices=("virtual", "real"),
        default="virtual",
        help="virtual: time moves only when advanced (default); real: follows the wall clock",
    )
    serve.add_argument(
        "--control-token",
        default=os.environ.get("ORGO_FAKE_CONTROL_TOKEN"),
        help="token for /_fake off loopback and for privileged key requests "
        "(default: $ORGO_FAKE_CONTROL_TOKEN, else a random one, printed off loopback)",
    )
    serve.add_argument(
        "--log-body-bytes",
        type=int,
        default=None,
        help="keep at most this many bytes of each logged request body (default 65536)",
    )
    serve.add_argument(
        "--log-total-bytes",
        type=int,
        default=None,
        help="keep at most this many body bytes in the request log (default 33554432)",
    )
    serve.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for flag, value in (("--port", args.port), ("--vm-port", args.vm_port)):
        if value < 0 or value > 65535:
            print(f"orgo-fake: {flag} must be between 0 and 65535", file=sys.stderr)
            return 2
    if args.api_keys is not None and any(not key for key in args.api_keys):
        print("orgo-fake: --api-key cannot be empty", file=sys.stderr)
        return 2
    if args.control_token is not None and len(args.control_token) < 16:
        print("orgo-fake: --control-token must be at least 16 characters", file=sys.stderr)
        return 2
    if any(v is not None and v < 0 for v in (args.log_body_bytes, args.log_total_bytes)):
        print(
            "orgo-fake: --log-body-bytes and --log-total-bytes cannot be negative", file=sys.stderr
        )
        return 2
    fake = FakeOrgo(
        seed=args.seed, api_keys=args.api_keys, clock=args.clock, control_token=args.control_token
    )
    fake.log.configure(max_body_bytes=args.log_body_bytes, max_total_bytes=args.log_total_bytes)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            run_standalone(
                fake,
                fake.app,
                fake.vm_app,
                args.host,
                args.port,
                log_level=args.log_level,
                vm_port=args.vm_port,
            )
    except RuntimeError as exc:  # the VM API's port already taken, say
        print(f"orgo-fake: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
