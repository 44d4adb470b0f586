#!/usr/bin/env bash
# The bench suite (docs/performance.md): restore and push through the SDK packed from this checkout,
# each figure a ratio against a peer measured in the same run, against a private docker-registry
# and a 50 ms latency proxy. Prints a table and writes bench/results/<UTC time>.json and latest.json.
# Usage: bench/run.sh [--quick] [--only SECTIONS]   (--quick: 1 run instead of the median of 3, and 10/40/100 skills;
# --only restore,push,marginal,sync,scan: only those sections' rows)
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in dotnet docker-registry skopeo git; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y docker-registry skopeo git)" >&2; exit 1; }
done
# Peak memory of the push comes from GNU time.
if [ ! -x /usr/bin/time ]; then
  apt-get install -y time >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/skills-oci-bench.XXXXXX")"
cleanup() {
  # The bench kills its own children; this covers a bench that was itself killed.
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$work/pids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
dotnet build bench/Skills.Oci.Bench/Skills.Oci.Bench.csproj -c Release -nologo -v:q -nodeReuse:false
dotnet bench/Skills.Oci.Bench/bin/Release/net10.0/Skills.Oci.Bench.dll "$@" --work "$work" --repo "$PWD"
