"""Protocol message vectors from chia-blockchain 2.7.5's and chia_rs 0.48's own classes.

Run by `cargo xtask gen-vectors` with the reference venv's python and the workspace root as cwd.
Writes crates/vectors/data/protocol/:

* messages.json: for every class of harvester_protocol.py and shared_protocol.py, FarmingInfo, and
  the chia_rs types they contain (ProofOfSpace, PartialProof, RewardChainBlockUnfinished, VDFInfo,
  ClassgroupElement, PoolTarget): seeded random instances plus edge cases ("min": every optional
  None, every list empty; "max": every optional set, longer lists, maximal integers; v1/v2 proofs
  with pool key and with contract; unicode file names), and the wire.md section 13 vectors. Each
  case has `hex` (bytes(obj)), `hash` (obj.get_hash(), or null where chia_rs cannot hash it: a v2
  ProofOfSpace with an invalid proof panics in chia_rs) and `json` (obj.to_json_dict()).
* frames.json: whole `Message` envelopes (chia's make_msg), with and without ids.
* rejected.json: payloads chia refuses (from_bytes raises), with the class and why.
* tables.json: every ProtocolMessageTypes id with its allowed senders, NodeType, Capability, the
  protocol_version table and the default capabilities.
"""

import hashlib
import importlib.metadata
import json
import random
import types
import typing
from pathlib import Path
from typing import Any

from chia_rs import (
    AugSchemeMPL,
    ClassgroupElement,
    G1Element,
    G2Element,
    PartialProof,
    PoolTarget,
    ProofOfSpace,
    RewardChainBlockUnfinished,
    VDFInfo,
)
from chia_rs.sized_bytes import bytes32, bytes100
from chia_rs.sized_ints import int16, uint8, uint16, uint32, uint64, uint128

from chia.protocols import farmer_protocol, harvester_protocol, shared_protocol
from chia.protocols.outbound_message import Message, NodeType, make_msg
from chia.protocols.protocol_message_type_to_node_type import ProtocolMessageTypeToNodeType
from chia.protocols.protocol_message_types import ProtocolMessageTypes

SEED = 20_251_124
RANDOM_PER_CLASS = 6
OUT = Path("crates/vectors/data/protocol")

HARVESTER_CLASSES = [
    "PoolDifficulty",
    "HarvesterHandshake",
    "NewSignagePointHarvester",
    "NewSignagePointHarvester2",
    "ProofOfSpaceFeeInfo",
    "NewProofOfSpace",
    "PartialProofsData",
    "SignatureRequestSourceData",
    "RequestSignatures",
    "RespondSignatures",
    "Plot",
    "Plot2",
    "RequestPlots",
    "RespondPlots",
    "RespondPlots2",
    "PlotSyncIdentifier",
    "PlotSyncStart",
    "PlotSyncPathList",
    "PlotSyncPlotList",
    "PlotSyncPlotList2",
    "PlotSyncDone",
    "PlotSyncError",
    "PlotSyncResponse",
]
SHARED_CLASSES = ["Handshake", "ConfigureWindowSizes", "Error"]
RS_CLASSES = {
    "ProofOfSpace": ProofOfSpace,
    "PartialProof": PartialProof,
    "RewardChainBlockUnfinished": RewardChainBlockUnfinished,
    "VDFInfo": VDFInfo,
    "ClassgroupElement": ClassgroupElement,
    "PoolTarget": PoolTarget,
}

INT_RANGES = {
    uint8: (0, 2**8 - 1),
    uint16: (0, 2**16 - 1),
    uint32: (0, 2**32 - 1),
    uint64: (0, 2**64 - 1),
    uint128: (0, 2**128 - 1),
    int16: (-(2**15), 2**15 - 1),
}

UNICODE_NAMES = [
    "/plots/plot-k32-2023-11-14-22-13-aaaa.plot",
    "/mnt/disk1/plots/plot-k32-\u00e9t\u00e9.plot",
    "D:\\\u30d7\u30ed\u30c3\u30c8\\plot-k32.plot",
    "/plots/\U0001f33e/plot-k32.plot",
    "",
    "\u0000\u007f",
]


