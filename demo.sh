#!/usr/bin/env bash
# The main job end to end, on this machine only: start a local OCI registry, pack this repository's
# packages into a local feed, push the sample skill with `dotnet pack /t:PushSkill`, and restore it
# into a sample project with `dotnet restore`. Everything happens in a temporary folder; pass
# --keep to keep it for a look around.
set -euo pipefail
repo=$(cd "$(dirname "$0")" && pwd)
keep=false
[[ "${1:-}" == "--keep" ]] && keep=true

for tool in docker-registry git dotnet; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "demo.sh: '$tool' is missing (apt-get install -y docker-registry git; and the .NET 10 SDK)" >&2
    exit 2
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/skills-oci-demo.XXXXXX")
registry_pid=""
cleanup() {
  [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null || true
  if $keep; then echo "Kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

step "Starting a local OCI registry (Debian's docker-registry) on 127.0.0.1"
mkdir -p "$work/registry"
cat > "$work/registry/config.yml" <<YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry/data
http:
  addr: 127.0.0.1:0
YAML
docker-registry serve "$work/registry/config.yml" > "$work/registry/out.log" 2> "$work/registry/err.log" &
registry_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/registry/err.log" | head -n 1)
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$work/registry/err.log" >&2; echo "demo.sh: the registry did not start" >&2; exit 1; }
registry="127.0.0.1:$port"
echo "registry: http://$registry"

step "Packing Skills.Oci.Sdk and Skills.Oci.Build into a local feed"
version="0.1.0-demo.$(date +%s)"
export NUGET_PACKAGES="$work/nuget-packages"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
dotnet pack "$repo/src/Skills.Oci.Sdk/Skills.Oci.Sdk.csproj" -c Release -p:Version="$version" -o "$work/feed" --artifacts-path "$work/artifacts" -v:q -nologo
dotnet pack "$repo/src/Skills.Oci.Build/Skills.Oci.Build.csproj" -c Release -p:Version="$version" -o "$work/feed" --artifacts-path "$work/artifacts" -v:q -nologo
ls "$work/feed"

cat > "$work/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat > "$work/global.json" <<JSON
{
  "msbuild-sdks": {
    "Skills.Oci.Sdk": "$version"
  }
}
JSON

step "Publishing the sample skill: dotnet pack /t:PushSkill"
cp -r "$repo/testassets/demo/hello-skill" "$work/hello-skill"
(cd "$work/hello-skill" && SOURCE_DATE_EPOCH=1775117469 dotnet pack /t:PushSkill -p:SkillRepository="$registry/skills/hello-skill" -nologo)

step "Consuming it: dotnet restore of a project with <SkillReference Include=\"$registry/skills/hello-skill\" Version=\"1.0.0\" />"
mkdir -p "$work/consumer"
cp -r "$repo/testassets/demo/HelloApp" "$work/consumer/HelloApp"
git -C "$work/consumer" init -q
(cd "$work/consumer/HelloApp" && dotnet restore -p:SkillsDemoRegistry="$registry" -v:n -nologo | grep -E "Restored|SKOCI|error" || true)

step "What the restore left at the repository root"
(cd "$work/consumer" && find .agents .claude -maxdepth 3 | sort && echo && ls -l .claude/skills)
step "skills.lock.json"
cat "$work/consumer/skills.lock.json"
step ".gitignore"
cat "$work/consumer/.gitignore"
step "Running the skill's script, as an agent would"
sh "$work/consumer/.claude/skills/hello-skill/scripts/hello.sh" "Skills.Oci"

step "A second restore changes nothing and asks the registry nothing"
(cd "$work/consumer/HelloApp" && dotnet restore -p:SkillsDemoRegistry="$registry" -v:n -nologo | grep -E "Restored|up to date|SKOCI" || true)
echo
echo "Done."
