#!/bin/sh
# The production stack's servers from Debian's packages: nginx and PgBouncer (make serve-prod,
# and the test that starts the stack). Installed when missing and we may; otherwise that test
# reports itself as skipped with the reason (CI sets CAMPUSEVAL_REQUIRE_PROD=1: no skipping).
missing=""
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing="nginx-light"
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || missing="$missing pgbouncer"
exec "$(dirname "$0")/apt-install-missing.sh" ensure-prod "the production stack (make serve-prod)" $missing
