#!/usr/bin/env bash
# The NuGet copy here lacks System.IO.Hashing, which Azure.Storage.Common needs. The .NET SDK ships
# Microsoft's own System.IO.Hashing.dll (MIT); pack it into .local/feed (listed in NuGet.config).
# On a machine with the full NuGet, nuget.org's real package is preferred (higher or equal version).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FEED="$REPO_ROOT/.local/feed"
mkdir -p "$FEED"
VERSION="10.0.0"
[ -f "$FEED/system.io.hashing.$VERSION.nupkg" ] && exit 0

sdk_line="$(dotnet --list-sdks | tail -1)"
sdk_dir="$(echo "$sdk_line" | sed -E 's/^([^ ]+) \[(.*)\]$/\2\/\1/')"
dll="$sdk_dir/Sdks/Microsoft.NET.Sdk/tools/net10.0/System.IO.Hashing.dll"
[ -f "$dll" ] || die "System.IO.Hashing.dll not found in the .NET SDK ($dll)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib/net10.0" "$work/_rels" "$work/package/services/metadata/core-properties"
cp "$dll" "$work/lib/net10.0/"
cat > "$work/System.IO.Hashing.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>System.IO.Hashing</id>
    <version>$VERSION</version>
    <authors>Microsoft</authors>
    <license type="expression">MIT</license>
    <description>Repackaged from the .NET SDK's own System.IO.Hashing.dll for offline restore.</description>
    <dependencies><group targetFramework="net10.0" /></dependencies>
  </metadata>
</package>
NUSPEC
cat > "$work/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="dll" ContentType="application/octet" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /></Types>
XML
command -v zip >/dev/null || apt_need zip
(cd "$work" && rm -rf package _rels && zip -qr -X "$FEED/system.io.hashing.$VERSION.nupkg" System.IO.Hashing.nuspec lib "[Content_Types].xml") \
  || die "could not pack System.IO.Hashing (is zip installed?)"
log "packed System.IO.Hashing $VERSION into .local/feed"
