#!/usr/bin/env bash
# The whole test suite, as README.md gives it: installs what the tests need
# (Debian's ActiveMQ broker and jars, a JDK, man, git, Python and Node tools)
# when missing, then runs every test with the real-broker, ActiveMQ-oracle
# and tool tests (pre-commit, the GitHub Action schema, the editor grammar,
# man pages) required, not skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
export MQAUTHZ_REQUIRE_ACTIVEMQ=1
export MQAUTHZ_REQUIRE_TOOLS=1
cargo test --all-targets --locked
