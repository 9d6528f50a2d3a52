"""Consensus and key vectors from chia-blockchain 2.7.5's own functions.

Run with the reference venv's python from the workspace root (`cargo xtask gen-vectors`). Writes
crates/vectors/data/consensus/*.json (see the README there). Seeded: regenerating gives the same bytes.
A value of `null` means chia raised for that input.
"""

from __future__ import annotations

import json
import os
import random
import sys
from importlib.metadata import version

from chia_rs import AugSchemeMPL, G1Element, PlotParam, PrivateKey
from chia_rs.sized_bytes import bytes32
from chia_rs.sized_ints import uint8, uint32, uint64

from chia.consensus.constants import replace_str_to_bytes
from chia.consensus.default_constants import DEFAULT_CONSTANTS, update_testnet_overrides
from chia.consensus.pos_quality import _expected_plot_size
from chia.consensus.pot_iterations import (
    calculate_ip_iters,
    calculate_iterations_quality,
    calculate_sp_interval_iters,
    calculate_sp_iters,
    is_overflow_block,
)
from chia.plotting.util import parse_plot_info
from chia.types.blockchain_format.proof_of_space import (
    calculate_base_plot_filter_bits,
    calculate_plot_filter_bits,
    calculate_plot_filter_input,
    calculate_plot_id_ph,
    calculate_plot_id_pk,
    calculate_pos_challenge,
    calculate_prefix_bits,
    compute_plot_group_id,
    generate_plot_public_key,
    generate_taproot_sk,
    is_v1_phased_out,
    passes_plot_filter,
    passes_plot_filter_v2,
    v1_cut_off_height,
)
from chia.util.hash import std_hash
from chia.wallet.derive_keys import (
    master_sk_to_backup_sk,
    master_sk_to_farmer_sk,
    master_sk_to_local_sk,
    master_sk_to_pool_sk,
    master_sk_to_pooling_authentication_sk,
    master_sk_to_singleton_owner_sk,
    master_sk_to_wallet_sk,
    master_sk_to_wallet_sk_unhardened,
    master_pk_to_wallet_pk_unhardened,
)

OUT_DIR = os.path.join("crates", "vectors", "data", "consensus")
SEED = 0xC0A5


def network(network_id: str, overrides: dict) -> object:
    overrides = dict(overrides)
    update_testnet_overrides(network_id, overrides)
    return replace_str_to_bytes(DEFAULT_CONSTANTS, **overrides)


def initial_config_overrides() -> dict:
    import importlib.resources

    import yaml

    text = importlib.resources.files("chia.util").joinpath("initial-config.yaml").read_text()
    return yaml.safe_load(text)["network_overrides"]["constants"]


NETWORK_OVERRIDES = initial_config_overrides()
NETWORKS = {
    "mainnet": network("mainnet", NETWORK_OVERRIDES["mainnet"]),
    "testnet11": network("testnet11", NETWORK_OVERRIDES["testnet11"]),
    # The same constants with v2 active from height 0, so the v2 schedule and phase-out are exercised.
    "fork2_at_1000": DEFAULT_CONSTANTS.replace(HARD_FORK2_HEIGHT=uint32(1000), EPOCH_BLOCKS=uint32(768)),
}


