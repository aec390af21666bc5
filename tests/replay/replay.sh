#!/bin/sh
# Replay scenarios on the bundled real calls (see test_replay.py).
exec python3 "$(dirname "$0")/test_replay.py"