class Gen:
    """Builds instances from chia's type annotations; `mode` is "random", "min" or "max"."""

    def __init__(self, rng: random.Random, mode: str) -> None:
        self.rng = rng
        self.mode = mode
        self.keys = [AugSchemeMPL.key_gen(bytes([i]) * 32) for i in range(1, 5)]

    def g1(self) -> G1Element:
        if self.mode == "min":
            return G1Element()
        return self.rng.choice(self.keys).get_g1()

    def g2(self) -> G2Element:
        if self.mode == "min":
            return G2Element()
        sk = self.rng.choice(self.keys)
        return AugSchemeMPL.sign(sk, self.rng.randbytes(8))

    def integer(self, t: Any) -> Any:
        lo, hi = INT_RANGES[t]
        if self.mode == "min":
            return t(lo if lo < 0 else 0)
        if self.mode == "max":
            return t(hi)
        pick = self.rng.random()
        if pick < 0.15:
            return t(lo)
        if pick < 0.3:
            return t(hi)
        if pick < 0.5:
            return t(self.rng.randint(max(lo, 0), min(hi, 300)))
        return t(self.rng.randint(lo, hi))

    def length(self) -> int:
        if self.mode == "min":
            return 0
        if self.mode == "max":
            return 3
        return self.rng.choice([0, 1, 1, 2, 3])

    def string(self) -> str:
        if self.mode == "min":
            return ""
        if self.mode == "max":
            return UNICODE_NAMES[3] * 3
        if self.rng.random() < 0.5:
            return self.rng.choice(UNICODE_NAMES)
        alphabet = "abcXYZ019/._- \u00e9\u4e2d\U0001f600"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(0, 40)))

    def raw_bytes(self) -> bytes:
        if self.mode == "min":
            return b""
        if self.mode == "max":
            return bytes(range(256))
        return self.rng.randbytes(self.rng.choice([0, 1, 7, 32, 100]))

    def some(self) -> bool:
        if self.mode == "min":
            return False
        if self.mode == "max":
            return True
        return self.rng.random() < 0.5

    def value(self, t: Any) -> Any:
        origin = typing.get_origin(t)
        args = typing.get_args(t)
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            assert len(inner) == 1, t
            return self.value(inner[0]) if self.some() else None
        if origin is list:
            return [self.value(args[0]) for _ in range(self.length())]
        if origin is tuple:
            return tuple(self.value(a) for a in args)
        if t in INT_RANGES:
            return self.integer(t)
        if t is bool:
            return self.mode == "max" or (self.mode == "random" and self.rng.random() < 0.5)
        if t is str:
            return self.string()
        if t is bytes:
            return self.raw_bytes()
        if t is bytes32:
            return bytes32(b"\xff" * 32 if self.mode == "max" else self.rng.randbytes(32))
        if t is bytes100:
            return bytes100(self.rng.randbytes(100))
        if t is G1Element:
            return self.g1()
        if t is G2Element:
            return self.g2()
        if t is ProofOfSpace:
            return self.proof_of_space()
        if t is PartialProof:
            return PartialProof([self.integer(uint64) for _ in range(16)])
        if t is ClassgroupElement:
            return ClassgroupElement(self.value(bytes100))
        if t is VDFInfo:
            return VDFInfo(self.value(bytes32), self.integer(uint64), self.value(ClassgroupElement))
        if t is PoolTarget:
            return PoolTarget(self.value(bytes32), self.integer(uint32))
        if t is RewardChainBlockUnfinished:
            return RewardChainBlockUnfinished(
                self.integer(uint128),
                self.integer(uint8),
                self.value(bytes32),
                self.proof_of_space(v1_only=True),
                self.value(VDFInfo) if self.some() else None,
                self.g2(),
                self.value(VDFInfo) if self.some() else None,
                self.g2(),
            )
        return self.instance(t)

    def instance(self, cls: Any) -> Any:
        hints = typing.get_type_hints(cls)
        names = [f.name for f in cls.__dataclass_fields__.values()]
        return cls(*(self.value(hints[name]) for name in names))

    def proof_of_space(self, v1_only: bool = False) -> ProofOfSpace:
        v2 = not v1_only and self.mode == "random" and self.rng.random() < 0.3
        use_pool_pk = self.mode != "min" and (self.mode == "max" or self.rng.random() < 0.5)
        pool_pk = self.g1() if use_pool_pk else None
        contract = None if use_pool_pk else self.value(bytes32)
        if not v2 and self.mode == "max":
            contract = self.value(bytes32)  # v1 decodes both fields set; only the verifier refuses
        proof = self.rng.randbytes(self.rng.choice([0, 4, 144, 256]))
        if v2:
            return make_pos(self.value(bytes32), pool_pk, contract, self.g1(), 1,
                            self.integer(uint16), self.integer(uint8), self.integer(uint8), 0, proof)
        return make_pos(self.value(bytes32), pool_pk, contract, self.g1(), 0, 0, 0, 0,
                        self.integer(uint8), proof)


