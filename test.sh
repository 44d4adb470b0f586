#!/usr/bin/env bash
# Runs the whole test suite (unit tests, a real registry, real dotnet restore/pack) and ends with
# one summary line. Extra arguments go to `dotnet test` (for example: --filter Category=...).
set -euo pipefail
cd "$(dirname "$0")"

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

missing=()
for tool in docker-registry skopeo htpasswd; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "test.sh: missing ${missing[*]}; install with: apt-get install -y docker-registry skopeo apache2-utils" >&2
  exit 2
fi

# The independent Sigstore verifier (npm @sigstore/verify) that checks what we sign.
interop=tests/Skills.Oci.Build.Tests/Sigstore/Interop
if command -v npm >/dev/null 2>&1 && [[ ! -d "$interop/node_modules/@sigstore/verify" ]]; then
  npm ci --prefix "$interop" --no-audit --no-fund --loglevel=error
fi
# The CycloneDX library's JSON schema validator (npm @cyclonedx/cyclonedx-library) that checks our SBOMs.
supply=tests/Skills.Oci.Build.Tests/SupplyChain/Interop
if command -v npm >/dev/null 2>&1 && [[ ! -d "$supply/node_modules/@cyclonedx/cyclonedx-library" ]]; then
  npm ci --prefix "$supply" --no-audit --no-fund --loglevel=error
fi
# The SARIF 2.1.0 schema and ajv that validate the content scan's reports.
sarif=tests/Skills.Oci.Build.Tests/Security/Sarif
if command -v npm >/dev/null 2>&1 && [[ ! -d "$sarif/node_modules/ajv-draft-04" ]]; then
  npm ci --prefix "$sarif" --no-audit --no-fund --loglevel=error
fi

set +e
dotnet test Skills.Oci.Build.sln -c Release --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@"
status=$?
set -e

counters=$(grep -ho '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | head -n 1 || true)
if [[ -z "$counters" ]]; then
  echo "tests: no results were written (dotnet test exit code $status)" >&2
  exit $(( status == 0 ? 1 : status ))
fi
count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
passed=$(count passed); failed=$(count failed); total=$(count total); executed=$(count executed)
skipped=$(( total - executed ))
echo "tests: $passed passed, $failed failed, $skipped skipped"
if (( status == 0 && executed == 0 )); then
  echo "test.sh: no test was executed" >&2
  exit 1
fi
exit $status
