"""Progress messages reach a terminal and stay silent without one."""

from models.core import progress


def test_silent_without_terminal(capsys, monkeypatch):
    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)
    progress.say("fitting something")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_kernel_messages_go_to_the_named_terminal(tmp_path, monkeypatch):
    terminal = tmp_path / "tty"
    terminal.write_text("")
    monkeypatch.setenv(progress.PROGRESS_ENV, str(terminal))
    progress.say("fitting logistic (counts): remission, prior reference")
    assert "fitting logistic (counts): remission, prior reference" in terminal.read_text()


def test_unwritable_terminal_is_ignored(capsys, monkeypatch):
    monkeypatch.setenv(progress.PROGRESS_ENV, "/nonexistent/tty")
    progress.say("no error even if the terminal is gone")  # would raise OSError if unguarded
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
