#!/bin/sh
# ILS registration replayed through the gateway (see test_ils_replay.py).
exec python3 "$(dirname "$0")/test_ils_replay.py"
