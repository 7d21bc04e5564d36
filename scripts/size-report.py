#!/usr/bin/env python3
"""Size report of the phone library: the stripped size, and the code and
data each crate adds, from the symbols of the UNSTRIPPED build (nm -S,
demangled). After LTO, inlined code is counted in the crate whose function
it was inlined into, and a standard-library generic (drop_in_place<T>, …)
in the crate of its type parameter; symbols without a crate path (C code such as SQLite or
ring's assembly, compiler runtime) are grouped by their kind.

    python3 scripts/size-report.py UNSTRIPPED.so STRIPPED.so
"""
import collections
import os
import re
import subprocess
import sys

PATH_START = re.compile(r"^(?:<+|&|\*const |\*mut |dyn )*([A-Za-z_][A-Za-z0-9_]*)::")


STD = {"core", "alloc", "std"}
INNER = re.compile(r"[<, ]&?(?:mut )?([a-z_][a-z0-9_]*)::")


def crate_of(name):
    crate = crate_of_path(name)
    if crate in STD:
        # A generic of the standard library (drop_in_place<T>, Vec<T>, …)
        # instantiated for a crate's type: that crate pays for it.
        for inner in INNER.findall(name):
            if inner not in STD:
                return inner
    return crate


def crate_of_path(name):
    # `<impl Trait for Type>` -> the crate of Type (the implementing side).
    m = re.match(r"^<(.+?) as ", name)
    if m:
        name = m.group(1).lstrip("<&* ")
    m = PATH_START.match(name)
    if m:
        return m.group(1)
    if name.startswith(("uniffi_", "ffi_")):
        return "uniffi (scaffolding)"
    if name.startswith(("ring_core", "GFp_", "ring_")):
        return "ring (C/asm)"
    if name.startswith("sqlite3"):
        return "sqlite3 (C)"
    return "(other: C, runtime, unnamed)"


def main(unstripped, stripped):
    out = subprocess.run(
        ["nm", "-S", "--size-sort", "-C", "--defined-only", unstripped],
        capture_output=True, text=True, check=True,
    ).stdout
    sizes = collections.Counter()
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4 or parts[2].lower() not in "tdrbvw":
            continue
        sizes[crate_of(parts[3])] += int(parts[1], 16)
    total = sum(sizes.values())
    stripped_size = os.path.getsize(stripped)
    print(f"stripped library: {stripped_size:,} bytes ({stripped_size / 1048576:.2f} MiB)"
          f"  [{os.path.basename(stripped)}]")
    print(f"symbols counted:  {total:,} bytes (code + data with a symbol)")
    print(f"{'crate':32} {'bytes':>10} {'share':>6}")
    for crate, size in sizes.most_common(25):
        print(f"{crate:32} {size:>10,} {100 * size / total:5.1f}%")
    rest = total - sum(s for _, s in sizes.most_common(25))
    if rest:
        print(f"{'(the rest)':32} {rest:>10,} {100 * rest / total:5.1f}%")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
