"""Makes N distinct plots for `cargo xtask bench-harvester` from a solo plot (the k=18 fixture, or a
larger one from `cargo xtask gen-plots --k`).

usage: bench_harvester_plots.py SOURCE_PLOT OUT_DIR COUNT

Every plot is SOURCE_PLOT with two header fields rewritten (plot-format.md 2.1): the memo's local
master secret key (offset 60 + 96, 32 bytes) and the plot id (offset 19, 32 bytes), recomputed
exactly as chia does for a solo plot: plot id = sha256(pool_pk || plot_pk), plot_pk = local_pk +
farmer_pk. The tables are untouched, so chiapos answers qualities and proofs for the new plots from
the same data (proofs do not verify against the new id; the benchmark asks for none). Distinct ids
matter: both harvesters recompute them from the memo and key plots by id and file name.

Plot i's local master key is key_gen(sha256(b"sickle bench-harvester plot" || i as u32 BE)), so
the files are the same on every run. Files that already exist with the expected header and size
are kept (the 1,000-plot set is ~4 GB); the rest are written to a temp name and renamed.

Checks, with chiapos' DiskProver on the first, last and a middle plot: the id and memo read back,
and the qualities for fixed challenges equal the source plot's (same tables, same challenge).
Prints `plots=COUNT written=W kept=K`.
"""

import hashlib
import os
import sys

from chia_rs import AugSchemeMPL, G1Element
from chiapos import DiskProver

from chia.plotting.util import parse_plot_info
from chia.types.blockchain_format.proof_of_space import calculate_plot_id_pk, generate_plot_public_key
from chia.wallet.derive_keys import master_sk_to_local_sk

MAGIC = b"Proof of Space Plot"
ID_OFFSET = 19
FORMAT = b"v1.0"
MEMO_LENGTH = 128
# 19 magic + 32 id + 1 k + 2 format length + 4 format + 2 memo length
MEMO_OFFSET = 60
LOCAL_SK_OFFSET = MEMO_OFFSET + 96
HEADER_END = MEMO_OFFSET + MEMO_LENGTH


def read_header(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEADER_END)


def check_source(data: bytes) -> tuple[bytes, bytes]:
    """Returns (pool_pk, farmer_pk) of a v1 solo plot header, or raises."""
    if data[:19] != MAGIC:
        raise ValueError("source is not a v1 plot (magic)")
    if not 18 <= data[51] <= 32:
        raise ValueError(f"source k is {data[51]}, expected 18 to 32")
    if int.from_bytes(data[52:54], "big") != 4 or data[54:58] != FORMAT:
        raise ValueError("source format description is not v1.0")
    memo_length = int.from_bytes(data[58:60], "big")
    if memo_length != MEMO_LENGTH:
        raise ValueError(f"source memo is {memo_length} bytes, expected a 128-byte solo memo")
    memo = data[MEMO_OFFSET:HEADER_END]
    return memo[:48], memo[48:96]


def plot_keys(index: int, pool_pk: bytes, farmer_pk: bytes) -> tuple[bytes, bytes]:
    """(memo, plot id) of bench plot `index`."""
    seed = hashlib.sha256(b"sickle bench-harvester plot" + index.to_bytes(4, "big")).digest()
    local_master = bytes(AugSchemeMPL.key_gen(seed))
    memo = pool_pk + farmer_pk + local_master
    pool, farmer, local_master_sk = parse_plot_info(memo)
    assert isinstance(pool, G1Element)
    plot_pk = generate_plot_public_key(master_sk_to_local_sk(local_master_sk).get_g1(), farmer)
    return memo, bytes(calculate_plot_id_pk(pool, plot_pk))


def file_name(k: int, index: int) -> str:
    return f"bench-k{k}-{index:04d}.plot"


def is_current(path: str, size: int, memo: bytes, plot_id: bytes) -> bool:
    try:
        if os.path.getsize(path) != size:
            return False
        header = read_header(path)
    except OSError:
        return False
    return header[ID_OFFSET : ID_OFFSET + 32] == plot_id and header[MEMO_OFFSET:HEADER_END] == memo


def main() -> int:
    source, out_dir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(source, "rb") as f:
        data = bytearray(f.read())
    pool_pk, farmer_pk = check_source(bytes(data[:HEADER_END]))
    k = data[51]
    os.makedirs(out_dir, exist_ok=True)
    written = kept = 0
    ids = set()
    for index in range(count):
        memo, plot_id = plot_keys(index, pool_pk, farmer_pk)
        if plot_id in ids:
            raise ValueError(f"plot id collision at {index}")
        ids.add(plot_id)
        path = os.path.join(out_dir, file_name(k, index))
        if is_current(path, len(data), memo, plot_id):
            kept += 1
            continue
        data[ID_OFFSET : ID_OFFSET + 32] = plot_id
        data[MEMO_OFFSET:HEADER_END] = memo
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        written += 1

    challenges = [hashlib.sha256(b"bench-harvester check" + bytes([n])).digest() for n in range(8)]
    reference = DiskProver(source)
    expected = [[bytes(q) for q in reference.get_qualities_for_challenge(c)] for c in challenges]
    if not any(expected):
        raise ValueError("the source plot has no qualities for the check challenges")
    for index in sorted({0, count // 2, count - 1}):
        memo, plot_id = plot_keys(index, pool_pk, farmer_pk)
        prover = DiskProver(os.path.join(out_dir, file_name(k, index)))
        if bytes(prover.get_id()) != plot_id or bytes(prover.get_memo()) != memo:
            raise ValueError(f"{file_name(k, index)}: id or memo does not read back")
        got = [[bytes(q) for q in prover.get_qualities_for_challenge(c)] for c in challenges]
        if got != expected:
            raise ValueError(f"{file_name(k, index)}: qualities differ from the source plot's")
    print(f"plots={count} written={written} kept={kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
