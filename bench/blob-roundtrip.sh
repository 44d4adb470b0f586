#!/usr/bin/env bash
# Push and pull of one large blob: Skills.Oci's registry client against skopeo on the same local
# registry. Prints medians and ratios (ours / skopeo). Usage: bench/blob-roundtrip.sh [MiB] [rounds]
set -euo pipefail
cd "$(dirname "$0")"
dotnet run -c Release --project BlobRoundTrip -- "${1:-50}" "${2:-3}"
