#!/usr/bin/env sh
# An example script the skill's instructions tell the agent to run; replace it with your own.
set -eu
printf 'skill-name was asked about: %s\n' "${1:-nothing}"
