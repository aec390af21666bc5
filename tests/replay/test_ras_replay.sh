#!/bin/sh
# RAS of third-party equipment replayed through the gateway (see test_ras_replay.py).
exec python3 "$(dirname "$0")/test_ras_replay.py"
