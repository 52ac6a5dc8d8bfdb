#!/usr/bin/env bash
# Makes sure the Debian packages that `npm test` drives are installed; run
# first by `pretest`. The tests use them as independent consumers and peers:
# python3-feedparser and python3-lxml read every feed back, nginx is a caching
# proxy in front of the service, chromium is the browser view; newsboat,
# rss2email and sfeed are the feed readers users run; xmllint (libxml2-utils)
# checks the sitemaps against their schemas; python3-prometheus-client parses
# /metrics with Prometheus's own parser; varnish with varnish-modules (xkey) is
# the CDN tier in front of two instances.
#
# - All installed: exits 0 after one dpkg-query per package, no apt call.
# - Some missing, and we are root or have passwordless sudo: installs only the
#   missing ones with apt-get (non-interactive, no recommends).
# - Otherwise: exits 1 at once and prints the exact command to run.
#
# Every tool is looked up in PATH (command -v), never by a fixed path, so that
# tests/ensure-test-tools.test.ts can put stand-ins for dpkg-query, apt-get,
# id and sudo first in PATH. Apart from those it uses only bash builtins.
set -euo pipefail

packages=(python3-feedparser python3-lxml nginx chromium newsboat rss2email sfeed libxml2-utils
  python3-prometheus-client varnish varnish-modules)
say() { printf 'ensure-test-tools: %s\n' "$*" >&2; }

dpkg_query=$(command -v dpkg-query || true)
if [ -z "$dpkg_query" ]; then
  say "no dpkg-query here: the tests need Debian's packages ${packages[*]}"
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  status=$("$dpkg_query" -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = 'install ok installed' ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# Who may install: root directly; anyone else only through sudo that asks no
# password (-n fails at once instead of prompting, so CI without stdin and
# people alike get an answer straight away).
apt_get=$(command -v apt-get || true)
id_tool=$(command -v id || true)
sudo_tool=$(command -v sudo || true)
as_root=()
if [ -n "$id_tool" ] && [ "$("$id_tool" -u)" = 0 ]; then
  can_install=yes
elif [ -n "$sudo_tool" ] && "$sudo_tool" -n true >/dev/null 2>&1; then
  can_install=yes
  as_root=("$sudo_tool" -n)
else
  can_install=no
fi

if [ "$can_install" = no ] || [ -z "$apt_get" ]; then
  prefix='sudo '
  [ "$can_install" = yes ] && [ ${#as_root[@]} -eq 0 ] && prefix=''
  say "missing Debian packages: ${missing[*]}. Install them with:"
  # update first: on a machine where apt's lists are empty or old, install
  # alone cannot find the packages.
  printf '%sapt-get update && %sapt-get install -y --no-install-recommends %s\n' \
    "$prefix" "$prefix" "${missing[*]}" >&2
  exit 1
fi

say "installing missing Debian packages: ${missing[*]}"
# A mirror that drops a connection for a moment must not fail the tests: apt
# retries each download, and the whole update and install is tried again.
retries=(-o Acquire::Retries=3)
install=("${retries[@]}" install -y -qq --no-install-recommends "${missing[@]}")
install_once() { # runs update and install once, as root
  if [ ${#as_root[@]} -eq 0 ]; then
    "$apt_get" "${retries[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "$apt_get" "${install[@]}"
  else
    # sudo resets the environment: pass DEBIAN_FRONTEND through env(1).
    "${as_root[@]}" "$apt_get" "${retries[@]}" update -qq && "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "$apt_get" "${install[@]}"
  fi
}
# Waits with bash builtins only (no sleep(1): the tests' PATH holds stand-ins alone): reads a pipe nobody writes.
pause() { local fd; exec {fd}<> <(:); read -r -t "$1" -u "$fd" || true; exec {fd}<&-; }
for attempt in 1 2 3; do
  install_once && exit 0
  say "apt-get failed (attempt $attempt of 3)"
  [ "$attempt" -lt 3 ] && pause $((attempt * ${APT_RETRY_SECONDS:-10}))
done
exit 1
