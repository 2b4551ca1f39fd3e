"""YAML read with line numbers: errors in a configuration file point at the line to fix.

The text is composed into a node tree (each node knows where it starts), checked for duplicate
keys, and only then turned into Python data. A validation error's `loc` path (as pydantic reports
it) is walked down the same tree to find the line, so a message reads
`examples/bad.yaml:14: items[2].groups[0].selector.permit_klass: unknown field`.

Scalars follow the YAML 1.2 core schema, not PyYAML's YAML 1.1 default: `yes`/`no`/`on`/`off` stay
text (a checklist answer "no" must not turn into False) and `1:10` stays text (YAML 1.1 reads it
as the base-60 number 70). Pure: parses text, reads no file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError


class _CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema booleans and numbers."""


_YAML11 = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _YAML11]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$"),
    list("-+.0123456789"),
)


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return loader.construct_scalar(node).lower() == "true"


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node), 0)


_CoreLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass(frozen=True)
class SourceIssue:
    """One problem in a configuration file: where (line, path) and what."""

    line: int
    path: str
    message: str

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SourceError(ValueError):
    """A configuration file was refused; `issues` lists the first problems, in file order."""

    def __init__(self, source: str, issues: Sequence[SourceIssue], more: int = 0) -> None:
        self.source = source
        self.issues = list(issues)
        self.more = more
        lines = [i.render(source) for i in self.issues]
        if more:
            lines.append(f"{source}: … and {more} more problem(s)")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data plus the node tree it came from (for line numbers)."""

    data: Any
    root: yaml.Node | None


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse one YAML document; raises SourceError for syntax errors and duplicate keys."""
    try:
        loader = _CoreLoader(text)  # the reader refuses control characters here already
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        issue = SourceIssue(line, "", f"not valid YAML: character #x{exc.character:04x} refused")
        raise SourceError(source, [issue]) from None
    try:
        root = loader.get_single_node()
        if root is not None:
            dups = list(_duplicate_keys(root, ""))
            if dups:
                raise SourceError(source, dups[:MAX_ISSUES], max(0, len(dups) - MAX_ISSUES))
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        issue = SourceIssue(line, "", f"not valid YAML: {exc.problem}")
        raise SourceError(source, [issue]) from None
    except yaml.YAMLError as exc:
        raise SourceError(source, [SourceIssue(0, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return YamlDocument(data, root)


MAX_ISSUES = 10


def _duplicate_keys(node: yaml.Node, path: str):
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            if name in seen:
                yield SourceIssue(key.start_mark.line + 1, _join(path, name), "duplicate key")
            seen.add(name)
            yield from _duplicate_keys(value, _join(path, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            yield from _duplicate_keys(child, f"{path}[{i}]")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def locate(root: yaml.Node | None, loc: Sequence[str | int]) -> tuple[int, str]:
    """The line and dotted path of a pydantic error location within the node tree.

    Elements that name no key are skipped when more follow (pydantic inserts a union's tag, e.g.
    the value of `rule:`); a last element that names no key is a missing field, reported at the
    line of the mapping that lacks it.
    """
    node, path = root, ""
    line = node.start_mark.line + 1 if node is not None else 0
    for pos, part in enumerate(loc):
        last = pos == len(loc) - 1
        if not last and _is_tag(node, part):
            continue
        child, key_node = _child(node, part)
        if child is None:
            if last or isinstance(part, int):
                path = f"{path}[{part}]" if isinstance(part, int) else _join(path, str(part))
            continue
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, str(part))
        anchor = key_node if key_node is not None and last else child
        line = anchor.start_mark.line + 1
        node = child
    return line, path


DISCRIMINATORS = ("rule",)  # keys whose value pydantic inserts into `loc` as a union's tag


def _is_tag(node: yaml.Node | None, part: str | int) -> bool:
    if not isinstance(node, yaml.MappingNode):
        return False
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value in DISCRIMINATORS:
            return isinstance(value, yaml.ScalarNode) and value.value == str(part)
    return False


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return (node.value[part], None) if 0 <= part < len(node.value) else (None, None)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and str(key.value) == str(part):
                return value, key
    return None, None


def issues_from_validation(exc: ValidationError, root: yaml.Node | None) -> list[SourceIssue]:
    """Every pydantic error as a SourceIssue with its line, sorted by line."""
    issues = []
    for err in exc.errors(include_url=False):
        line, path = locate(root, err["loc"])
        issues.append(SourceIssue(line, path, _message(err)))
    issues.sort(key=lambda i: (i.line, i.path))
    return issues


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg
