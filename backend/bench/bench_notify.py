"""make bench-notify: the delivery soak of tests/notifications/soak.py at a larger size.

PostgreSQL and Redis (Debian packages, loopback), two Celery workers and beat; N messages × 3
sinks (a webhook that fails, then rate-limits, then accepts; SMTP via aiosmtpd; the inbox); one
worker SIGKILLed when a quarter of the mail is out. Ends with the soak's RESULT line.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    sys.path.insert(0, str(BACKEND))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    import django

    django.setup()
    from webnet.tests.notifications.soak import Soak

    root = Path(tempfile.mkdtemp(prefix="webnet-bench-notify-"))
    root.chmod(0o755)
    soak = Soak(root, args.messages)
    try:
        soak.start()
        result = soak.run(timeout=max(600, args.messages / 5))
    finally:
        soak.stop()
        shutil.rmtree(root, ignore_errors=True)
    rate = 3 * result.messages / result.seconds
    print(f"{result.line()} deliveries_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
