"""The BNG as part of `python -m webnet.lab`: log the subscribers in, then interim every N s."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from .nas import Bng, BngOptions
from .wire import NoAnswer

log = logging.getLogger("webnet.lab.bng")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("BNG / RADIUS NAS")
    group.add_argument("--bng", metavar="ADDRESS", help="run a BNG with this loopback address")
    group.add_argument("--bng-name", default="bng1")
    group.add_argument("--bng-secret", default="", help="RADIUS shared secret of the BNG")
    group.add_argument(
        "--bng-radius",
        default="127.0.0.1:18120:18130",
        metavar="HOST:AUTH:ACCT",
        help="the RADIUS server (default: webnet's `make radius`, 127.0.0.1:18120:18130)",
    )
    group.add_argument("--bng-coa-port", type=int, default=3799, help="CoA listener (UDP)")
    group.add_argument(
        "--bng-subscriber",
        action="append",
        default=[],
        metavar="USER:PASSWORD",
        help="a subscriber that logs in at start; repeatable",
    )
    group.add_argument("--bng-interim", type=float, default=60.0, help="interim interval, s")


def options(args: argparse.Namespace) -> BngOptions:
    host, auth, acct = args.bng_radius.split(":")
    return BngOptions(
        address=args.bng,
        secret=args.bng_secret,
        radius_host=host,
        auth_port=int(auth),
        acct_port=int(acct),
        coa_port=args.bng_coa_port,
        name=args.bng_name,
    )


async def serve(args: argparse.Namespace, status_file: Path | None, stop: asyncio.Event) -> None:
    """Run the BNG until `stop`; its status (`show subscribers`) goes to `status_file`."""
    bng = Bng(options(args))
    await bng.start()
    try:
        for spec in args.bng_subscriber:
            user, _, password = spec.partition(":")
            try:
                session = await bng.connect(user, password)
            except NoAnswer:
                session = None
            log.warning("bng %s: %s %s", bng.options.name, user, "up" if session else "rejected")
        while not stop.is_set():
            if status_file is not None:
                status_file.write_text(bng.status() + "\n" + "\n".join(bng.coa_log) + "\n")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), args.bng_interim)
            with contextlib.suppress(NoAnswer):
                await bng.interim()
    finally:
        await bng.stop()