def make_pos(challenge, pool_pk, contract, plot_pk, version, plot_index, meta_group, strength, size, proof):
    return ProofOfSpace(bytes32(challenge), pool_pk, contract, plot_pk, uint8(version), uint16(plot_index),
                        uint8(meta_group), uint8(strength), uint8(size), bytes(proof))


def reference_hash(obj: Any) -> str | None:
    # chia_rs hashes a v2 proof's quality string, and panics when the proof does not solve (ours
    # are random); wire.md section 4.4.
    if isinstance(obj, ProofOfSpace) and obj.version == 1:
        return None
    return obj.get_hash().hex()


def case(name: str, label: str, obj: Any) -> dict[str, Any]:
    data = bytes(obj)
    back = type(obj).from_bytes(data)
    assert bytes(back) == data, (name, label)
    assert type(obj).from_json_dict(obj.to_json_dict()) == obj, (name, label)
    return {
        "class": name,
        "label": label,
        "hex": data.hex(),
        "hash": reference_hash(obj),
        "sha256": hashlib.sha256(data).hexdigest(),
        "json": obj.to_json_dict(),
    }


def class_by_name(name: str) -> Any:
    if name in RS_CLASSES:
        return RS_CLASSES[name]
    if name in SHARED_CLASSES:
        return getattr(shared_protocol, name)
    if name == "FarmingInfo":
        return farmer_protocol.FarmingInfo
    return getattr(harvester_protocol, name)


# wire.md section 13, as chia printed them.
FARMER_PK = "80e748bfd595cae29e16d5328ac08edcc8afa41d16cc0fb394e3941e483d5a9c133d1057bb6d0ec598bf3be6e9e4fd86"
POOL_PK = "ae85027692de115db72617b4dc48fafb239049b6d7ae9da33aa0ebd7400861e7715900c90be78cceaaee049f80e37efa"
PLOT_PK = "858d5282b63c0507f33dcea0f17d24ecb0998d790ba9dec10d4fac9e333748ccf07ffe8da5de3271ff757e39f3c3ce7b"
POS_V1 = ("3cf48e12ab0707343b23a3b580e9a72d56c78025c09254334f0bc41d6c1faee7" + "01" + POOL_PK + "00" + PLOT_PK
          + "20" + "00000100" + bytes(range(256)).hex())