def attempt(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (ValueError, AssertionError, OverflowError, TypeError):
        return None


def constants_doc() -> dict:
    names = [
        "NUM_SPS_SUB_SLOT", "SUB_SLOT_ITERS_STARTING", "DIFFICULTY_CONSTANT_FACTOR", "DIFFICULTY_STARTING",
        "EPOCH_BLOCKS", "SUB_EPOCH_BLOCKS", "NUMBER_ZERO_BITS_PLOT_FILTER_V1", "NUMBER_ZERO_BITS_PLOT_FILTER_V2",
        "MIN_PLOT_SIZE_V1", "MAX_PLOT_SIZE_V1", "PLOT_SIZE_V2", "SUB_SLOT_TIME_TARGET", "NUM_SP_INTERVALS_EXTRA",
        "POOL_SUB_SLOT_ITERS", "HARD_FORK_HEIGHT", "HARD_FORK2_HEIGHT", "SOFT_FORK8_HEIGHT", "SOFT_FORK9_HEIGHT",
        "PLOT_V1_PHASE_OUT_EPOCH_BITS", "PLOT_FILTER_128_HEIGHT", "PLOT_FILTER_64_HEIGHT", "PLOT_FILTER_32_HEIGHT",
        "MIN_PLOT_STRENGTH", "MAX_PLOT_STRENGTH", "GENESIS_CHALLENGE", "AGG_SIG_ME_ADDITIONAL_DATA", "TESTNET",
    ]
    out = {}
    for net in ("mainnet", "testnet11"):
        c = NETWORKS[net]
        row = {}
        for name in names:
            value = getattr(c, name)
            row[name] = value.hex() if isinstance(value, bytes) else (bool(value) if isinstance(value, bool) else int(value))
        out[net] = row
    return out


def filter_vectors(rng: random.Random) -> dict:
    heights = [0, 1, 3_755_000, 5_495_999, 5_496_000, 6_029_567, 6_029_568, 10_541_999, 10_542_000, 11_075_328,
               15_591_999, 15_592_000, 16_121_088, 20_642_999, 20_643_000, 2**32 - 1]
    prefix = {net: [[h, calculate_prefix_bits(NETWORKS[net], uint32(h), PlotParam.make_v1(32))] for h in heights]
              for net in ("mainnet", "testnet11")}
    triples = []
    for i in range(300):
        plot_id, ch, sp = rng.randbytes(32), rng.randbytes(32), rng.randbytes(32)
        if i < 40:  # force some leading zero bits so high prefix counts pass too
            while calculate_plot_filter_input(bytes32(plot_id), bytes32(ch), bytes32(sp))[0] != 0:
                sp = rng.randbytes(32)
        passes = [bits for bits in range(0, 17)
                  if passes_plot_filter(bits, bytes32(plot_id), bytes32(ch), bytes32(sp))]
        triples.append({
            "id": plot_id.hex(), "c": ch.hex(), "sp": sp.hex(),
            "filter": calculate_plot_filter_input(bytes32(plot_id), bytes32(ch), bytes32(sp)).hex(),
            "pos": calculate_pos_challenge(bytes32(plot_id), bytes32(ch), bytes32(sp)).hex(),
            "passes_bits": passes,
        })
    v2_heights = [0, 999, 1000, 1001, 10_101_999, 10_102_000, 15_147_000, 50_495_000, 60_000_000, 2**32 - 1]
    base = {net: [[h, calculate_base_plot_filter_bits(uint32(h), NETWORKS[net])] for h in v2_heights]
            for net in ("mainnet", "fork2_at_1000")}
    strength = [[h, s, attempt(calculate_plot_filter_bits, uint32(h), NETWORKS["fork2_at_1000"], s)]
                for h in v2_heights for s in (0, 1, 2, 3, 6, 10, 17, 20, 255)]
    v2 = []
    for _ in range(400):
        gid, fc = rng.randbytes(32), rng.randbytes(32)
        meta, bits, spi = rng.randrange(256), rng.randrange(0, 14), rng.randrange(64)
        if rng.random() < 0.5:
            bits = rng.randrange(0, 5)
        v2.append([gid.hex(), meta, bits, fc.hex(), spi,
                   passes_plot_filter_v2(bytes32(gid), meta, bits, bytes32(fc), spi)])
    return {"prefix_bits": prefix, "v1_filter": triples, "v2_base_bits": base,
            "v2_filter_bits_fork2_at_1000": strength, "v2_filter": v2}


def iteration_vectors(rng: random.Random) -> dict:
    rows = []
    for i in range(600):
        net = rng.choice(["mainnet", "testnet11", "fork2_at_1000"])
        c = NETWORKS[net]
        quality, sp = rng.randbytes(32), rng.randbytes(32)
        if rng.random() < 0.8:
            param = {"k": rng.randrange(18, 51)}
            plot_param = PlotParam.make_v1(param["k"])
        else:
            param = {"strength": rng.randrange(2, 20)}
            plot_param = PlotParam.make_v2(0, 0, param["strength"])
        kind = rng.random()
        if kind < 0.4:
            difficulty = rng.randrange(1, 10_000)
        elif kind < 0.8:
            difficulty = rng.randrange(1, 2**64)
        else:
            difficulty = rng.choice([1, 2**64 - 1, 2**40, 7])
        height = rng.choice([0, 500, 5_000, 30_000_000, 2**32 - 1])
        iters = attempt(calculate_iterations_quality, c, bytes32(quality), plot_param, uint64(difficulty),
                        bytes32(sp), height=uint32(height))
        rows.append({"net": net, **param, "q": quality.hex(), "sp": sp.hex(), "difficulty": str(difficulty),
                     "height": height, "iters": None if iters is None else str(int(iters))})
    sp_rows = []
    for _ in range(300):
        net = rng.choice(["mainnet", "testnet11"])
        c = NETWORKS[net]
        ssi = rng.choice([rng.randrange(1, 2**40) * 64, rng.randrange(1, 2**40), 578_813_952, 2**63, 64])
        idx = rng.choice([0, 1, 7, 60, 61, 63, 64, 200, rng.randrange(64)])
        interval = attempt(calculate_sp_interval_iters, c, uint64(ssi))
        req = rng.choice([0, 1, rng.randrange(1, 2**30), (interval or 1) - 1, interval or 0, 2**63])
        sp_rows.append({
            "net": net, "ssi": str(ssi), "index": idx, "required": str(req),
            "interval": None if interval is None else str(int(interval)),
            "sp_iters": (lambda v: None if v is None else str(int(v)))(attempt(calculate_sp_iters, c, uint64(ssi), uint8(idx))),
            "ip_iters": (lambda v: None if v is None else str(int(v)))(
                attempt(calculate_ip_iters, c, uint64(ssi), uint8(idx), uint64(req))),
            "overflow": attempt(is_overflow_block, c, uint8(idx)),
        })
    sizes = [[k, (lambda v: None if v is None else str(int(v)))(attempt(_expected_plot_size, PlotParam.make_v1(k), DEFAULT_CONSTANTS))]
             for k in range(0, 64)]
    v2_size = str(int(_expected_plot_size(PlotParam.make_v2(0, 0, 2), DEFAULT_CONSTANTS)))
    phase = []
    c = NETWORKS["fork2_at_1000"]
    for h in [0, 999, 1000, 1001, 1000 + 768 * 100, 1000 + 768 * 254, v1_cut_off_height(c) - 1,
              v1_cut_off_height(c), v1_cut_off_height(c) + 1, 2**32 - 1]:
        for _ in range(3):
            proof = rng.randbytes(rng.choice([144, 256]))
            phase.append([proof.hex(), h, is_v1_phased_out(proof, uint32(h), c)])
    return {"iterations_quality": rows, "sp_ip": sp_rows, "expected_plot_size_v1": sizes,
            "expected_plot_size_v2": v2_size, "v1_cut_off_height_fork2_at_1000": v1_cut_off_height(c),
            "v1_phase_out_fork2_at_1000": phase}


def key_vectors(rng: random.Random) -> list:
    rows = []
    seeds = [bytes(range(32))] + [rng.randbytes(32) for _ in range(7)] + [rng.randbytes(64)]
    for seed in seeds:
        master = AugSchemeMPL.key_gen(seed)
        local_master = AugSchemeMPL.key_gen(rng.randbytes(32))
        farmer = master_sk_to_farmer_sk(master)
        pool = master_sk_to_pool_sk(master)
        local = master_sk_to_local_sk(local_master)
        local_pk, farmer_pk = local.get_g1(), farmer.get_g1()
        plot_pk = generate_plot_public_key(local_pk, farmer_pk)
        plot_pk_taproot = generate_plot_public_key(local_pk, farmer_pk, True)
        taproot = generate_taproot_sk(local_pk, farmer_pk)
        contract_ph = rng.randbytes(32)
        message = rng.randbytes(32)
        solo_memo = bytes(pool.get_g1()) + bytes(farmer_pk) + bytes(local_master)
        contract_memo = contract_ph + bytes(farmer_pk) + bytes(local_master)
        for memo in (solo_memo, contract_memo):
            info = parse_plot_info(memo)
            assert bytes(info[2]) == bytes(local_master)
        rows.append({
            "seed": seed.hex(),
            "master_sk": bytes(master).hex(),
            "master_pk": bytes(master.get_g1()).hex(),
            "fingerprint": master.get_g1().get_fingerprint(),
            "farmer_sk": bytes(farmer).hex(),
            "farmer_pk": bytes(farmer_pk).hex(),
            "pool_sk": bytes(pool).hex(),
            "pool_pk": bytes(pool.get_g1()).hex(),
            "wallet_sk_0": bytes(master_sk_to_wallet_sk(master, uint32(0))).hex(),
            "wallet_sk_5": bytes(master_sk_to_wallet_sk(master, uint32(5))).hex(),
            "wallet_sk_unhardened_3": bytes(master_sk_to_wallet_sk_unhardened(master, uint32(3))).hex(),
            "wallet_pk_unhardened_3": bytes(master_pk_to_wallet_pk_unhardened(master.get_g1(), uint32(3))).hex(),
            "backup_sk": bytes(master_sk_to_backup_sk(master)).hex(),
            "singleton_owner_sk_2": bytes(master_sk_to_singleton_owner_sk(master, uint32(2))).hex(),
            "pool_auth_sk_2_0": bytes(master_sk_to_pooling_authentication_sk(master, uint32(2), uint32(0))).hex(),
            "local_master_sk": bytes(local_master).hex(),
            "local_sk": bytes(local).hex(),
            "local_pk": bytes(local_pk).hex(),
            "plot_pk": bytes(plot_pk).hex(),
            "taproot_sk": bytes(taproot).hex(),
            "plot_pk_taproot": bytes(plot_pk_taproot).hex(),
            "contract_ph": contract_ph.hex(),
            "plot_id_solo": calculate_plot_id_pk(pool.get_g1(), plot_pk).hex(),
            "plot_id_contract": calculate_plot_id_ph(bytes32(contract_ph), plot_pk_taproot).hex(),
            "plot_group_id_v2": compute_plot_group_id(3, plot_pk, pool.get_g1()).hex(),
            "plot_group_id_v2_contract": compute_plot_group_id(5, plot_pk_taproot, bytes32(contract_ph)).hex(),
            "plot_id_v2_7_2": std_hash(compute_plot_group_id(3, plot_pk, pool.get_g1()) + (7).to_bytes(2, "big")
                                       + bytes([2])).hex(),
            "memo_solo": solo_memo.hex(),
            "memo_contract": contract_memo.hex(),
            "message": message.hex(),
            "sig_local": bytes(AugSchemeMPL.sign(local, message, plot_pk)).hex(),
            "sig_farmer": bytes(AugSchemeMPL.sign(farmer, message, plot_pk)).hex(),
            "sig_taproot": bytes(AugSchemeMPL.sign(taproot, message, plot_pk_taproot)).hex(),
            "sig_pool": bytes(AugSchemeMPL.sign(pool, message)).hex(),
        })
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
        "generator": "xtask/py/gen_consensus.py",
        "versions": {"chia-blockchain": version("chia-blockchain"), "chia_rs": version("chia_rs")},
        "seed": SEED,
    }
    write("constants.json", {**header, "networks": constants_doc(),
                             "testnet11_overrides": NETWORK_OVERRIDES["testnet11"]})
    write("filter.json", {**header, **filter_vectors(rng)})
    write("iterations.json", {**header, **iteration_vectors(rng)})
    write("keys.json", {**header, "keys": key_vectors(rng)})


if __name__ == "__main__":
    main()
