#!/bin/sh
echo "hello from the golden sample"
