# ruff: noqa: E501  (the examples table keeps each case on one line)
"""``date -d`` (epoch seconds, ISO dates and times, relative amounts), ``-I``/``--iso-8601``
and ``-R``, with GNU's answers and messages; where bash is installed each example also
runs there. (Plain ``date`` reads the fake's clock: see ``test_find_xargs.py``.)"""

from __future__ import annotations

from tests.fake_server.desktop.shell.shell_rig import Sim, example_tests

CASES = [
    ('date -u -d @0', 'Thu Jan  1 00:00:00 UTC 1970\n', 0),
    ("date -u -d '2024-01-02' +%s", '1704153600\n', 0),
    ("date -u -d '2024-01-02 03:04:05' '+%F %T'", '2024-01-02 03:04:05\n', 0),
    ("date -u -d '2024-01-02T03:04:05Z' +%s", '1704164645\n', 0),
    ("date -u -d 'bogus'; echo $?", "date: invalid date 'bogus'\n1\n", 0),
    ('date -u -d @1700000000.5 +%s.%N', '1700000000.500000000\n', 0),
    ("date -u -d '@1700000000' -I", '2023-11-14\n', 0),
    ("date -u -d '@1700000000' -Iseconds", '2023-11-14T22:13:20+00:00\n', 0),
    ("date -u -d '@1700000000' -R", 'Tue, 14 Nov 2023 22:13:20 +0000\n', 0),
    ('date -u -d @1700000000 --iso-8601=minutes', '2023-11-14T22:13+00:00\n', 0),
    ("date -u -d '2024-01-02 1 day ago' +%F", '2024-01-01\n', 0),
    ("date -u -d '2024-01-02 9:05' +%T", '09:05:00\n', 0),
    ("date -u -d '2024-03-01 +2 hours' '+%F %T'", '2024-03-01 02:00:00\n', 0),
    ('date -u --date=@5 +%s', '5\n', 0),
    ("date -u -d '2024-01-02 2 weeks ago' +%F", '2023-12-19\n', 0),
    ("date -u -d '2024-01-02 -3 days' +%F", '2023-12-30\n', 0),
    ('date -u -Ibogus; echo $?', "date: invalid argument 'bogus' for '--iso-8601'\nValid arguments are:\n  - 'hours'\n  - 'minutes'\n  - 'date'\n  - 'seconds'\n  - 'ns'\nTry 'date --help' for more information.\n1\n", 0),
    ('date -u -d @1700000000.25 -Ins', '2023-11-14T22:13:20,250000000+00:00\n', 0),
]  # fmt: skip

test_examples, test_the_examples_agree_with_gnu_date = example_tests(CASES)


def test_relative_words_count_from_the_fakes_clock() -> None:
    sim = Sim()
    now = int(sim.out("date +%s"))
    assert int(sim.out("date -d yesterday +%s")) == now - 86400
    assert int(sim.out("date -d '2 hours ago' +%s")) == now - 7200
    assert int(sim.out("date -d 'tomorrow 1 hour' +%s")) == now + 90000
