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
