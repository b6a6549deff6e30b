"""Parts appended by several processes land in the order of their spans, whoever finishes first."""

import multiprocessing
import time

import pytest

from graders.common.ordered_append import Abandoned, OrderedAppend


def _append_later(appender: OrderedAppend, span: tuple[int, int], delay: float) -> None:
    time.sleep(delay)
    appender.append(span, [[f"{span[0]}-{span[1]};".encode()], [b"[", str(span[0]).encode(), b"]"]])


def test_parts_finished_out_of_order_are_appended_in_span_order(tmp_path):
    files = [tmp_path / "a.csv", tmp_path / "b.jsonl"]
    for path in files:
        path.write_bytes(b"header;")
    appender = OrderedAppend(files)
    spans = [(0, 3), (3, 5), (5, 9), (9, 10)]
    delays = [0.6, 0.0, 0.3, 0.1]  # the last spans are ready first
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_append_later, args=(appender, span, delay))
        for span, delay in zip(spans, delays, strict=True)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(10)
        assert process.exitcode == 0
    assert files[0].read_bytes() == b"header;0-3;3-5;5-9;9-10;"
    assert files[1].read_bytes() == b"header;[0][3][5][9]"


def _wait_for_turn(appender: OrderedAppend, outcome) -> None:
    try:
        appender.append((4, 8), [[b"never"]])
    except Abandoned:
        outcome.value = 1


def test_a_failed_part_releases_the_processes_waiting_for_their_turn(tmp_path):
    target = tmp_path / "t.csv"
    target.write_bytes(b"")
    appender = OrderedAppend([target])
    context = multiprocessing.get_context("fork")
    outcome = context.RawValue("b", 0)
    waiting = context.Process(target=_wait_for_turn, args=(appender, outcome))
    waiting.start()
    time.sleep(0.2)
    appender.abandon()  # the process making span (0, 4) failed
    waiting.join(10)
    assert waiting.exitcode == 0 and outcome.value == 1
    assert target.read_bytes() == b""


def test_a_span_in_its_turn_is_appended_without_waiting(tmp_path):
    target = tmp_path / "t.csv"
    target.write_bytes(b"h\n")
    appender = OrderedAppend([target])
    appender.append((0, 2), [[b"a\n"]])
    appender.append((2, 3), [[b"b", b"\n"] * 1500])  # more pieces than one writev takes
    assert target.read_bytes() == b"h\na\n" + b"b\n" * 1500
    with pytest.raises(ValueError):  # one part per file
        appender.append((3, 4), [[b"c\n"], [b"d\n"]])
    assert target.read_bytes() == b"h\na\n" + b"b\n" * 1500
