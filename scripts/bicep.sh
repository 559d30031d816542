#!/usr/bin/env bash
# Prints the path of the real Bicep compiler (Azure.Bicep.CommandLine.linux-x64, a self-contained `bicep` inside a
# NuGet package), restoring it into NuGet's global packages folder first if needed (about 15 s once; then
# instant). Pinned: the compiler's type set decides which API versions and properties exist, so a newer one
# could change what the check reports.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

VERSION="0.49.2"
packages="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages -l | sed -E 's/^global-packages: //')}"
bicep="${packages%/}/azure.bicep.commandline.linux-x64/$VERSION/tools/bicep"
if [ ! -f "$bicep" ]; then
  work="$CACHE_ROOT/bicep-download"
  mkdir -p "$work"
  cat > "$work/bicep-download.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$VERSION]" /></ItemGroup>
</Project>
PROJ
  log "fetching the Bicep compiler $VERSION (NuGet Azure.Bicep.CommandLine.linux-x64)"
  dotnet restore "$work/bicep-download.csproj" --nologo -v quiet >&2 || die "restoring Azure.Bicep.CommandLine.linux-x64 $VERSION failed"
  [ -f "$bicep" ] || die "the Bicep package restored but $bicep is missing"
fi
[ -x "$bicep" ] || chmod u+x "$bicep"
echo "$bicep"
