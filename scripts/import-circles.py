#!/usr/bin/env python3
"""Fails when two top-level modules of a crate import each other, directly or round a longer
circle: arrows point down only (in the app: shell -> features -> case/domain -> ui/error/i18n;
in the server: the router's layers -> the hub and the stores). Reads every `crate::<module>`
path in app/src and server/src; `lib.rs` (the App and its routes, the server's router) sits
above everything."""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
circles = []
for src in (root / "app" / "src", root / "server" / "src"):
    modules = {p.stem if p.is_file() else p.name for p in src.iterdir() if p.name not in ("lib.rs", "main.rs")}
    modules = {m for m in modules if (src / m).is_dir() or (src / f"{m}.rs").is_file()}
    uses = {m: set() for m in modules}
    for m in modules:
        files = list((src / m).rglob("*.rs")) if (src / m).is_dir() else [src / f"{m}.rs"]
        for f in files:
            text = f.read_text()
            for other in re.findall(r"crate::([a-z_]+)", text):
                if other in modules and other != m:
                    uses[m].add(other)
            # `use crate::{a::..., b::...}` groups name modules without repeating `crate::`
            for group in re.findall(r"crate::\{([^;]*?)\};", text, re.S):
                for other in re.findall(r"(?:^|[\s,{])([a-z_]+)::", group):
                    if other in modules and other != m:
                        uses[m].add(other)

    def walk(node, path):
        for nxt in sorted(uses[node]):
            if nxt == path[0]:
                circles.append(path + [nxt])
            elif nxt not in path and nxt > path[0]:
                walk(nxt, path + [nxt])
    for start in sorted(modules):
        walk(start, [start])
    if "-v" in sys.argv:
        for m in sorted(uses):
            print(f"{src.parent.name}::{m} -> {', '.join(sorted(uses[m])) or '-'}")
for c in circles:
    print("import circle: " + " -> ".join(c))
sys.exit(1 if circles else 0)
