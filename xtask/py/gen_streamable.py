"""Streamable codec vectors from chia-blockchain's own Python Streamable classes.

Run by `cargo xtask gen-vectors` with the reference venv's python and the workspace root as cwd.
Writes crates/vectors/data/streamable/{accepted,rejected,json_inputs,structs}.json.

Every case wraps one field type in a one-field @streamable class `Wrap(x: T)`, so the bytes of the
case are exactly the bytes of a `T`; `schema` spells T in chia's type names and the Rust tests map
it to the Rust type. Each file records the reference versions and the RNG seed.
"""


import importlib.metadata
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from chia_rs import AugSchemeMPL, G1Element, G2Element
from chia_rs.sized_bytes import bytes4, bytes8, bytes32, bytes48, bytes96, bytes100, bytes480
from chia_rs.sized_ints import int8, int16, int32, int64, uint8, uint16, uint32, uint64, uint128

from chia.util.streamable import Streamable, streamable

SEED = 20_251_123
OUT = Path("crates/vectors/data/streamable")

PRIMITIVES: dict[str, Any] = {
    "uint8": uint8,
    "uint16": uint16,
    "uint32": uint32,
    "uint64": uint64,
    "uint128": uint128,
    "int8": int8,
    "int16": int16,
    "int32": int32,
    "int64": int64,
    "bool": bool,
    "str": str,
    "bytes": bytes,
    "bytes4": bytes4,
    "bytes8": bytes8,
    "bytes32": bytes32,
    "bytes48": bytes48,
    "bytes96": bytes96,
    "bytes100": bytes100,
    "bytes480": bytes480,
    "G1": G1Element,
    "G2": G2Element,
}


def parse_schema(text: str) -> Any:
    """`list[optional[tuple[uint16,str]]]` -> the Python type."""
    text = text.strip()
    if "[" not in text:
        return PRIMITIVES[text]
    head, inner = text.split("[", 1)
    assert inner.endswith("]"), text
    inner = inner[:-1]
    args, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(inner[start:i])
            start = i + 1
    args.append(inner[start:])
    parsed = [parse_schema(a) for a in args]
    if head == "list":
        return list[parsed[0]]  # type: ignore[valid-type]
    if head == "optional":
        return Optional[parsed[0]]
    if head == "tuple":
        return tuple[tuple(parsed)]  # type: ignore[misc]
    raise ValueError(f"unknown schema head {head}")


_WRAPPERS: dict[str, type] = {}


def wrapper(schema: str) -> type:
    """A one-field @streamable class `Wrap(x: <schema>)`."""
    if schema not in _WRAPPERS:
        field_type = parse_schema(schema)

        @streamable
        @dataclass(frozen=True)
        class Wrap(Streamable):
            x: field_type  # type: ignore[valid-type]

        _WRAPPERS[schema] = Wrap
    return _WRAPPERS[schema]


def verdict(fn: Any) -> dict[str, Any]:
    """Runs fn; records either its hex result or the exception chia raised."""
    try:
        obj = fn()
    except Exception as e:  # noqa: BLE001 - the exception *is* the vector
        return {"accepted": False, "exception": type(e).__name__, "message": str(e)}
    return {"accepted": True, "hex": bytes(obj).hex()}


BLS12_381_P = int(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16
)


