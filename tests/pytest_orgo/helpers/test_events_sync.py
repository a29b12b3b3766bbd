# Generated from test_events_async.py by scripts/unasync.py: edit that, then run the script.
