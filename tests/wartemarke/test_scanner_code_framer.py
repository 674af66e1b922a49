"""Framing of serial scanner bytes into codes: terminators, split reads, noise."""

from wartemarke.scanner.code_framer import CodeFramer

CODE = "https://wartemarke.example.de/t/Zx81-kQ"


def test_each_terminator_style_ends_a_code_once():
    for terminator in (b"\r", b"\n", b"\r\n"):
        framer = CodeFramer()
        assert framer.feed(CODE.encode() + terminator + b"B2" + terminator) == [CODE, "B2"]


def test_a_code_split_over_many_reads_arrives_whole():
    framer = CodeFramer()
    data = CODE.encode() + b"\r\n"
    received = [code for i in range(len(data)) for code in framer.feed(data[i : i + 1])]
    assert received == [CODE]


def test_noise_bytes_are_dropped_and_blank_lines_ignored():
    framer = CodeFramer()
    assert framer.feed(b"\x00\xff\xfe\r\n\r\n\x1b\x07\n") == []
    assert framer.feed(b"\xff\x00" + CODE.encode() + b"\r") == [CODE]


def test_an_endless_line_without_terminator_is_discarded_not_delivered():
    framer = CodeFramer(max_length=16)
    assert framer.feed(b"A" * 40 + b"\r") == []
    assert framer.feed(b"ok-code\r") == ["ok-code"]


def test_reset_forgets_half_a_code():
    framer = CodeFramer()
    framer.feed(b"half-of-a-co")
    framer.reset()
    assert framer.feed(b"whole\n") == ["whole"]
