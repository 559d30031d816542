#!/usr/bin/env bash
# Restores and builds src/Functions when its Azure Functions worker packages can be obtained, and prints one
# line saying which: "Functions project built" or "Functions project skipped: <reason>". Exits non-zero only
# when the packages restored and the build then failed (a real error in the project).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

log_file="$REPO_ROOT/.local/functions-build.log"
mkdir -p "$(dirname "$log_file")"
timeout "${FUNCTIONS_RESTORE_TIMEOUT:-120}" dotnet restore "$REPO_ROOT/src/Functions" --nologo >"$log_file" 2>&1
rc=$?
if [ "$rc" -eq 124 ]; then
  echo "Functions project skipped: dotnet restore timed out after ${FUNCTIONS_RESTORE_TIMEOUT:-120} s (log: $log_file)"
  exit 0
elif [ "$rc" -ne 0 ]; then
  missing="$(grep -oE 'Unable to find package [A-Za-z0-9.]*[A-Za-z0-9]' "$log_file" | sed 's/Unable to find package //' | sort -u | paste -sd, - | sed 's/,/, /g')"
  if [ -n "$missing" ]; then
    echo "Functions project skipped: the Azure Functions worker packages are not obtainable from this machine's NuGet ($missing)"
  else
    echo "Functions project skipped: dotnet restore failed ($(grep -m1 -oE 'error [A-Z]+[0-9]+: .*' "$log_file" | cut -c1-160)) (log: $log_file)"
  fi
  exit 0
fi
if dotnet build "$REPO_ROOT/src/Functions" -c Release --no-restore --nologo >>"$log_file" 2>&1; then
  echo "Functions project built"
else
  echo "Functions project FAILED to build (its packages restored): see $log_file"
  exit 1
fi
