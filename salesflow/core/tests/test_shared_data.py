"""Tests that compare against ../shared/data skip outside CI when it is missing, and fail in CI."""

import pytest

from salesflow.testing.shared_data import SHARED_DATA, require_shared_data


def test_missing_shared_data_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must provide it"):
        require_shared_data(tmp_path / "not-there")


def test_missing_shared_data_skips_outside_ci(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="missing"):
        require_shared_data(tmp_path / "not-there")


def test_present_shared_data_is_returned_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    assert require_shared_data(tmp_path) == tmp_path


def test_shared_data_points_beside_the_repository():
    assert SHARED_DATA.parts[-2:] == ("shared", "data")
    assert (SHARED_DATA.parent.parent / "shared").resolve() == SHARED_DATA.parent.resolve()
