"""The loader keeps values as written and positions findable."""

from __future__ import annotations

from pathlib import Path

from casebook.core.load import MAX_FILE_BYTES, parse_yaml, read_text
from casebook.core.locate import position


def test_dates_and_words_stay_text() -> None:
    data, problem = parse_yaml("a: 2020-06-04\nb: no\nc: yes\nd: 2020\ne: true\nf: 2020-06\n", "x.yml")
    assert problem is None
    assert data == {"a": "2020-06-04", "b": "no", "c": "yes", "d": 2020, "e": True, "f": "2020-06"}


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_bytes("\ufeffid: x\n".encode())
    text, problem = read_text(path, "x.yml")
    assert problem is None and text == "id: x\n"
    assert parse_yaml(text, "x.yml") == ({"id": "x"}, None)


def test_ampersand_in_quoted_text_is_not_an_anchor() -> None:
    data, problem = parse_yaml("a: 'R&D staff'\nb: Wow!\n", "x.yml")
    assert problem is None and data == {"a": "R&D staff", "b": "Wow!"}


def test_tabs_in_indentation_are_reported_with_a_fix() -> None:
    _, problem = parse_yaml("a:\n\tb: 1\n", "x.yml")
    assert problem is not None and problem.line == 2 and "tabs" in problem.fix


def test_position_of_nested_values(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text("- id: a\n  sources:\n    - source: s\n      excerpt: e\n", encoding="utf-8")
    assert position(path, (0, "sources", 0, "excerpt")) == (4, 16)
    assert position(path, (0, "sources", 0, "excerpt"), at_key=True) == (4, 7)
    assert position(path, (0, "missing")) == (1, 3)


def test_read_text_refuses_a_link_and_an_oversized_file(tmp_path: Path) -> None:
    target = tmp_path / "target.yml"
    target.write_text("id: x\n", encoding="utf-8")
    link = tmp_path / "link.yml"
    link.symlink_to(target)
    text, problem = read_text(link, "content/link.yml")
    assert text is None and problem is not None and problem.problem == "is a symbolic link"
    big = tmp_path / "big.yml"
    big.write_bytes(b"a: b\n" * (MAX_FILE_BYTES // 5 + 1))
    text, problem = read_text(big, "content/big.yml")
    assert text is None and problem is not None and "over the 250,000-byte limit" in problem.problem


def test_positions_are_never_looked_up_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / "target.yml"
    target.write_text("- id: a\n", encoding="utf-8")
    link = tmp_path / "link.yml"
    link.symlink_to(target)
    assert position(target, (0, "id")) == (1, 7)
    assert position(link, (0, "id")) is None


def test_the_quick_resolver_types_every_scalar_as_the_loader_did() -> None:
    """``_QuickResolver`` answers libyaml's per-node question faster; its answers are ``_Resolver``'s."""
    import itertools

    import yaml

    from casebook.core.load import _QuickResolver, _Resolver

    written = ["", " ", "~", "null", "Null", "NULL", "nul", "true", "false", "True", "yes", "no", "on", "t"]
    written += ["0", "-1", "+1", "0x1f", "0o7", "017", "0b101", "1_000", "190:20:30", "1.5", ".5", "-.inf"]
    written += [".NaN", "1e3", "6.8523015e+5", "<<", "=", "!", "&", "*", "2020-06-04", "2020", "fact-1", "a b"]
    written += ["".join(chars) for chars in itertools.product("0.+-:_e1", repeat=3)]
    old, new = _Resolver(), _QuickResolver()
    for value in written:
        for implicit in [(True, False), (False, True), (False, False)]:
            assert new.resolve(yaml.ScalarNode, value, implicit) == old.resolve(yaml.ScalarNode, value, implicit)
    for kind in (yaml.SequenceNode, yaml.MappingNode):
        assert new.resolve(kind, None, (True, False)) == old.resolve(kind, None, (True, False))


def test_a_file_is_read_whole_at_every_size_up_to_the_limit(tmp_path: Path) -> None:
    from casebook.core.files import read_bytes

    # each read asks for at least 64 KiB, and a short read ends the file: sizes around both edges
    for size in (0, 1, 65_535, 65_536, 65_537, 200_000, 250_000):
        path = tmp_path / f"f{size}.yml"
        data = bytes(i % 251 for i in range(size))
        path.write_bytes(data)
        assert read_bytes(path, "content/f.yml", 250_000) == (data, None), size
    path = tmp_path / "over.yml"
    path.write_bytes(b"a" * 250_001)
    data, problem = read_bytes(path, "content/over.yml", 250_000)
    assert data is None and problem is not None and "250,001 bytes" in problem.problem