IDENT = ("44" * 32 + "/plots/plot-k32-test.plot").encode().hex()
WIRE_13 = [
    ("Handshake", "000000076d61696e6e657400000006302e302e333800000005322e372e3500000200000003000100000001310002000000013100030000000131"),
    ("Handshake", "000000076d61696e6e657400000006302e302e333800000005322e372e3520ff0300000003000100000001310002000000013100030000000131"),
    ("HarvesterHandshake", "00000001" + FARMER_PK + "00000001" + POOL_PK),
    ("NewSignagePointHarvester2", "11" * 32 + "00000000000007d0" + "0000000022800000" + "07" + "22" * 32
     + "00000001" + "00000000000003e8" + "00000008c1227800" + "55" * 32 + "006acfc0" + "006acfbe" + "00"),
    ("NewSignagePointHarvester", "11" * 32 + "00000000000007d0" + "0000000022800000" + "07" + "22" * 32
     + "00000001" + "00000000000003e8" + "00000008c1227800" + "55" * 32 + "08"),
    ("ProofOfSpace", POS_V1),
    ("ProofOfSpace", "01" * 32 + "01" + FARMER_PK + "02" + FARMER_PK + "0102" + "03" + "02" + "00000004aaaaaaaa"),
    ("ProofOfSpace", "01" * 32 + "00" + "03" + "02" * 32 + FARMER_PK + "0102" + "03" + "02" + "00000004aaaaaaaa"),
    ("NewProofOfSpace", "11" * 32 + "22" * 32 + "00000059" + IDENT + POS_V1 + "07000000"),
    ("RequestSignatures", "00000059" + IDENT + "11" * 32 + "22" * 32 + "00000002" + "66" * 32 + "77" * 32 + "0000"),
    ("PlotSyncStart", "000000006553f100000000006553f10000000000000000000100000000000000000000000101"),
    ("PlotSyncPathList", "000000006553f101000000006553f10000000000000000020000000001"),
    ("PlotSyncDone", "000000006553f101000000006553f10000000000000000060000000000000000"),
    ("PlotSyncResponse", "000000006553f100000000006553f1000000000000000000004e00"),
    ("PlotSyncResponse", "000000006553f101000000006553f100000000000000000300500100020000000365727201000000006553f101000000006553f1000000000000000002"),
    ("FarmingInfo", "11" * 32 + "22" * 32 + "000000006553f100" + "00000003" + "00000000" + "000003e8" + "0000000000003039"),
    ("Error", "fffa000000017800"),
]


def rejected_cases(gen: Gen) -> list[dict[str, Any]]:
    """Altered bytes that chia's from_bytes refuses."""
    out = []

    def add(name: str, data: bytes, why: str) -> None:
        cls = class_by_name(name)
        try:
            cls.from_bytes(data)
        except BaseException:
            out.append({"class": name, "hex": data.hex(), "why": why})
            return
        raise AssertionError(f"chia accepted {name} {why}")

    pos = bytes.fromhex(POS_V1)
    flag = 32 + 49
    for bad in (4, 5, 0x80, 0xFF):
        add("ProofOfSpace", pos[:flag] + bytes([bad]) + pos[flag + 1:], f"flag byte {bad:#04x}: unknown version")
    both = bytes.fromhex("01" * 32 + "01" + FARMER_PK + "03" + "02" * 32 + FARMER_PK + "0102030200000004aaaaaaaa")
    add("ProofOfSpace", both, "v2 with pool public key and contract hash")
    neither = bytes.fromhex("01" * 32 + "00" + "02" + FARMER_PK + "0102030200000004aaaaaaaa")
    add("ProofOfSpace", neither, "v2 with neither pool public key nor contract hash")
    add("ProofOfSpace", pos + b"\x00", "one trailing byte")
    add("ProofOfSpace", pos[:-1], "one byte short")
    npos = bytes.fromhex("11" * 32 + "22" * 32 + "00000059" + IDENT + POS_V1 + "07000000")
    npos_flag = 64 + 4 + 89 + flag
    add("NewProofOfSpace", npos[:npos_flag] + b"\x04" + npos[npos_flag + 1:], "proof flag byte 4")
    add("NewProofOfSpace", npos[:-1] + b"\x02", "fee_info optional flag 2")
    add("PlotSyncPathList", bytes.fromhex("000000006553f101000000006553f10000000000000000020000000002"), "final = 2")
    add("Handshake", bytes.fromhex("00000001ff"), "network_id not utf-8, then short")
    add("HarvesterHandshake", bytes.fromhex("00000001" + "00" * 48 + "00000000"), "G1 not a point")
    add("RequestPlots", b"\x00", "trailing byte after an empty class")
    add("Error", bytes.fromhex("fffa0000000178"), "short (no data flag)")
    add("NewSignagePointHarvester2", bytes.fromhex("11" * 32), "short")
    return out


