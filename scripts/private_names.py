"""An import-linter contract type: no app reaches into another app's private names.

import-linter's own contracts see modules, not names, so `from linkbacks.fetch import _open` or
`fetch._open(...)` after `from linkbacks import fetch` passes all of them. This one reads the source
of every module in the listed apps and fails on an underscore name taken from another app (dunder
names such as `__version__` are public). Used from `[tool.importlinter]` in pyproject.toml.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_path(module: str) -> Path | None:
    """The source file of `module`, found without importing anything but its top package."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*rest)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def private_uses(source: str, own_app: str, apps: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each private name of another app that `source` imports or reads."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    foreign_modules: set[str] = set()  # local names bound to another app's modules

    def foreign(module: str) -> bool:
        app = module.split(".")[0]
        return app in apps and app != own_app

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if foreign(alias.name):
                    if any(is_private(part) for part in alias.name.split(".")):
                        found.append((node.lineno, alias.name))
                    foreign_modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and foreign(node.module):
            for alias in node.names:
                if any(is_private(part) for part in node.module.split(".")) or is_private(alias.name):
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
                foreign_modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in foreign_modules:
                found.append((node.lineno, f"{ast.unparse(node.value)}.{node.attr}"))
    return sorted(set(found))


class PrivateNamesContract(Contract):
    """Option `apps`: the top-level packages whose private names stay inside them (default: the root packages)."""

    type_name = "private_names"
    apps = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        apps = set(self.apps or self.session_options["root_packages"])  # type: ignore[arg-type]
        violations = []
        for module in sorted(graph.modules):
            own_app = module.split(".")[0]
            path = module_path(module) if own_app in apps else None
            if path is None:
                continue
            for line, name in private_uses(path.read_text(encoding="utf-8"), own_app, apps):
                violations.append(f"{module} (l.{line}) uses {name}")
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("An app may use only the public names of another app:", bold=False)
        output.new_line()
        for violation in check.metadata["violations"]:
            output.print_error(f"- {violation}", bold=False)
        output.new_line()
        output.print("Make the name public in its own app (no leading underscore), or keep the code there.")
