"""Verifier vectors: chiapos 2.0.12's Verifier verdict on real, corrupted and random proofs.

Run with the reference venv's python from the workspace root (`cargo xtask gen-vectors`). Writes
crates/vectors/data/pos-verify/*.json (see the README there). Plots are made in a temp dir and
deleted; with a fixed seed the output is byte-identical across runs.

Optional: SICKLE_CHIAPOS_TEST_PROOFS=<path to chiapos rust-bindings/test_proofs.txt> also
re-verifies chiapos' own k=21 vectors and writes chiapos-test-proofs.json.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from importlib.metadata import version

from chiapos import DiskPlotter, DiskProver, Verifier

OUT_DIR = os.path.join("crates", "vectors", "data", "pos-verify")
SEED = 0xD0C5
PLOT_KS = (18, 19, 20)
PROOFS_PER_PLOT = 120
FLIP_SAMPLES = 10
# interop-notes.md: chiapos parameters that work at small k (buffer MiB, buckets, stripe, threads,
# nobitfield).
PLOTTER_ARGS = (100, 0, 2000, 0, False)

VERIFIER = Verifier()


def verdict(plot_id: bytes, k: int, challenge: bytes, proof: bytes) -> str | None:
    quality = VERIFIER.validate_proof(plot_id, k, challenge, proof)
    return None if quality is None else bytes(quality).hex()


def make_proofs(rng: random.Random, k: int, tmp: str) -> list[dict]:
    plot_id = rng.randbytes(32)
    memo = rng.randbytes(128)
    name = f"k{k}.plot"
    DiskPlotter().create_plot_disk(tmp, tmp, tmp, name, k, memo, plot_id, *PLOTTER_ARGS)
    prover = DiskProver(os.path.join(tmp, name))
    rows: list[dict] = []
    while len(rows) < PROOFS_PER_PLOT:
        challenge = rng.randbytes(32)
        qualities = prover.get_qualities_for_challenge(challenge)
        for index, quality in enumerate(qualities):
            proof = prover.get_full_proof(challenge, index, False)
            checked = verdict(plot_id, k, challenge, proof)
            assert checked == bytes(quality).hex(), "chiapos disagrees with itself"
            rows.append(
                {"id": plot_id.hex(), "k": k, "c": challenge.hex(), "p": bytes(proof).hex(), "q": checked}
            )
    os.remove(os.path.join(tmp, name))
    return rows[:PROOFS_PER_PLOT]


def flip_bit(proof: bytes, bit: int) -> bytes:
    data = bytearray(proof)
    data[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(data)


def corruptions(rng: random.Random, valid: list[dict]) -> tuple[list[dict], list[dict]]:
    """Single-bit flips of a sample (compact: only the flips that stay valid are listed), plus
    targeted corruptions, each with chiapos' verdict."""
    flips = []
    for row in rng.sample(valid, FLIP_SAMPLES):
        plot_id, k, challenge = bytes.fromhex(row["id"]), row["k"], bytes.fromhex(row["c"])
        proof = bytes.fromhex(row["p"])
        still_valid = {}
        for bit in range(len(proof) * 8):
            result = verdict(plot_id, k, challenge, flip_bit(proof, bit))
            if result is not None:
                still_valid[str(bit)] = result
        flips.append({**row, "flips_still_valid": still_valid})

    cases = []

    def case(kind: str, plot_id: bytes, k: int, challenge: bytes, proof: bytes, **extra) -> None:
        cases.append(
            {
                "kind": kind,
                "id": plot_id.hex(),
                "k": k,
                "c": challenge.hex(),
                "p": proof.hex(),
                **extra,
                "q": verdict(plot_id, k, challenge, proof + b"\0" * extra.get("pad", 0)),
            }
        )

    for row in rng.sample(valid, 30):
        plot_id, k, challenge = bytes.fromhex(row["id"]), row["k"], bytes.fromhex(row["c"])
        proof = bytes.fromhex(row["p"])
        half = len(proof) // 2
        case("original", plot_id, k, challenge, proof)
        case("k_minus_1", plot_id, k - 1, challenge, proof)
        case("k_plus_1", plot_id, k + 1, challenge, proof)
        case("truncated", plot_id, k, challenge, proof[:-1])
        case("extended", plot_id, k, challenge, proof + b"\0")
        case("swapped_halves", plot_id, k, challenge, proof[half:] + proof[:half])
        case("wrong_challenge", plot_id, k, rng.randbytes(32), proof)
        case("challenge_last_byte", plot_id, k, challenge[:31] + bytes([challenge[31] ^ 0x1F]), proof)
        case("challenge_first_bit", plot_id, k, bytes([challenge[0] ^ 0x80]) + challenge[1:], proof)
        case("id_last_byte", plot_id[:31] + bytes([plot_id[31] ^ 0xFF]), k, challenge, proof)
        case("id_first_byte", bytes([plot_id[0] ^ 1]) + plot_id[1:], k, challenge, proof)
        # chiapos' binding passes the length as uint16_t: 65536 extra bytes are invisible.
        case("pad_65536", plot_id, k, challenge, proof, pad=65536)
        case("pad_65535", plot_id, k, challenge, proof, pad=65535)
    return flips, cases


