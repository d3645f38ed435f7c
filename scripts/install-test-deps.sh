#!/bin/sh
# Installs what the integration tests need (Debian/Ubuntu):
# - Debian packages: a JDK (javac), Debian's ActiveMQ Classic broker and its
#   Java libraries (real-broker and oracle tests); man-db and groff (manual
#   pages); git, python3 with venv, nodejs and npm (the tools below);
# - PyPI: pre-commit and check-jsonschema, pinned in
#   scripts/test-requirements.txt, into the virtual environment .tools/venv;
# - npm: vscode-textmate and vscode-oniguruma, pinned by
#   editors/vscode/package-lock.json, into editors/vscode/node_modules.
# Idempotent and quiet when everything is already present.
# Needs root (or password-less sudo) only when a Debian package is missing.
# Reports on stderr; exits non-zero when it cannot install.
set -eu
cd "$(dirname "$0")/.."

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

# What is missing, as Debian packages.
debian_missing() {
    pkgs=""
    command -v javac >/dev/null 2>&1 || pkgs="$pkgs default-jdk-headless"
    [ -e /usr/share/activemq/bin/activemq.jar ] || pkgs="$pkgs activemq"
    [ -e /usr/share/java/activemq-broker.jar ] || pkgs="$pkgs libactivemq-java"
    command -v man >/dev/null 2>&1 || pkgs="$pkgs man-db"
    command -v groff >/dev/null 2>&1 || pkgs="$pkgs groff-base"
    command -v git >/dev/null 2>&1 || pkgs="$pkgs git"
    if ! command -v python3 >/dev/null 2>&1; then
        pkgs="$pkgs python3 python3-venv"
    elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        pkgs="$pkgs python3-venv"
    fi
    command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
    command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
    printf '%s' "$pkgs"
}

packages=$(debian_missing)
if [ -n "$packages" ]; then
    log "missing Debian packages:$packages"
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
        log "apt-get not found: install$packages by other means"
        exit 1
    fi
    log "running: apt-get update"
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
    log "running: apt-get install -y$packages"
    # shellcheck disable=SC2086 # a list of package names
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        $packages >&2
    still=$(debian_missing)
    if [ -n "$still" ]; then
        log "still missing after install:$still"
        exit 1
    fi
    log "installed:$packages"
fi

# PyPI tools, in a virtual environment of the project's own. A stamp holding
# the requirements file's text says whether the environment is up to date.
venv=.tools/venv
stamp="$venv/requirements.txt"
if [ -x "$venv/bin/pre-commit" ] && [ -x "$venv/bin/check-jsonschema" ] \
    && cmp -s scripts/test-requirements.txt "$stamp"; then
    :
else
    log "installing scripts/test-requirements.txt into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -r scripts/test-requirements.txt >&2
    cp scripts/test-requirements.txt "$stamp"
fi

# npm packages for the editor grammar test, pinned by the lock file.
modules=editors/vscode/node_modules
if [ -d "$modules/vscode-textmate" ] && [ -d "$modules/vscode-oniguruma" ] \
    && cmp -s editors/vscode/package-lock.json "$modules/.package-lock.stamp"; then
    :
else
    log "installing editors/vscode/package-lock.json into $modules"
    (cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp editors/vscode/package-lock.json "$modules/.package-lock.stamp"
fi

log "ready: Debian packages, $venv (pre-commit, check-jsonschema), $modules (vscode-textmate, vscode-oniguruma)"
