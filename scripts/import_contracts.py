"""Two import-linter contract types for what its own contracts cannot see (used from pyproject.toml).

- `private_names`: import-linter sees modules, not names, so `from linkbacks.fetch import _open`
  or `fetch._open(...)` after `from linkbacks import fetch` passes its contracts. This one reads
  the source of every module in the apps and fails on an underscore name taken from another app
  (dunder names such as `__version__` are public).
- `layers_with_model_references`: import-linter's layers, where a lazy model reference
  (`subpage_types = ["podcast.PodcastPage"]`, `ForeignKey("discussion.Response")`) counts as an
  import of that app's models, because Django resolves it into one.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.contracts.layers import LayersContract

MODEL_REFERENCE = re.compile(r"^([a-z_]+)\.([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)$")  # "podcast.PodcastPage"


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


def model_references(source: str, own_app: str, apps: set[str]) -> list[tuple[int, str, str]]:
    """(line, app, text) for each string in `source` that names a model of another app."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = MODEL_REFERENCE.match(node.value)
            if match and match[1] in apps and match[1] != own_app:
                found.append((node.lineno, match[1], node.value))
    return sorted(found)


class LayersWithModelReferencesContract(LayersContract):
    """import-linter's layers contract (same options) over imports plus lazy model references."""

    type_name = "layers_with_model_references"

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        apps = set(self.session_options["root_packages"])
        for module in sorted(graph.modules):
            own_app = module.split(".")[0]
            path = module_path(module) if own_app in apps else None
            if path is None:
                continue
            for line, app, text in model_references(path.read_text(encoding="utf-8"), own_app, apps):
                target = f"{app}.models" if f"{app}.models" in graph.modules else app
                graph.add_import(importer=module, imported=target, line_number=line, line_contents=repr(text))
        return super().check(graph, verbose)
