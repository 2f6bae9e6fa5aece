#!/usr/bin/env bash
# Installs the Debian tools the test suite talks to, only when they are missing:
# swaks (SMTP client), openssl (certificates in tests), Postfix's smtp-sink/smtp-source
# (benchmarks), spamd (content filter). Runs before `npm test`; quiet when everything is there.
set -euo pipefail
need=()
command -v swaks >/dev/null 2>&1 || need+=(swaks)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
perl -MIO::Socket::SSL -e1 >/dev/null 2>&1 || need+=(libio-socket-ssl-perl libnet-ssleay-perl)
perl -MAuthen::SASL -e1 >/dev/null 2>&1 || need+=(libauthen-sasl-perl)
# spamd (SpamAssassin's daemon) for the content-filter test against the real thing.
command -v spamd >/dev/null 2>&1 || need+=(spamd)
# Postfix for the interop test and benches (private instances only; the system one is stopped below).
[ -x /usr/sbin/postfix ] || need+=(postfix)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install-test-tools: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-test-tools: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The postfix package starts a system instance on port 25; tests run only private instances.
case " ${need[*]} " in *" postfix "*) $SUDO postfix stop >/dev/null 2>&1 || true; command -v systemctl >/dev/null 2>&1 && $SUDO systemctl disable --now postfix >/dev/null 2>&1 || true ;; esac
