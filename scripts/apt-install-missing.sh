#!/bin/sh
# apt-install-missing.sh WHO WHAT PACKAGE...: install Debian packages that a group of tests
# needs, when we may (root, or password-less sudo); otherwise say why and exit 0, and those
# tests report themselves as skipped with that reason (CI sets the variable that makes them
# fail instead). WHO names the caller in messages, WHAT the tests it serves.
who="$1"; what="$2"; shift 2
missing="$*"
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: no apt-get here to install $missing" >&2; exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "$who: not root and no password-less sudo to install $missing" >&2; exit 0
fi
echo "$who: installing $missing for $what"
install() {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1
}
install || { $SUDO apt-get update -q >/dev/null 2>&1 && install; } || echo "$who: could not install $missing" >&2
exit 0
