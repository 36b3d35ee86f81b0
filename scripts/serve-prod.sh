#!/bin/sh
# serve-prod.sh start|stop|status: the production stack on this machine (docs/deployment.md):
# nginx (HTTPS with a self-signed certificate, static files, X-Accel-Redirect downloads, gzip,
# a request-size limit) -> gunicorn (several workers) -> PgBouncer (transaction pooling) ->
# the local PostgreSQL, and the background worker as its own process. Everything it makes is
# under var/prod/ (PROD_DIR); `stop` ends every process it started.
#
# Settings by environment: PROD_HTTPS_PORT (8443), PROD_HTTP_PORT (8080), PROD_APP_PORT (8001),
# PROD_POOL_PORT (6432), PROD_DB (campuseval_prod), PROD_WORKERS (3), PROD_DEMO (1: the demo city
# on an empty database), PG_URL (postgres://postgres@127.0.0.1:5432/postgres).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=${PROD_DIR:-$ROOT/var/prod}
HTTPS_PORT=${PROD_HTTPS_PORT:-8443}
HTTP_PORT=${PROD_HTTP_PORT:-8080}
APP_PORT=${PROD_APP_PORT:-8001}
POOL_PORT=${PROD_POOL_PORT:-6432}
DB=${PROD_DB:-campuseval_prod}
WORKERS=${PROD_WORKERS:-3}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
VENV=$ROOT/.venv
export PATH="/usr/sbin:/sbin:$PATH"

stop_pid() {  # stop_pid NAME FILE
  pid=$(cat "$2" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
    echo "serve-prod: stopped $1"
  fi
  rm -f "$2"
}

case "${1:-start}" in
stop)
  [ -f "$RUN/nginx.pid" ] && nginx -p "$RUN" -c "$RUN/nginx.conf" -s quit 2>/dev/null && sleep 0.5 && echo "serve-prod: stopped nginx"
  rm -f "$RUN/nginx.pid"
  stop_pid worker "$RUN/worker.pid"
  stop_pid gunicorn "$RUN/gunicorn.pid"
  stop_pid pgbouncer "$RUN/pgbouncer/pgbouncer.pid"
  exit 0 ;;
status)
  for p in nginx gunicorn worker pgbouncer/pgbouncer; do
    if [ -f "$RUN/$p.pid" ] && kill -0 "$(cat "$RUN/$p.pid")" 2>/dev/null; then echo "${p%%/*}: running"; else echo "${p%%/*}: stopped"; fi
  done
  exit 0 ;;
start) ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

for tool in nginx pgbouncer openssl psql; do
  command -v $tool >/dev/null 2>&1 || { echo "serve-prod: $tool is missing (scripts/ensure-prod.sh installs nginx and PgBouncer)" >&2; exit 1; }
done
pg_isready -q -d "$PG_URL" || { echo "serve-prod: no PostgreSQL at $PG_URL" >&2; exit 1; }
mkdir -p "$RUN/var/media"
"$0" stop >/dev/null 2>&1 || true

