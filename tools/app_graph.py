"""Print which app imports which (any module of one app importing any module of another) and
the cycles between apps, if any. `make graph`; the intended layers are in `.importlinter`."""

import configparser
import itertools
import pathlib
import sys

import grimp

ROOT = pathlib.Path(__file__).resolve().parent.parent


def packages():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config["importlinter"]["root_packages"].split()


def app_edges(graph, apps):
    return {(importer, imported) for importer, imported in itertools.permutations(apps, 2)
            if graph.direct_import_exists(importer=importer, imported=imported, as_packages=True)}


def cycles(apps, edges):
    """The strongly connected groups of more than one app (Tarjan)."""
    index, low, stack, groups = {}, {}, [], []

    def visit(app):
        index[app] = low[app] = len(index)
        stack.append(app)
        for importer, imported in edges:
            if importer != app:
                continue
            if imported not in index:
                visit(imported)
                low[app] = min(low[app], low[imported])
            elif imported in stack:
                low[app] = min(low[app], index[imported])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in apps:
        if app not in index:
            visit(app)
    return groups


def main():
    sys.path.insert(0, str(ROOT))
    apps = [app for app in packages() if (ROOT / app).is_dir()]
    graph = grimp.build_graph(*apps)
    edges = app_edges(graph, apps)
    for app in apps:
        print(f"{app:16} -> {', '.join(sorted(b for a, b in edges if a == app)) or '-'}")
    found = cycles(apps, edges)
    print("cycles: " + ("; ".join(" <-> ".join(group) for group in found) if found else "none"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
