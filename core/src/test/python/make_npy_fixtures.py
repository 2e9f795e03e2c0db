#!/usr/bin/python3
"""Writes .npy files with NumPy into core/src/test/resources/fixtures/npy/ plus expected.txt.

Run with Debian's python3-numpy: /usr/bin/python3 core/src/test/python/make_npy_fixtures.py
NpyTest reads these files and never needs Python.

expected.txt: one record per file, fields one per line, records separated by a blank line:
  file <name>
  dtype float32|float64|int64            (readable files)
  shape <sizes separated by spaces; empty for 0-d>
  values <C-order values: Python repr of the exact (widened) double, or ints>
  numpy_save true|false                   (true: written by np.save, so our writer must match its bytes)
  error <text the error message must contain>   (files that must be rejected)
"""
import io
import os

import numpy as np

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "npy"))
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20240613)
records = []


def value_text(v):
    return str(int(v)) if isinstance(v, (int, np.integer)) else repr(float(v))


def good(name, array, writer="save", version=None):
    path = os.path.join(OUT, name)
    if writer == "save":
        np.save(path, array)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, array, version=version)
    back = np.load(path)
    assert back.shape == array.shape and back.dtype == array.dtype
    dtype = {np.dtype("<f4"): "float32", np.dtype("<f8"): "float64", np.dtype("<i8"): "int64"}[array.dtype]
    flat = np.ascontiguousarray(array).reshape(-1).tolist()
    records.append([
        "file " + name,
        "dtype " + dtype,
        "shape " + " ".join(str(s) for s in array.shape),
        "values " + " ".join(value_text(v) for v in flat),
        "numpy_save " + ("true" if writer == "save" and array.flags.c_contiguous else "false"),
    ])


def bad(name, content, error):
    path = os.path.join(OUT, name)
    if isinstance(content, bytes):
        with open(path, "wb") as f:
            f.write(content)
    else:
        np.save(path, content, allow_pickle=True)
    records.append(["file " + name, "error " + error])


# ---- files we must read (and, for np.save'd C-order ones, write byte for byte)
good("f4_2x3.npy", np.arange(6, dtype="<f4").reshape(2, 3) / 4)
good("f4_1d_random.npy", rng.standard_normal(37).astype("<f4"))
good("f8_specials.npy", np.array([0.1, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308], dtype="<f8"))
good("i8_3d.npy", (np.arange(24, dtype="<i8") * 123456789012 - 2**40).reshape(2, 3, 4))
good("i8_extremes.npy", np.array([-(2**63), 2**63 - 1, 0, -1], dtype="<i8"))
good("f4_scalar.npy", np.array(3.25, dtype="<f4"))
good("f8_scalar.npy", np.array(-1e-300, dtype="<f8"))
good("f8_empty_2x0.npy", np.zeros((2, 0), dtype="<f8"))
good("i8_empty.npy", np.zeros((0,), dtype="<i8"))
good("f4_empty_0x3x1.npy", np.zeros((0, 3, 1), dtype="<f4"))
good("f8_4d.npy", rng.standard_normal((2, 1, 3, 2)))
good("f4_long_row.npy", rng.standard_normal(1000).astype("<f4"))
good("i8_big_first_dim.npy", np.zeros((1234567, 0), dtype="<i8"))


def header_padding(shape):
    b = io.BytesIO()
    np.lib.format.write_array(b, np.zeros(shape, dtype="<f4"))
    raw = b.getvalue()
    field = int.from_bytes(raw[8:10], "little")
    growth = 21 - len(str(shape[0]))
    return field - (len(raw[10:10 + field].rstrip(b" \n")) + growth + 1)


# a header that is already aligned still gets 64 spaces of padding
aligned = next((1,) * k + (m,) for k in range(1, 30) for m in (5, 50, 500) if header_padding((1,) * k + (m,)) == 64)
good("f4_header_aligned.npy", np.arange(aligned[-1], dtype="<f4").reshape(aligned))
good("f4_fortran_3d.npy", np.asfortranarray(rng.standard_normal((2, 3, 4)).astype("<f4")))
good("f8_fortran_2d.npy", np.asfortranarray(np.arange(15, dtype="<f8").reshape(3, 5)))
good("i8_fortran_1d.npy", np.asfortranarray(np.arange(4, dtype="<i8")))
good("f4_v2.npy", np.arange(10, dtype="<f4").reshape(2, 5), writer="write_array", version=(2, 0))
good("f8_v3.npy", np.arange(3, dtype="<f8"), writer="write_array", version=(3, 0))
good("i8_v2_fortran.npy", np.asfortranarray(np.arange(6, dtype="<i8").reshape(2, 3)), writer="write_array", version=(2, 0))

# ---- files we must reject, with the text the message has to contain
bad("be_f4.npy", np.arange(3, dtype=">f4"), "'>f4'")
bad("i4.npy", np.arange(3, dtype="<i4"), "unsupported dtype '<i4'")
bad("bool.npy", np.array([True, False]), "unsupported dtype '|b1'")
bad("object.npy", np.array([1, "a", None], dtype=object), "unsupported dtype '|O'")
bad("structured.npy", np.zeros(2, dtype=[("x", "<f4"), ("y", "<i8")]), "structured")
with open(os.path.join(OUT, "f4_2x3.npy"), "rb") as f:
    complete = f.read()
bad("truncated_data.npy", complete[:-4], "truncated data")
bad("truncated_header.npy", complete[:40], "truncated header")
bad("bad_magic.npy", b"PK\x03\x04 this is a zip file, not a .npy file", "not a .npy file")
bad("version_9.npy", complete[:6] + b"\x09\x00" + complete[8:], "version 9.0")
bad("bad_header.npy", complete.replace(b"'shape': (2, 3)", b"'shape': [2, 3]"), "shape is [2, 3]")
bad("bad_keys.npy", complete.replace(b"'fortran_order'", b"'fortran_ordex'"), "fortran_ordex")

with open(os.path.join(OUT, "expected.txt"), "w") as f:
    f.write("# generated by core/src/test/python/make_npy_fixtures.py with numpy %s\n\n" % np.__version__)
    for r in records:
        f.write("\n".join(r) + "\n\n")
print("wrote %d files to %s" % (len(records), OUT))