# The database, and the secret key kept between runs.
psql -q "$PG_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 || psql -q "$PG_URL" -c "CREATE DATABASE \"$DB\""
[ -f "$RUN/secret_key" ] || "$VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe(50))" > "$RUN/secret_key"
# The audit chain's key, outside the database (docs/deployment.md); made once, kept.
[ -f "$RUN/audit_key" ] || "$VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe(48))" > "$RUN/audit_key"
chmod 600 "$RUN/secret_key" "$RUN/audit_key"
# A self-signed certificate for 127.0.0.1 and localhost (a bureau uses its own).
if [ ! -f "$RUN/tls.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=campuseval" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$RUN/tls.key" -out "$RUN/tls.crt" >/dev/null 2>&1
fi

fill() {  # fill TEMPLATE OUT
  sed -e "s|@RUN@|$RUN|g" -e "s|@APP@|127.0.0.1:$APP_PORT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
      -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" -e "s|@STATIC@|$RUN/var/static|g" -e "s|@MEDIA@|$RUN/var/media|g" \
      -e "s|@DB@|$DB|g" -e "s|@POOL_PORT@|$POOL_PORT|g" -e "s|@PGB@|$RUN/pgbouncer|g" "$1" > "$2"
}
fill deploy/nginx.conf "$RUN/nginx.conf"
fill deploy/pgbouncer.ini "$RUN/pgbouncer.ini"
# PgBouncer will not run as root: as root, it runs as the postgres account in a folder of its own
# (and nginx's workers as nobody: PROD_DIR must be a folder others may enter, as var/ is).
mkdir -p "$RUN/pgbouncer"
echo '"postgres" ""' > "$RUN/pgbouncer/users.txt"
POOL_USER=""
if [ "$(id -u)" = 0 ]; then POOL_USER="-u postgres"; chown -R postgres "$RUN/pgbouncer"; fi

# The production environment (docs/deployment.md).
export SECRET_KEY="$(cat "$RUN/secret_key")"
export CAMPUSEVAL_AUDIT_KEY_FILE="$RUN/audit_key"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SITE_URL="https://127.0.0.1:$HTTPS_PORT"
export CAMPUSEVAL_HTTPS=1
# The rehearsal's demo administrators have no authenticators: a real deployment keeps the
# production default (two-factor log-in for administrators, docs/deployment.md).
export CAMPUSEVAL_ADMIN_2FA="${CAMPUSEVAL_ADMIN_2FA:-0}"
# nginx on this machine is the one proxy whose X-Forwarded-For names the client.
export CAMPUSEVAL_TRUSTED_PROXIES="${CAMPUSEVAL_TRUSTED_PROXIES:-127.0.0.1,::1}"
export CAMPUSEVAL_VAR_DIR="$RUN/var"
export CAMPUSEVAL_ACCEL_REDIRECT=/protected/
export DATABASE_POOLER=transaction
unset DEBUG CAMPUSEVAL_TESTING TEST_DATABASE_URL || true
BASE=${PG_URL%/*}

# Migrate straight to PostgreSQL; the app servers then go through PgBouncer.
DATABASE_URL="$BASE/$DB" "$VENV/bin/campuseval" migrate --noinput -v0
DATABASE_URL="$BASE/$DB" "$VENV/bin/campuseval" collectstatic --noinput -v0
DATABASE_URL="$BASE/$DB" "$VENV/bin/campuseval" load_rubrics >/dev/null
if [ "${PROD_DEMO:-1}" = 1 ]; then  # the demo city on an empty database (its accounts in demo.txt)
  DATABASE_URL="$BASE/$DB" "$VENV/bin/campuseval" demo --if-empty --url "$SITE_URL/" > "$RUN/demo.txt"
fi

pgbouncer -d $POOL_USER "$RUN/pgbouncer.ini"
export DATABASE_URL="postgres://postgres@127.0.0.1:$POOL_PORT/$DB"
"$VENV/bin/gunicorn" campuseval.wsgi:application --bind "127.0.0.1:$APP_PORT" --workers "$WORKERS" \
  --daemon --pid "$RUN/gunicorn.pid" --access-logfile "$RUN/gunicorn-access.log" --error-logfile "$RUN/gunicorn.log" \
  --forwarded-allow-ips 127.0.0.1 --max-requests 2000 --max-requests-jitter 200 --capture-output
nohup "$VENV/bin/campuseval" worker >> "$RUN/worker.log" 2>&1 &
echo $! > "$RUN/worker.pid"
nginx -p "$RUN" -c "$RUN/nginx.conf"

i=0
until curl -ksf "https://127.0.0.1:$HTTPS_PORT/healthz" >/dev/null 2>&1; do
  i=$((i+1)); [ $i -gt 60 ] && { echo "serve-prod: the stack did not answer /healthz (logs in $RUN)" >&2; exit 1; }
  sleep 0.5
done
echo "campuseval (production stack): https://127.0.0.1:$HTTPS_PORT/  (self-signed certificate; stop with make stop-prod)"
