"""Tests for escaping control characters in text that goes into messages."""

import pytest

from wizard.text import escape_control_chars, strip_userinfo


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("dead\x1b[2J", "dead\\x1b[2J"),
        ("bell\x07", "bell\\x07"),
        ("line\nbreak\ttab\r", "line\\x0abreak\\x09tab\\x0d"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("rtl\u202eexe.txt", "rtl\\u202eexe.txt"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("ünïcödé registry.example/äpp", "ünïcödé registry.example/äpp"),
        ("", ""),
    ],
    ids=["esc", "bel", "whitespace-controls", "del", "c1-csi", "bidi-override", "zero-width", "printable", "empty"],
)
def test_escape_control_chars_cases(value, expected):
    assert escape_control_chars(value) == expected


def test_escape_control_chars_non_string():
    assert escape_control_chars(None) == "None"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pass@host:6443/path", "https://host:6443/path"),
        ("https://user@host", "https://host"),
        ("https://a@b:p@ss@host/x", "https://host/x"),
        ("https://host/path@v1", "https://host/path@v1"),
        ("https://host?q=a@b", "https://host?q=a@b"),
        ("https://user:pass@host:99999999", "https://host:99999999"),
        ("user:pass@host:6443", "host:6443"),
        ("https://host", "https://host"),
        ("", ""),
    ],
)
def test_strip_userinfo_cases(url, expected):
    assert strip_userinfo(url) == expected
