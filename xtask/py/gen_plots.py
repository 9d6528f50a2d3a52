"""Make the k=18 fixture plots with chiapos 2.0.12 and record its qualities and full proofs.

Run by `cargo xtask gen-plots [--k 20,22]` from the workspace root with the reference venv's python.

Without --k: two k=18 plots (solo pool-key memo, pool-contract memo) from the fixed keys of
harvester-farmer.md §12.1-12.2 go to crates/vectors/data/plots/, and for each one
crates/vectors/data/pos/<name>.json records, for seeded random challenges plus one challenge aimed
at every C1 checkpoint value, chiapos' qualities and full proofs (parallel_read=False).
With --k: plots of those sizes (same keys) and their vectors go to target/pos-plots/ (not committed).
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import struct
import sys
import tempfile

from chiapos import DiskPlotter, DiskProver, Verifier

# harvester-farmer.md §12.1: pool/farmer public keys and local master secret key (seed 42*32).
POOL_PK = bytes.fromhex(
    "ae85027692de115db72617b4dc48fafb239049b6d7ae9da33aa0ebd7400861e7715900c90be78cceaaee049f80e37efa"
)
FARMER_PK = bytes.fromhex(
    "80e748bfd595cae29e16d5328ac08edcc8afa41d16cc0fb394e3941e483d5a9c133d1057bb6d0ec598bf3be6e9e4fd86"
)
LOCAL_MASTER_SK = bytes.fromhex("29ef7bbe972fee8d2da19dc12cf81204d12e782c59a8c15ed890b7e9f41a18e5")
CONTRACT_PH = bytes([0x55] * 32)
# §12.2: plot ids (sha256(pool key or contract ph || plot public key)).
PLOTS = {
    "solo": (
        POOL_PK + FARMER_PK + LOCAL_MASTER_SK,
        bytes.fromhex("bd5f95d8130b92dd1254a709824e93787215e71029d122d979d0c2eb7bb5748f"),
    ),
    "contract": (
        CONTRACT_PH + FARMER_PK + LOCAL_MASTER_SK,
        bytes.fromhex("4e4884dfdd5e5351c1a9ebc8341dcbcdc17d830449887164e9e798e3715e77ab"),
    ),
}
# interop-notes.md: parameters that work at k=18 (buffer MiB, buckets, stripe, threads, nobitfield).
PLOTTER_ARGS = (100, 0, 2000, 0, False)
SEED = 0x5EED


def check_plot_ids() -> None:
    """The ids above must follow from the memo keys (chia's own derivation)."""
    from chia_rs import G1Element
    from chia.plotting.util import parse_plot_info
    from chia.types.blockchain_format.proof_of_space import (
        calculate_plot_id_ph,
        calculate_plot_id_pk,
        generate_plot_public_key,
    )
    from chia.wallet.derive_keys import master_sk_to_local_sk

    for name, (memo, plot_id) in PLOTS.items():
        pool, farmer_pk, local_master = parse_plot_info(memo)
        local_pk = master_sk_to_local_sk(local_master).get_g1()
        if isinstance(pool, G1Element):
            got = calculate_plot_id_pk(pool, generate_plot_public_key(local_pk, farmer_pk))
        else:
            got = calculate_plot_id_ph(pool, generate_plot_public_key(local_pk, farmer_pk, True))
        assert bytes(got) == plot_id, f"{name}: plot id {bytes(got).hex()} != {plot_id.hex()}"


def make_plot(out_dir: str, file_name: str, k: int, memo: bytes, plot_id: bytes) -> str:
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        DiskPlotter().create_plot_disk(tmp, tmp, tmp, file_name, k, memo, plot_id, *PLOTTER_ARGS)
        path = os.path.join(out_dir, file_name)
        shutil.move(os.path.join(tmp, file_name), path)
    return path


def sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def c1_values(path: str, k: int) -> list:
    """The C1 checkpoint f7 values (plot-format §7.1), parsed with struct."""
    with open(path, "rb") as f:
        data = f.read()
    (flen,) = struct.unpack(">H", data[52:54])
    off = 54 + flen
    (mlen,) = struct.unpack(">H", data[off : off + 2])
    off += 2 + mlen
    ptr = struct.unpack(">10Q", data[off : off + 80])
    size = (k + 7) // 8
    values = []
    for pos in range(ptr[7], ptr[8], size):
        value = int.from_bytes(data[pos : pos + size], "big") >> (8 * size - k)
        if value == 0 and values:
            break
        values.append(value)
    return values


def record(path: str, k: int, plot_id: bytes, memo: bytes, n: int, rng: random.Random) -> dict:
    prover = DiskProver(path)
    verifier = Verifier()
    challenges = [rng.randbytes(32) for _ in range(n)]
    # One challenge per C1 checkpoint whose first k bits equal the checkpoint f7 (plot-format §8: chiapos
    # skips the checkpoint entry itself; Sickle must return it too).
    for value in c1_values(path, k):
        tail = rng.randbytes(32)
        head = (value << (256 - k)) | (int.from_bytes(tail, "big") & ((1 << (256 - k)) - 1))
        challenges.append(head.to_bytes(32, "big"))
    rows = []
    found = 0
    for challenge in challenges:
        qualities = prover.get_qualities_for_challenge(challenge)
        proofs = []
        for i, quality in enumerate(qualities):
            proof = prover.get_full_proof(challenge, i, False)
            assert verifier.validate_proof(plot_id, k, challenge, proof) == quality
            proofs.append(bytes(proof).hex())
        found += len(qualities)
        rows.append({"c": challenge.hex(), "q": [bytes(q).hex() for q in qualities], "p": proofs})
    return {
        "generator": "xtask/py/gen_plots.py",
        "versions": {"chiapos": chiapos_version(), "python": sys.version.split()[0]},
        "plotter_args": {
            "buffer_mib": PLOTTER_ARGS[0],
            "buckets": PLOTTER_ARGS[1],
            "stripe": PLOTTER_ARGS[2],
            "threads": PLOTTER_ARGS[3],
            "nobitfield": PLOTTER_ARGS[4],
        },
        "plot": os.path.basename(path),
        "plot_sha256": sha256_file(path),
        "k": k,
        "plot_id": plot_id.hex(),
        "memo": memo.hex(),
        "seed": SEED,
        "random_challenges": n,
        "checkpoint_challenges": len(challenges) - n,
        "qualities_found": found,
        "challenges": rows,
    }


def chiapos_version() -> str:
    from importlib.metadata import version

    return version("chiapos")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--k", default="", help="comma-separated k values for plots in target/pos-plots")
    parser.add_argument("-n", type=int, default=1000, help="random challenges per plot")
    args = parser.parse_args()
    check_plot_ids()
    if args.k:
        jobs = [(int(k), name) for k in args.k.split(",") for name in ("solo",)]
        plot_dir = vec_dir = os.path.join("target", "pos-plots")
    else:
        jobs = [(18, name) for name in PLOTS]
        plot_dir = os.path.join("crates", "vectors", "data", "plots")
        vec_dir = os.path.join("crates", "vectors", "data", "pos")
    os.makedirs(plot_dir, exist_ok=True)
    os.makedirs(vec_dir, exist_ok=True)
    for k, name in jobs:
        memo, plot_id = PLOTS[name]
        file_name = f"k{k}-{name}.plot"
        path = make_plot(plot_dir, file_name, k, memo, plot_id)
        if k == 18:
            # chiapos is deterministic for fixed inputs: a second run must give the same bytes.
            with tempfile.TemporaryDirectory(dir="target") as tmp:
                again = make_plot(tmp, file_name, k, memo, plot_id)
                assert sha256_file(again) == sha256_file(path), "chiapos output is not deterministic"
        rng = random.Random(f"{SEED}-{k}-{name}")
        data = record(path, k, plot_id, memo, args.n, rng)
        out = os.path.join(vec_dir, f"k{k}-{name}.json")
        with open(out, "w") as f:
            json.dump(data, f, separators=(",", ":"))
            f.write("\n")
        print(
            f"{path}: {os.path.getsize(path)} bytes, {len(data['challenges'])} challenges, "
            f"{data['qualities_found']} qualities -> {out}"
        )


if __name__ == "__main__":
    main()
