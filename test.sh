#!/usr/bin/env bash
# Builds and runs every test with the real parts (whisper.cpp, ffmpeg, OpenAI SDKs), then prints
# "N passed, N failed" computed from the test results.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

bash scripts/setup.sh || exit 1
# What the tests use to make sample audio in every container, and the Node SDK conformance client.
apt_need ffmpeg espeak-ng sox || exit 1
(cd tests/node && { [ -d node_modules/openai ] || npm ci --silent --no-audit --no-fund; }) || die "npm ci in tests/node failed"
# Azurite for the pipeline tests: installed into the cache here; each test run starts its own instance
# on free ports with a temp data folder (tests/SpeechToText.Tests/Jobs/AzuriteFixture.cs).
AZURITE_BIN="$(bash scripts/azurite.sh install)" || die "installing Azurite failed"
export AZURITE_BIN
# The offline Bicep syntax check (tree-sitter-bicep with web-tree-sitter), run by the infra tests.
(cd tests/bicep && { [ -d node_modules/tree-sitter-bicep ] || npm ci --silent --no-audit --no-fund; }) || die "npm ci in tests/bicep failed"

# src/Functions is outside Functions.sln and nothing depends on it, so a machine whose NuGet lacks the Azure
# Functions worker packages can still run everything else: built when they restore (this machine's NuGet copy
# serves them since 2026-11-25), otherwise one line says why.
functions_status="$(bash scripts/build-functions.sh)"
functions_rc=$?

results="$REPO_ROOT/.local/test-results"
rm -rf "$results" && mkdir -p "$results"
dotnet test Functions.sln -c Release --nologo --logger "trx;LogFilePrefix=tests" --results-directory "$results" "$@"
rc=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  get() { echo "$counters" | sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p"; }
  total="$(get total)"; executed="$(get executed)"; p="$(get passed)"; f="$(get failed)"; e="$(get error)"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
echo "$functions_status"
if [ "$functions_rc" -ne 0 ]; then
  failed=$((failed + 1))   # the packages restored but the project does not build: a real failure
fi
if [ "$files" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  # The run failed without a failing test result (build error, crashed test host): count it as a failure.
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
