"""Rebuilding typed lines from keystrokes, with secrets masked and pager keys left out."""

from webnet.terminal.transcript import MASK, LineRecorder


def _lines(recorder: LineRecorder) -> list[tuple[str, bool]]:
    return [(line.text, line.masked) for line in recorder.lines]


def test_editing_keys_are_applied() -> None:
    recorder = LineRecorder()
    recorder.output(b"R1>")
    recorder.input(b"show verx\x7fsion\r\n")  # backspace, CR LF counts once
    recorder.input(b"garbage\x15show clock\r")  # Ctrl-U clears the line
    recorder.input(b"sh\x1b[Aow ip\x1bOB int\x1b[3~ br\r")  # arrows and Delete swallowed
    recorder.input(b"conf\x03")  # Ctrl-C abandons
    assert _lines(recorder) == [
        ("show version", False),
        ("show clock", False),
        ("show ip int br", False),
        ("^C", False),
    ]


def test_the_line_after_a_secret_prompt_is_masked() -> None:
    recorder = LineRecorder()
    recorder.output(b"R1>")
    recorder.input(b"enable\r")
    recorder.output(b"\r\nPassword: ")
    recorder.input(b"s3cr")
    recorder.input(b"et\r")
    recorder.output(b"\r\nR1#")
    recorder.input(b"show run\r")
    assert _lines(recorder) == [("enable", False), (MASK, True), ("show run", False)]
    assert "s3cret" not in str(recorder.as_list())


def test_keys_pressed_at_the_pager_are_not_commands() -> None:
    recorder = LineRecorder()
    recorder.output(b"line 1\r\n --More-- ")
    recorder.input(b" ")
    recorder.output(b"\r          \rline 2\r\nR1#")
    recorder.input(b"exit\r")
    assert _lines(recorder) == [("exit", False)]


def test_output_is_recorded_in_time_order_with_secrets_masked() -> None:
    recorder = LineRecorder()
    recorder.output(b"R1#")
    recorder.input(b"show run\r")
    recorder.output(b"show run\r\nhostname R1\r\nenable secret 5 $1$abcd$hash\r\n")
    recorder.output(b"snmp-server community s3cret RO\r\nR1")
    recorder.output(b"#")
    entries = recorder.as_list()
    kinds = ["out" if "out" in e else e["line"] for e in entries]
    assert kinds == ["out", "show run", "out", "out", "out"]
    assert entries[0]["out"] == "R1#"
    output = "".join(e.get("out", "") for e in entries)
    assert "hostname R1" in output and output.endswith("R1#")  # the prompt not yet ended by \n
    assert "$1$abcd$hash" not in output and "s3cret" not in output
    times = [e["t"] for e in entries]
    assert times == sorted(times)


def test_output_stops_at_the_limit() -> None:
    from webnet.terminal.transcript import MAX_OUTPUT

    recorder = LineRecorder()
    for _ in range(MAX_OUTPUT // 1000 + 5):
        recorder.output(b"x" * 999 + b"\n")
    output = "".join(e.get("out", "") for e in recorder.as_list())
    assert MAX_OUTPUT <= len(output) < MAX_OUTPUT + 1100 and output.endswith("limit]\r\n")