def g1_outside_subgroup() -> str:
    """The compressed form of the first point on y^2 = x^3 + 4 (smallest x) that is not in the
    prime-order subgroup: it decompresses, so only the subgroup check rejects it."""
    x = 0
    while True:
        x += 1
        a = (x**3 + 4) % BLS12_381_P
        y = pow(a, (BLS12_381_P + 1) // 4, BLS12_381_P)
        if y * y % BLS12_381_P != a:
            continue
        raw = bytearray(x.to_bytes(48, "big"))
        raw[0] |= 0x80
        try:
            G1Element.from_bytes(bytes(raw))
        except ValueError:
            return bytes(raw).hex()


def header(what: str) -> dict[str, Any]:
    return {
        "description": what,
        "generator": "xtask/py/gen_streamable.py",
        "reference": {
            "chia-blockchain": importlib.metadata.version("chia-blockchain"),
            "chia_rs": importlib.metadata.version("chia_rs"),
            "python": sys.version.split()[0],
        },
        "seed": SEED,
    }


def main() -> None:
    rng = random.Random(SEED)
    sk = AugSchemeMPL.key_gen(bytes(range(32)))
    g1 = sk.get_g1()
    g2 = AugSchemeMPL.sign(sk, b"sickle")
    g1_inf = G1Element()
    g2_inf = G2Element()

    def rbytes(n: int) -> bytes:
        return bytes(rng.getrandbits(8) for _ in range(n))

    values: list[tuple[str, Any]] = []
    for name, lo, hi in [
        ("uint8", 0, 2**8 - 1),
        ("uint16", 0, 2**16 - 1),
        ("uint32", 0, 2**32 - 1),
        ("uint64", 0, 2**64 - 1),
        ("uint128", 0, 2**128 - 1),
        ("int8", -(2**7), 2**7 - 1),
        ("int16", -(2**15), 2**15 - 1),
        ("int32", -(2**31), 2**31 - 1),
        ("int64", -(2**63), 2**63 - 1),
    ]:
        for v in [lo, hi, 0, 1, rng.randint(lo, hi), rng.randint(lo, hi)]:
            values.append((name, PRIMITIVES[name](v)))
        if lo < 0:
            values.append((name, PRIMITIVES[name](-1)))
    values += [("bool", False), ("bool", True)]
    values += [
        ("str", ""),
        ("str", "mainnet"),
        ("str", "héllo wörld ✓ 🌾"),
        ("str", "\u0000nul inside"),
        ("str", "x" * 1000),
    ]
    values += [("bytes", b""), ("bytes", b"\x00"), ("bytes", rbytes(300))]
    for n in [4, 8, 32, 48, 96, 100, 480]:
        values.append((f"bytes{n}", PRIMITIVES[f"bytes{n}"](rbytes(n))))
    values.append(("bytes32", bytes32(b"\x00" * 32)))
    values += [("G1", g1), ("G1", g1_inf), ("G2", g2), ("G2", g2_inf)]
    values += [
        ("list[uint32]", []),
        ("list[uint32]", [uint32(rng.getrandbits(32)) for _ in range(1000)]),
        ("list[str]", ["", "a", "ü"]),
        ("list[bytes32]", [bytes32(rbytes(32)) for _ in range(3)]),
        ("list[optional[bytes32]]", [None, bytes32(rbytes(32)), None]),
        ("list[list[optional[uint16]]]", [[], [None], [uint16(7), None, uint16(65535)]]),
        ("optional[uint64]", None),
        ("optional[uint64]", uint64(2**64 - 1)),
        ("optional[str]", ""),
        ("optional[optional[bool]]", None),
        ("optional[G1]", g1),
        ("optional[G2]", None),
        ("tuple[uint16,str]", (uint16(3), "1")),
        ("tuple[bytes32,G2]", (bytes32(rbytes(32)), g2)),
        ("tuple[bool,uint8,int64]", (True, uint8(255), int64(-(2**63)))),
        ("tuple[str,bytes,optional[uint32],list[uint8]]", ("a", b"\x01\x02", None, [uint8(9)])),
        ("list[tuple[uint16,str]]", [(uint16(1), "1"), (uint16(2), "1"), (uint16(3), "1")]),
        ("list[G1]", [g1, g1_inf]),
    ]

    accepted = []
    for schema, value in values:
        obj = wrapper(schema)(value)
        blob = bytes(obj)
        # chia's own round trip must hold for every vector we record
        assert wrapper(schema).from_bytes(blob) == obj, schema
        accepted.append(
            {
                "schema": schema,
                "hex": blob.hex(),
                "hash": obj.get_hash().hex(),
                "json": obj.to_json_dict()["x"],
            }
        )

    g1_hex = bytes(g1).hex()
    g2_hex = bytes(g2).hex()
    # G1/G2 byte patterns chia rejects
    g1_not_on_curve = "8" + "0" * 94 + "1"
    g1_zero = "00" * 48
    g1_noncanonical_inf = "c0" + "00" * 46 + "01"
    g1_inf_with_sign = "e0" + "00" * 47
    g2_noncanonical_inf = "c0" + "00" * 94 + "01"
    g2_zero = "00" * 96
    g1_off_subgroup = g1_outside_subgroup()
    rejected_inputs: list[tuple[str, str, str]] = [
        ("G1", g1_off_subgroup, "InvalidG1"),
        ("bool", "02", "InvalidBool"),
        ("bool", "ff", "InvalidBool"),
        ("bool", "", "EndOfBuffer"),
        ("optional[uint8]", "02", "InvalidOptional"),
        ("optional[uint8]", "01", "EndOfBuffer"),
        ("str", "00000002c328", "InvalidString"),
        ("str", "00000003eda080", "InvalidString"),  # UTF-8 encoded surrogate U+D800
        ("str", "00000001ff", "InvalidString"),
        ("str", "0000000561", "EndOfBuffer"),
        ("str", "000000", "EndOfBuffer"),
        ("bytes", "00000004aabbcc", "EndOfBuffer"),
        ("bytes32", "00" * 31, "EndOfBuffer"),
        ("uint64", "00" * 7, "EndOfBuffer"),
        ("uint128", "00" * 15, "EndOfBuffer"),
        ("int16", "ff", "EndOfBuffer"),
        ("uint32", "0000000100", "TrailingBytes"),
        ("list[uint8]", "000000010101", "TrailingBytes"),
        ("list[uint8]", "ffffffff00000000", "EndOfBuffer"),
        ("list[uint32]", "00000002" + "00000001", "EndOfBuffer"),
        ("list[str]", "7fffffff" + "00000000", "EndOfBuffer"),
        ("tuple[uint16,str]", "0001", "EndOfBuffer"),
        ("G1", g1_not_on_curve, "InvalidG1"),
        ("G1", g1_zero, "InvalidG1"),
        ("G1", g1_noncanonical_inf, "InvalidG1"),
        ("G1", g1_inf_with_sign, "InvalidG1"),
        ("G1", g1_hex[:-2], "EndOfBuffer"),
        ("G1", g1_hex + "00", "TrailingBytes"),
        ("G2", g2_noncanonical_inf, "InvalidG2"),
        ("G2", g2_zero, "InvalidG2"),
        ("G2", "a0" + g2_hex[2:], "InvalidG2"),
        ("G2", g2_hex[:-2], "EndOfBuffer"),
        ("optional[G1]", "01" + g1_zero, "InvalidG1"),
    ]
    rejected = []
    for schema, hex_input, rust_error in rejected_inputs:
        result = verdict(lambda: wrapper(schema).from_bytes(bytes.fromhex(hex_input)))
        assert not result["accepted"], (schema, hex_input)
        case: dict[str, Any] = {
            "schema": schema,
            "hex": hex_input,
            "chia": {"exception": result["exception"], "message": result["message"]},
            "rust_error": rust_error,
        }
        point_type = {"G1": (G1Element, 48), "G2": (G2Element, 96)}.get(schema)
        if point_type is not None and len(hex_input) == 2 * point_type[1]:
            # what chia's trusted path (from_bytes_unchecked: no subgroup check) says
            case["chia_unchecked"] = verdict(lambda: point_type[0].from_bytes_unchecked(bytes.fromhex(hex_input)))
        rejected.append(case)

    # How chia's from_json_dict treats inputs other than its own to_json_dict output.
    json_probes: list[tuple[str, Any]] = [
        ("bytes32", "0x" + "ab" * 32),
        ("bytes32", "ab" * 32),
        ("bytes32", "0X" + "AB" * 32),
        ("bytes32", "0x" + "ab" * 31),
        ("bytes32", "0x" + "zz" * 32),
        ("bytes32", 5),
        ("bytes", "0x"),
        ("bytes", ""),
        ("bytes", "0xabc"),
        ("G1", "0x" + g1_hex),
        ("G1", g1_hex),
        ("G1", "0x" + g1_zero),
        ("G1", "0x" + g1_off_subgroup),
        ("G2", "0x" + "a0" + g2_hex[2:]),
        ("G2", "0x" + "c0" + "00" * 95),
        ("G2", "0x" + g2_hex),
        ("G2", g2_hex),
        ("uint64", 18446744073709551615),
        ("uint64", "12"),
        ("uint64", -1),
        ("uint64", 18446744073709551616),
        ("uint8", 256),
        ("int8", -128),
        ("uint128", 340282366920938463463374607431768211455),
        ("uint64", " 12 "),
        ("uint64", "1_000"),
        ("uint64", "+5"),
        ("uint64", "0x10"),
        ("uint64", "1__0"),
        ("uint64", ""),
        ("uint64", 1.0),
        ("uint64", 2.9),
        ("uint64", True),
        ("uint64", None),
        ("uint64", [1]),
        ("int16", "-0"),
        ("int16", " -32768"),
        ("bool", True),
        ("bool", 1),
        ("bool", 0),
        ("bool", "false"),
        ("bool", ""),
        ("bool", None),
        ("bool", []),
        ("bool", [0]),
        ("str", "abc"),
        ("str", 5),
        ("str", True),
        ("str", None),
        ("optional[uint8]", None),
        ("optional[uint8]", 3),
        ("list[uint8]", [1, 2]),
        ("list[uint8]", 5),
        ("tuple[uint16,str]", [1, "1"]),
        ("tuple[uint16,str]", [1]),
        ("tuple[uint16,str]", [1, "1", 2]),
    ]
    json_inputs = []
    for schema, value in json_probes:
        result = verdict(lambda: wrapper(schema).from_json_dict({"x": value}))
        entry: dict[str, Any] = {"schema": schema, "json": value}
        if result["accepted"]:
            entry["chia"] = {"accepted": True, "hex": result["hex"]}
        else:
            entry["chia"] = {
                "accepted": False,
                "exception": result["exception"],
                "message": result["message"],
            }
        json_inputs.append(entry)
    # A missing field is an error; an unknown extra field is ignored.
    missing = verdict(lambda: wrapper("uint8").from_json_dict({}))
    extra = verdict(lambda: wrapper("uint8").from_json_dict({"x": 1, "y": 2}))
    objects = {"missing_field": missing, "extra_field": extra}

    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "accepted.json": {
            **header("values chia encodes: hex = bytes(Wrap(x)), hash = get_hash(), json = to_json_dict()['x']"),
            "cases": accepted,
        },
        "rejected.json": {
            **header("encodings chia's Wrap.from_bytes rejects, with its exception; rust_error is the Sickle variant"),
            "cases": rejected,
        },
        "json_inputs.json": {
            **header("chia's Wrap.from_json_dict({'x': json}) verdicts for hand-written JSON inputs"),
            "cases": json_inputs,
            "objects": objects,
        },
    }
    for name, content in files.items():
        path = OUT / name
        path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {path} ({len(content['cases'])} cases)")


if __name__ == "__main__":
    main()