def main() -> None:
    rng = random.Random(SEED)
    names = HARVESTER_CLASSES + SHARED_CLASSES + ["FarmingInfo"] + list(RS_CLASSES)
    cases = []
    for name in names:
        cls = class_by_name(name)
        for mode in ("min", "max"):
            cases.append(case(name, mode, Gen(rng, mode).value(cls)))
        gen = Gen(rng, "random")
        for i in range(RANDOM_PER_CLASS):
            cases.append(case(name, f"random-{i}", gen.value(cls)))
    # Proof of space edge cases: v1/v2, pool key/contract.
    g = Gen(rng, "random")
    pk, plot_pk = g.keys[0].get_g1(), g.keys[1].get_g1()
    for label, args in [
        ("v1-pool-pk", (b"\x07" * 32, pk, None, plot_pk, 0, 0, 0, 0, 32, bytes(range(256)))),
        ("v1-contract", (b"\x07" * 32, None, bytes32(b"\x09" * 32), plot_pk, 0, 0, 0, 0, 18, b"\x01" * 144)),
        ("v1-neither", (b"\x07" * 32, None, None, plot_pk, 0, 0, 0, 0, 18, b"")),
        ("v2-pool-pk", (b"\x07" * 32, pk, None, plot_pk, 1, 65535, 255, 255, 0, b"\xaa" * 4)),
        ("v2-contract", (b"\x07" * 32, None, bytes32(b"\x09" * 32), plot_pk, 1, 0, 0, 0, 0, b"")),
    ]:
        cases.append(case("ProofOfSpace", label, make_pos(*args)))
    for name, text in WIRE_13:
        obj = class_by_name(name).from_bytes(bytes.fromhex(text))
        cases.append(case(name, "wire.md-13", obj))

    frames = []
    fr_gen = Gen(rng, "random")
    for msg_type, name, msg_id in [
        (ProtocolMessageTypes.handshake, "Handshake", None),
        (ProtocolMessageTypes.harvester_handshake, "HarvesterHandshake", None),
        (ProtocolMessageTypes.new_signage_point_harvester, "NewSignagePointHarvester2", None),
        (ProtocolMessageTypes.new_proof_of_space, "NewProofOfSpace", None),
        (ProtocolMessageTypes.request_signatures, "RequestSignatures", 32768),
        (ProtocolMessageTypes.respond_signatures, "RespondSignatures", 32768),
        (ProtocolMessageTypes.farming_info, "FarmingInfo", None),
        (ProtocolMessageTypes.request_plots, "RequestPlots", 65535),
        (ProtocolMessageTypes.respond_plots2, "RespondPlots2", 65535),
        (ProtocolMessageTypes.plot_sync_loaded2, "PlotSyncPlotList2", None),
        (ProtocolMessageTypes.plot_sync_keys_missing, "PlotSyncPathList", None),
        (ProtocolMessageTypes.plot_sync_response, "PlotSyncResponse", None),
        (ProtocolMessageTypes.error, "Error", 0),
    ]:
        payload = fr_gen.value(class_by_name(name))
        msg = make_msg(msg_type, payload)
        if msg_id is not None:
            msg = Message(msg.type, uint16(msg_id), msg.data)
        frames.append({
            "type_name": msg_type.name,
            "class": name,
            "hex": bytes(msg).hex(),
            "json": msg.to_json_dict(),
            "payload_json": payload.to_json_dict(),
        })

    tables = {
        "message_types": [
            {
                "name": t.name,
                "id": t.value,
                "allowed_from": sorted(n.name for n in ProtocolMessageTypeToNodeType.get(t, set())),
            }
            for t in ProtocolMessageTypes
        ],
        "node_types": [{"name": n.name, "id": n.value} for n in NodeType],
        "capabilities": [{"name": c.name, "id": c.value} for c in shared_protocol.Capability],
        "protocol_version": {n.name: v for n, v in shared_protocol.protocol_version.items()},
        "default_capabilities": {
            n.name: [[int(i), v] for i, v in caps] for n, caps in shared_protocol.default_capabilities.items()
        },
    }
    meta = {
        "generator": "xtask/py/gen_protocol.py",
        "chia-blockchain": importlib.metadata.version("chia-blockchain"),
        "chia_rs": importlib.metadata.version("chia_rs"),
        "seed": SEED,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for file, body in [
        ("messages.json", {"meta": meta, "cases": cases}),
        ("frames.json", {"meta": meta, "frames": frames}),
        ("rejected.json", {"meta": meta, "rejected": rejected_cases(g)}),
        ("tables.json", {"meta": meta, **tables}),
    ]:
        (OUT / file).write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n")
    print(f"gen_protocol: {len(cases)} cases, {len(frames)} frames -> {OUT}")


if __name__ == "__main__":
    main()
