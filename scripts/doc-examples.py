#!/usr/bin/env python3
"""Lists public items of the tack library whose documentation has no example.

Reads rustdoc's JSON output (target/doc/tack.json, made by
`RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="-Z unstable-options --output-format json" cargo doc --no-deps --lib`)
and walks the public API from the crate root, following re-exports: modules, structs, enums,
traits, functions, constants, type aliases, and the methods of their inherent impls. Struct
fields, enum variants and trait impl methods (documented by the trait) are not counted.
Exits 1 and lists every item without a ```-example; exits 0 when there is none.
"""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "target/doc/tack.json"
doc = json.load(open(path))
index = doc["index"]
missing = []
seen = set()


def kind(item):
    return next(iter(item["inner"]))


def has_example(item):
    return "```" in (item.get("docs") or "")


def visit(item_id, name_path):
    if item_id in seen or str(item_id) not in index:
        return
    seen.add(item_id)
    item = index[str(item_id)]
    if item.get("visibility") != "public" and kind(item) != "use":
        return
    inner = item["inner"]
    k = kind(item)
    name = item.get("name") or ""
    here = f"{name_path}::{name}" if name else name_path
    if k == "use":
        target = inner["use"].get("id")
        if target is not None and inner["use"].get("is_glob"):
            module = index.get(str(target))
            if module and kind(module) == "module":
                for child in module["inner"]["module"]["items"]:
                    visit(child, name_path)
            return
        if target is not None:
            visit(target, name_path)
        return
    if k in ("module", "struct", "enum", "trait", "function", "constant", "type_alias", "static"):
        if not has_example(item) and k != "module" or (k == "module" and not item.get("docs")):
            missing.append(f"{k:10} {here}  ({item['span']['filename']}:{item['span']['begin'][0]})")
    if k == "module":
        for child in inner["module"]["items"]:
            visit(child, here)
    elif k in ("struct", "enum"):
        for impl_id in inner[k]["impls"]:
            impl = index.get(str(impl_id))
            if not impl or impl["inner"]["impl"].get("trait") is not None:
                continue
            if impl["inner"]["impl"].get("is_synthetic") or impl["inner"]["impl"].get("blanket_impl"):
                continue
            for method_id in impl["inner"]["impl"]["items"]:
                method = index.get(str(method_id))
                if not method or method.get("visibility") != "public":
                    continue
                if kind(method) == "function" and not has_example(method):
                    missing.append(
                        f"method     {here}::{method['name']}  ({method['span']['filename']}:{method['span']['begin'][0]})"
                    )


root = index[str(doc["root"])]
for child in root["inner"]["module"]["items"]:
    visit(child, "tack")
for line in sorted(missing):
    print(line)
print(f"{len(missing)} public items without an example", file=sys.stderr)
sys.exit(1 if missing else 0)
