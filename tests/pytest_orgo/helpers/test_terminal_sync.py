# Generated from test_terminal_async.py by scripts/unasync.py: edit that, then run the script.
