#!/usr/bin/python3
"""Writes the seed corpus of NpyFuzzTest.readNpy: every .npy fixture plus hand-made hostile files.

Run: python3 core/src/test/python/make_npy_fuzz_seeds.py   (no NumPy needed)
In `verify`, Jazzer replays every file of the corpus as a regression test; a crash input found
by fuzzing is added here (as a file in the same folder) together with its fix.
"""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "resources"))
OUT = os.path.join(RES, "io", "simdgrad", "core", "NpyFuzzTestInputs", "readNpy")
os.makedirs(OUT, exist_ok=True)

for name in sorted(os.listdir(os.path.join(RES, "fixtures", "npy"))):
    if name.endswith(".npy"):
        shutil.copy(os.path.join(RES, "fixtures", "npy", name), os.path.join(OUT, "fixture_" + name))


def v1(header, data=b""):
    h = header.encode("latin-1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data


def v2_claim(length, body=b""):
    """A version 2.0 file whose header length field claims `length` bytes."""
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", length) + body


def write(name, content):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(content)


def d(descr, shape, extra=""):
    return "{'descr': %s, 'fortran_order': False, 'shape': %s, %s}\n" % (descr, shape, extra)


write("nested_5000.npy", v1(d("'<f4'", "(" * 5000 + ")" * 5000)))
write("nested_2000.npy", v1(d("'<f4'", "(" * 2000 + ")" * 2000)))
write("header_claims_2g.npy", v2_claim(2**31 - 16, b"{"))
write("header_claims_4g.npy", v2_claim(2**32 - 16, b"{"))
write("header_claims_1e8.npy", v2_claim(10**8, b"{'descr'"))
write("empty_huge_dim.npy", v1(d("'<f4'", "(0, 4294967296)")))
write("empty_wide.npy", v1(d("'<f8'", "(0, 100000, 100000)")))
write("too_many_elements.npy", v1(d("'<f4'", "(65536, 65536, 65536, 65536)")))
write("long_overflow_shape.npy", v1(d("'<f4'", "(65535, 65537, 641, 6700417)")))
write("escaped_key.npy", v1("{'de\\x73cr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", b"\0\0\x80?"))
write("descr_int.npy", v1(d("5", "(1,)")))
write("descr_list.npy", v1(d("[('a', '<f4')]", "(1,)")))
write("claims_more_data.npy", v1(d("'<f8'", "(2147483639,)")))
write("negative_dim.npy", v1(d("'<f4'", "(-1,)")))
write("huge_int.npy", v1(d("'<f4'", "(" + "9" * 400 + ",)")))
write("truncated_magic.npy", b"\x93NUM")
write("empty_file.npy", b"")
