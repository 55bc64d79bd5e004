#!/usr/bin/env bash
# Load test (issue 9): gunicorn with the production settings on loopback, 50 connections browsing
# the caseload list and client pages for a minute (wrk, from Debian: apt-get install wrk).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocmw_bench bash bench/load.sh [--seed 10000]
#
# The database must hold a demo (seed_demo); --seed N makes one first.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the (PostgreSQL) database to test}"
PY=.venv/bin/python
export DJANGO_DEBUG=false DJANGO_SECRET_KEY="load-test-$(date +%s)-not-for-production-use-0123456789abcdef"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_HSTS_SECONDS=0
export DJANGO_TRUSTED_PROXIES=0 EMAIL_URL=dummymail://
if [ "${1:-}" = "--seed" ]; then
    $PY manage.py migrate --noinput -v0
    $PY manage.py seed_demo --clients "${2:-10000}" >/dev/null 2>&1
fi
$PY manage.py collectstatic --noinput -v0
# A logged-in diensthoofd past the second step, and the clients she may open.
read -r SESSION_ID CLIENT_IDS < <($PY manage.py shell -v0 -c "
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from clients.models import Client
from organisations import second_factor
from organisations.models import User
user = User.objects.get(email='diensthoofd@menen.demo')
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: 'django.contrib.auth.backends.ModelBackend',
                HASH_SESSION_KEY: user.get_session_auth_hash(), second_factor.VERIFIED: True,
                second_factor.INACTIVITY: 3600})
session.create()
ids = Client.objects.filter(organisation=user.organisation).order_by('?').values_list('pk', flat=True)[:500]
print(session.session_key, ','.join(map(str, ids)))
")
export SESSION_ID CLIENT_IDS
.venv/bin/gunicorn ocmw_activation.wsgi -c gunicorn.conf.py --bind 127.0.0.1:8123 --access-logfile /dev/null \
    >/tmp/load-gunicorn.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 30); do curl -fs -o /dev/null -H "Host: 127.0.0.1" http://127.0.0.1:8123/healthz && break; sleep 1; done
status=$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: sessionid=$SESSION_ID" -H "Host: 127.0.0.1" \
    http://127.0.0.1:8123/clienten/)
[ "$status" = 200 ] || { echo "the caseload answered $status, not 200: the session does not work" >&2; exit 1; }
echo "gunicorn: $(grep '^workers' gunicorn.conf.py), $(nproc) cores; $(echo "$CLIENT_IDS" | tr ',' '\n' | wc -l) client pages"
for think in 2000 0; do
    if [ "$think" = 0 ]; then echo "50 connections without pause (saturation):"; else
        echo "50 people, each reading a page for about $((think / 1000)) s between clicks:"; fi
    THINK_MS=$think wrk --threads 4 --connections 50 --duration 60s --timeout 10s --script bench/load.lua \
        http://127.0.0.1:8123/ | sed -n '/^requests:/,$p'
done
