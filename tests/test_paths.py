"""Input paths resolve the way users mean them, from reports/ or from the project root."""

from models.core.paths import DEFAULT_PRIORS_FILE, ROOT, resolve_input


def test_relative_to_project_root_from_another_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_input("data/priors.yml") == DEFAULT_PRIORS_FILE.resolve()


def test_relative_to_current_folder_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT / "reports")
    assert resolve_input("../data/priors.yml") == DEFAULT_PRIORS_FILE.resolve()


def test_absolute_path_unchanged(tmp_path):
    target = tmp_path / "mine.yml"
    assert resolve_input(target) == target.resolve()
