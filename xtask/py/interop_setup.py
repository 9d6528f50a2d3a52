"""Creates a throwaway chia root and two k=18 plots for `cargo xtask interop`.

usage: interop_setup.py ROOT PLOT_DIR FARMER_PORT FULL_NODE_PORT FARMER_RPC_PORT SOLVER_PORT DAEMON_PORT

Runs `chia init` into ROOT (HOME, CHIA_ROOT and CHIA_KEYS_ROOT must already point into the temp dir),
then moves every port onto loopback and off chia's defaults: the farmer listens on FARMER_PORT and
dials its full node on FULL_NODE_PORT (where `interop_farm.py fullnode` plays the full node), its
RPC server listens on FARMER_RPC_PORT, the solver port is unused and the daemon listens on
DAEMON_PORT. The harvester dials FARMER_PORT (the xtask points it elsewhere later with
`interop_setup.py retarget`).

The selected network (testnet11, which allows k=18) gets NUMBER_ZERO_BITS_PLOT_FILTER_V1 = 0 in its
network_overrides, so every plot passes the plot filter at every signage point, for chia's services
and for Sickle's (both take their constants from this root).

One key is added to the file keyring under CHIA_KEYS_ROOT from a fixed mnemonic (entropy bytes
0..31), and `check_keys` writes the farmer's xch_target_address and pool_public_keys. The mnemonic
is written to ROOT/../mnemonic.txt for `sickle-farmer --keys`.

Two solo k=18 plots are made in PLOT_DIR with chiapos for that key's farmer and pool keys and fixed
local master keys (so runs are reproducible), and PLOT_DIR/plots.json lists them as the farmer RPC
reports plots: plot_id, size, pool_public_key, plot_public_key (0x-prefixed hex).

usage: interop_setup.py retarget ROOT PORT
Points harvester.farmer_peers at 127.0.0.1:PORT.
"""

import json
import sys
from pathlib import Path

from chia.cmds.init_funcs import check_keys, chia_init
from chia.cmds.keys_funcs import add_key_info
from chia.util.config import lock_and_load_config, save_config
from chia.util.keychain import bytes_to_mnemonic, mnemonic_to_seed
from chia_rs import AugSchemeMPL

# chiapos parameters that work at k=18 (interop-notes.md): buffer MiB, buckets, stripe, threads, nobitfield.
PLOTTER_ARGS = (100, 0, 2000, 0, False)


def make_plots(mnemonic: str, plot_dir: Path) -> list[dict[str, object]]:
    from chiapos import DiskPlotter

    from chia.plotting.util import stream_plot_info_pk
    from chia.types.blockchain_format.proof_of_space import calculate_plot_id_pk, generate_plot_public_key
    from chia.wallet.derive_keys import master_sk_to_farmer_sk, master_sk_to_local_sk, master_sk_to_pool_sk

    master = AugSchemeMPL.key_gen(mnemonic_to_seed(mnemonic))
    farmer_pk = master_sk_to_farmer_sk(master).get_g1()
    pool_pk = master_sk_to_pool_sk(master).get_g1()
    plot_dir.mkdir(parents=True, exist_ok=True)
    plots = []
    for i in range(2):
        local_master = AugSchemeMPL.key_gen(bytes([0x60 + i]) * 32)
        plot_pk = generate_plot_public_key(master_sk_to_local_sk(local_master).get_g1(), farmer_pk)
        plot_id = calculate_plot_id_pk(pool_pk, plot_pk)
        memo = stream_plot_info_pk(pool_pk, farmer_pk, local_master)
        name = f"plot-k18-interop-{i}-{plot_id.hex()}.plot"
        tmp = plot_dir / f"tmp-{i}"
        tmp.mkdir(exist_ok=True)
        DiskPlotter().create_plot_disk(
            str(tmp), str(tmp), str(plot_dir), name, 18, bytes(memo), bytes(plot_id), *PLOTTER_ARGS
        )
        tmp.rmdir()
        plots.append(
            {
                "filename": str(plot_dir / name),
                "plot_id": "0x" + plot_id.hex(),
                "size": 18,
                "pool_public_key": "0x" + bytes(pool_pk).hex(),
                "plot_public_key": "0x" + bytes(plot_pk).hex(),
            }
        )
    (plot_dir / "plots.json").write_text(json.dumps(plots, indent=1))
    return plots


def retarget(root: Path, port: int) -> int:
    with lock_and_load_config(root, "config.yaml") as config:
        config["harvester"]["farmer_peers"] = [{"host": "127.0.0.1", "port": port}]
        save_config(root, "config.yaml", config)
    return 0


def main() -> int:
    if sys.argv[1] == "retarget":
        return retarget(Path(sys.argv[2]), int(sys.argv[3]))
    root = Path(sys.argv[1])
    plot_dir = Path(sys.argv[2])
    farmer_port, full_node_port, rpc_port, solver_port, daemon_port = (int(p) for p in sys.argv[3:8])
    chia_init(root, should_check_keys=False)
    with lock_and_load_config(root, "config.yaml") as config:
        # testnet11 allows k=18 plots (MIN_PLOT_SIZE_V1 18 in its network_overrides).
        network = "testnet11"
        for section in config.values():
            if isinstance(section, dict) and "selected_network" in section:
                section["selected_network"] = network
        config["selected_network"] = network
        config["self_hostname"] = "127.0.0.1"
        config["daemon_port"] = daemon_port
        for section in (config, config["farmer"], config["harvester"]):
            overrides = section["network_overrides"]["constants"].setdefault(network, {})
            overrides["NUMBER_ZERO_BITS_PLOT_FILTER_V1"] = 0
        farmer = config["farmer"]
        farmer["port"] = farmer_port
        farmer["full_node_peers"] = [{"host": "127.0.0.1", "port": full_node_port}]
        farmer["solver_peers"] = [{"host": "127.0.0.1", "port": solver_port}]
        farmer["start_rpc_server"] = True
        farmer["rpc_port"] = rpc_port
        harvester = config["harvester"]
        harvester["farmer_peers"] = [{"host": "127.0.0.1", "port": farmer_port}]
        harvester["start_rpc_server"] = False
        harvester["plot_directories"] = [str(plot_dir)]
        for service in ("farmer", "harvester"):
            config[service]["logging"]["log_stdout"] = True
            config[service]["logging"]["log_level"] = "INFO"
        save_config(root, "config.yaml", config)
    mnemonic = bytes_to_mnemonic(bytes(range(32)))
    add_key_info(mnemonic, None)
    check_keys(root)
    (root.parent / "mnemonic.txt").write_text(mnemonic + "\n")
    plots = make_plots(mnemonic, plot_dir)
    print(f"network={network}")
    print(f"plots={len(plots)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
