#!/bin/sh
# Installs what the real-broker integration tests need (Debian/Ubuntu):
# a JDK (javac), Debian's ActiveMQ Classic broker and its Java libraries.
# Idempotent: does nothing when everything is already present.
# Needs root (or password-less sudo) only when something is missing.
# Reports on stderr; exits non-zero when it cannot install.
set -eu

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

missing=""
command -v javac >/dev/null 2>&1 || missing="$missing javac"
[ -e /usr/share/java/activemq-broker.jar ] || missing="$missing /usr/share/java/activemq-broker.jar"
[ -e /usr/share/activemq/bin/activemq.jar ] || missing="$missing /usr/share/activemq/bin/activemq.jar"

if [ -z "$missing" ]; then
    log "nothing to do: javac, /usr/share/java/activemq-broker.jar and /usr/share/activemq/bin/activemq.jar are present"
    exit 0
fi
log "missing:$missing"

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
    log "not root; using sudo"
else
    log "must run as root (or with password-less sudo) to install packages"
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get not found: install a JDK and Debian's activemq + libactivemq-java packages by other means"
    exit 1
fi

packages="default-jdk-headless activemq libactivemq-java"
log "running: apt-get update"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
log "running: apt-get install -y $packages"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    $packages >&2

still=""
command -v javac >/dev/null 2>&1 || still="$still javac"
[ -e /usr/share/java/activemq-broker.jar ] || still="$still /usr/share/java/activemq-broker.jar"
[ -e /usr/share/activemq/bin/activemq.jar ] || still="$still /usr/share/activemq/bin/activemq.jar"
if [ -n "$still" ]; then
    log "still missing after install:$still"
    exit 1
fi
log "installed: $packages"
