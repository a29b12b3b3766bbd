"""The visual review report: one offline HTML page (and a JSON summary for bots) of
every screenshot assertion in a run, failures first with expected, actual and diff side
by side, an overlay slider and a blink toggle, plus the events, terminal and audio
helpers' failures with what did arrive.

``--orgo-report DIR`` (ini ``orgo_report``) writes ``DIR/index.html``,
``DIR/summary.json`` and the images under ``DIR/images/``; ``python -m
pytest_orgo.report merge OUT SHARD...`` joins sharded runs' reports into one.
"""
