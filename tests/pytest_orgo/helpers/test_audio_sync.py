# Generated from test_audio_async.py by scripts/unasync.py: edit that, then run the script.
