"""YAML reading with line numbers, duplicate keys and syntax errors."""

from __future__ import annotations

from datetime import date

from syncd.config.yaml_reader import YamlProblem, read_yaml

TEXT = """\
team: payments
sources:
  - name: a
    type: markdown
  - {name: b, type: markdown}
tracker:
  auth: {email: x, token: y}
"""


def test_lines_of_keys_and_items() -> None:
    document, problems = read_yaml(TEXT)

    assert problems == []
    assert document is not None
    assert document.lines[("team",)] == 1
    assert document.lines[("sources", 0)] == 3
    assert document.lines[("sources", 0, "type")] == 4
    assert document.lines[("sources", 1, "name")] == 5
    assert document.lines[("tracker", "auth", "token")] == 7


def test_a_missing_key_takes_the_line_of_its_nearest_parent() -> None:
    document, _ = read_yaml(TEXT)

    assert document is not None
    assert document.line_of(("tracker", "project")) == 6
    assert document.line_of(("tracker", "auth", "nope", "deeper")) == 7
    assert document.line_of(("nothing",)) == 1


def test_scalars_keep_their_yaml_types_and_keys_stay_text() -> None:
    document, problems = read_yaml("a: 1\nb: true\nc: 2026-12-24\nyes: x\n1: y\nd: null\n")

    assert problems == []
    assert document is not None
    assert document.data == {
        "a": 1,
        "b": True,
        "c": date(2026, 12, 24),
        "yes": "x",
        "1": "y",
        "d": None,
    }


def test_duplicate_keys_are_reported_at_the_second_one() -> None:
    document, problems = read_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")

    assert document is not None
    assert problems == [
        YamlProblem(4, ("b", "c"), "duplicate key 'c' (first on line 3); keep one of them"),
        YamlProblem(5, ("a",), "duplicate key 'a' (first on line 1); keep one of them"),
    ]


def test_syntax_error_gives_its_line() -> None:
    document, problems = read_yaml("a: 1\nb: [1, 2\nc: 3\n")

    assert document is None
    [problem] = problems
    assert problem.line == 3
    assert problem.message.startswith("invalid YAML: ")


def test_tab_indentation_is_a_syntax_error_with_a_line() -> None:
    document, problems = read_yaml("a:\n\tb: 1\n")

    assert document is None
    assert problems[0].line == 2


def test_several_documents_are_refused() -> None:
    document, problems = read_yaml("a: 1\n---\nb: 2\n")

    assert document is None
    assert problems[0].message.startswith("invalid YAML: ")
    assert problems[0].line == 2


def test_merge_keys_and_anchors() -> None:
    text = "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n"

    document, problems = read_yaml(text)

    assert problems == []
    assert document is not None
    assert document.data["derived"] == {"b": 3, "a": 1}


def test_empty_document() -> None:
    document, problems = read_yaml("# only a comment\n")

    assert problems == []
    assert document is not None and document.data is None
