#!/usr/bin/env bash
# Builds and runs every test with the real parts (whisper.cpp, ffmpeg, OpenAI SDKs), then prints
# "N passed, N failed" computed from the test results.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

bash scripts/setup.sh || exit 1
# What the tests use to make sample audio in every container, and the Node SDK conformance client.
apt_need ffmpeg espeak-ng sox || exit 1
# Reinstalled whenever package-lock.json changes (a stamp of its hash lives in node_modules).
(cd tests/node && lock="$(sha256sum package-lock.json | cut -d' ' -f1)" \
  && { [ "$(cat node_modules/.stt-lock 2>/dev/null)" = "$lock" ] || { npm ci --silent --no-audit --no-fund && echo "$lock" > node_modules/.stt-lock; }; }) \
  || die "npm ci in tests/node failed"
# Azurite for the pipeline tests: installed into the cache here; each test run starts its own instance
# on free ports with a temp data folder (tests/SpeechToText.Tests/Fixtures/AzuriteFixture.cs).
AZURITE_BIN="$(bash scripts/azurite.sh install)" || die "installing Azurite failed"
export AZURITE_BIN
# The real Bicep compiler (a NuGet package), which the deployment tests run through scripts/check-infra.sh.
bash scripts/bicep.sh >/dev/null || die "installing the Bicep compiler failed"

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
if [ "$files" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  # The run failed without a failing test result (build error, crashed test host): count it as a failure.
  failed=$((failed + 1))
fi
# Why tests were skipped, one line per reason (the Functions host tests need a host this machine cannot install).
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  awk '/outcome="NotExecuted"/ { skip = 1 } skip && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); print; skip = 0 }' "$trx"
done | sort | uniq -c | sed -E 's/^ *([0-9]+) (.*)$/skipped \1 test(s): \2/'
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
