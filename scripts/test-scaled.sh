#!/usr/bin/env bash
# The scaled-out pass of `make test`: PostgreSQL and Redis from Debian packages on loopback in a
# temporary directory; migrations and the database-touching suite on PostgreSQL (two pytest workers,
# schemathesis only here; browser, lab and driver tests only in the SQLite pass); then the
# scaled-out suite (webnet/tests/scaled), which starts its own PostgreSQL and Redis the same way
# because it stops and restarts them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/.venv/bin}
tmp=$(mktemp -d /tmp/webnet-ci-XXXXXX)
chmod 755 "$tmp"
cleanup() { bash "$ROOT/scripts/pg-redis.sh" stop "$tmp/services" || true; rm -rf "$tmp"; }
trap cleanup EXIT
eval "$(bash "$ROOT/scripts/pg-redis.sh" start "$tmp/services")"
cd backend
export WEBNET_STATE_DIR="$tmp/state"
echo "== migrations on PostgreSQL ($DATABASE_URL)"
DATABASE_URL=$DATABASE_URL REDIS_URL='' "$BIN/python" manage.py migrate --no-input -v 0
DATABASE_URL=$DATABASE_URL REDIS_URL='' "$BIN/python" manage.py migrate --check
DATABASE_URL=$DATABASE_URL REDIS_URL='' "$BIN/python" manage.py shell -c \
  "from django.db import connection as c; assert c.vendor == 'postgresql'; print('PostgreSQL', c.pg_version)"
# Everything that touches the database, schemathesis included (the SQLite pass leaves it to this
# one). Not again here: the browser tests (the same views, already driven on SQLite and covered on
# PostgreSQL by the UI and API tests) and the lab and driver tests (no database at all).
echo "== suite on PostgreSQL"
env -u REDIS_URL DATABASE_URL="$DATABASE_URL" "$BIN/pytest" -q -n 2 -p no:cacheprovider \
  --ignore=webnet/tests/scaled --ignore=webnet/tests/lab --ignore=webnet/tests/drivers -m "not browser"
echo "== scaled-out suite: Daphne, two Celery workers, beat, PostgreSQL, Redis, 100-device lab"
env -u REDIS_URL -u DATABASE_URL "$BIN/pytest" -q -p no:cacheprovider webnet/tests/scaled
