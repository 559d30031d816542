#!/usr/bin/env bash
# Compiles and lints the infrastructure with the real Bicep compiler, offline, and fails on ANY diagnostic
# (bicep's exit code ignores warnings, so the output is what is judged):
#   bicep build main.bicep             -> OUT/main.json (the ARM template)
#   bicep lint  every .bicep           (rules: infra/bicepconfig.json)
#   bicep build-params every environments/*.bicepparam -> OUT/<name>.parameters.json
#   bicep snapshot every environments/*.bicepparam     -> OUT/<name>.snapshot.json (the resources it would deploy)
# The parameter files read key hashes etc. from the environment (see their headers); set those first.
# Usage: scripts/check-infra.sh [--out DIR] [INFRA_DIR]     (defaults: a temp folder, infra/)
set -uo pipefail
source "$(dirname "$0")/lib.sh"

out=""
dir="$REPO_ROOT/infra"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    -*) die "unknown option $1 (see the header of $0)" ;;
    *) dir="$(realpath -m "$1")"; shift ;;
  esac
done
[ -f "$dir/main.bicep" ] || die "$dir/main.bicep not found"
if [ -z "$out" ]; then out="$(mktemp -d)"; fi
mkdir -p "$out"
bicep="$(bash "$REPO_ROOT/scripts/bicep.sh")" || exit 1
# Every build/lint also asks the public module registry for its index and ignores the failure; an unreachable
# proxy makes that fail at once instead of after a network timeout.
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 DOTNET_CLI_TELEMETRY_OPTOUT=1

diagnostics="$out/diagnostics.txt"
: > "$diagnostics"
failures=0
run() {  # run LABEL CMD...: keeps every diagnostic line; a non-zero exit without one counts as a failure too
  local label="$1"; shift
  local text rc
  text="$("$@" 2>&1)"; rc=$?
  printf '%s\n' "$text" | grep -E '\) : (Error|Warning|Info) ' >> "$diagnostics"
  if [ "$rc" -ne 0 ] && ! printf '%s\n' "$text" | grep -qE '\) : (Error|Warning|Info) '; then
    printf '%s: %s\n' "$label" "$text" | head -5 >> "$diagnostics"
    failures=$((failures + 1))
  fi
}

run "build" "$bicep" build "$dir/main.bicep" --outfile "$out/main.json"
run "lint" "$bicep" lint --pattern "$dir/**/*.bicep"
params=0
for p in "$dir"/environments/*.bicepparam; do
  [ -f "$p" ] || continue
  name="$(basename "$p" .bicepparam)"
  params=$((params + 1))
  run "build-params $name" "$bicep" build-params "$p" --outfile "$out/$name.parameters.json"
  # What the environment would deploy, with every expression evaluated that can be before deployment.
  run "snapshot $name" "$bicep" snapshot "$p" --mode overwrite --subscription-id 00000000-0000-0000-0000-000000000000 \
    --resource-group rg-check --location westeurope --deployment-name check
  [ -f "${p%.bicepparam}.snapshot.json" ] && mv "${p%.bicepparam}.snapshot.json" "$out/$name.snapshot.json"
done

# The same diagnostic is reported by the file's own lint and again through each module that uses it.
sort -u -o "$diagnostics" "$diagnostics"
count="$(grep -c . "$diagnostics")"
files="$(find "$dir" -name '*.bicep' | wc -l)"
sed "s#$dir/##" "$diagnostics" >&2
echo "bicep $("$bicep" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1): $files .bicep file(s) built and linted, $params parameter file(s) built, $count diagnostic(s) (output: $out)"
[ "$count" -eq 0 ] && [ "$failures" -eq 0 ]