def random_proofs(rng: random.Random) -> list[dict]:
    rows = []
    for k in range(0, 60):
        for _ in range(3 if 18 <= k <= 50 else 1):
            plot_id, challenge = rng.randbytes(32), rng.randbytes(32)
            proof = rng.randbytes(8 * k)
            rows.append({"id": plot_id.hex(), "k": k, "c": challenge.hex(), "p": proof.hex(),
                         "q": verdict(plot_id, k, challenge, proof)})
    for _ in range(20):
        k = rng.randrange(18, 51)
        plot_id, challenge = rng.randbytes(32), rng.randbytes(32)
        proof = rng.randbytes(rng.randrange(0, 500))
        rows.append({"id": plot_id.hex(), "k": k, "c": challenge.hex(), "p": proof.hex(),
                     "q": verdict(plot_id, k, challenge, proof)})
    return rows


def time_verifier(valid: list[dict], rounds: int = 5) -> float:
    """Microseconds per chiapos validate_proof call over the valid proofs (best of `rounds`)."""
    args = [(bytes.fromhex(r["id"]), r["k"], bytes.fromhex(r["c"]), bytes.fromhex(r["p"])) for r in valid]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for a in args:
            VERIFIER.validate_proof(*a)
        best = min(best, (time.perf_counter() - start) / len(args))
    return best * 1e6


def chiapos_test_proofs(path: str) -> list[dict]:
    rows = []
    with open(path) as f:
        for line in f:
            parts = [p.strip() for p in line.split(",")]
            if len(parts) != 5:
                continue
            plot_id, k, challenge, proof, quality = parts
            got = verdict(bytes.fromhex(plot_id), int(k), bytes.fromhex(challenge), bytes.fromhex(proof))
            assert got == quality, f"chiapos rejects its own vector {line[:20]}"
            rows.append({"id": plot_id, "k": int(k), "c": challenge, "p": proof, "q": got})
    return rows


def write(name: str, doc: dict) -> None:
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)", file=sys.stderr)


def main() -> None:
    rng = random.Random(SEED)
    os.makedirs(OUT_DIR, exist_ok=True)
    header = {
        "generator": "xtask/py/gen_pos_verify.py",
        "versions": {"chiapos": version("chiapos"), "python": sys.version.split()[0]},
        "seed": SEED,
    }
    valid: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in PLOT_KS:
            valid.extend(make_proofs(rng, k, tmp))
    flips, cases = corruptions(rng, valid)
    write("valid.json", {**header, "proofs": valid})
    write("flips.json", {**header, "proofs": flips})
    write("corrupt.json", {**header, "cases": cases})
    write("random.json", {**header, "cases": random_proofs(rng)})
    # Not deterministic: kept apart so the vectors above stay byte-identical across runs.
    write("timing.json", {**header, "chiapos_validate_proof_us": round(time_verifier(valid), 2),
                          "proofs": len(valid)})
    source = os.environ.get("SICKLE_CHIAPOS_TEST_PROOFS")
    if source:
        write("chiapos-test-proofs.json", {**header, "source": "chiapos rust-bindings/test_proofs.txt",
                                           "proofs": chiapos_test_proofs(source)})


if __name__ == "__main__":
    main()
