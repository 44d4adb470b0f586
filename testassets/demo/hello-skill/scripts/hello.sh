#!/bin/sh
echo "Hello, ${1:-world}! (from a skill delivered through an OCI registry)"
