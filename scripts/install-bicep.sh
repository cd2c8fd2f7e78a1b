#!/usr/bin/env bash
# Installs the Bicep CLI used by the infra tests (test/infra) from NuGet:
# package Azure.Bicep.CommandLine.linux-x64, version pinned in tools/bicep/bicep.csproj, restored into
# .bicep/packages (git-ignored). Idempotent and quiet; exits non-zero when the CLI cannot be installed.
#
#   bash scripts/install-bicep.sh         # prints nothing on success
#   BICEP_INSTALL_VERBOSE=1 bash ...      # prints the CLI path and version
#
# test/fixtures/bicep.ts finds the binary at the path below (after BICEP_PATH and `bicep` on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

project="tools/bicep/bicep.csproj"
packages=".bicep/packages"
version="$(sed -n 's/.*Include="Azure.Bicep.CommandLine.linux-x64" Version="\[\([^]]*\)\]".*/\1/p' "$project")"
if [[ -z "$version" ]]; then
  echo "install-bicep: cannot read the Azure.Bicep.CommandLine.linux-x64 version from $project" >&2
  exit 1
fi
binary="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "install-bicep: only linux-x64 is supported here (found $(uname -s)-$(uname -m)); put bicep on PATH or set BICEP_PATH" >&2
  exit 1
fi

if [[ ! -f "$binary" ]]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "install-bicep: the .NET SDK (dotnet) is needed to restore the Bicep CLI from NuGet" >&2
    exit 1
  fi
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
      dotnet restore "$project" --packages "$packages" --verbosity quiet >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-bicep: dotnet restore of $project failed" >&2
    exit 1
  fi
  if [[ ! -f "$binary" ]]; then
    echo "install-bicep: restore succeeded but $binary is missing" >&2
    exit 1
  fi
fi

# NuGet extracts files without the execute bit for group/other and sometimes for the owner.
chmod +x "$binary"
if ! "$binary" --version >/dev/null 2>&1; then
  echo "install-bicep: $binary does not run" >&2
  exit 1
fi
if [[ -n "${BICEP_INSTALL_VERBOSE:-}" ]]; then
  echo "$binary: $("$binary" --version)"
fi
