"""Creates a throwaway chia root for `cargo xtask interop`.

usage: interop_setup.py ROOT FARMER_PORT SICKLE_FARMER_PORT SPARE_PORT_1 SPARE_PORT_2 SPARE_PORT_3

Runs `chia init` into ROOT (HOME and CHIA_ROOT must already point into the temp dir), then moves
every port the farmer and harvester use onto loopback and off chia's defaults: the farmer listens
on FARMER_PORT, the harvester dials the Sickle farmer on SICKLE_FARMER_PORT, and the full node,
solver and daemon the farmer looks for are pointed at spare ports where nothing listens. The daemon listens on SPARE_PORT_3 when the xtask starts it.

Then one key is added to the file keyring under CHIA_KEYS_ROOT, from a fixed mnemonic (entropy
bytes 0..31, so runs are reproducible), and `check_keys` writes the farmer's xch_target_address
and pool_public_keys: with the daemon running, the farmer then has keys and sends
harvester_handshake to harvesters.
"""

import sys
from pathlib import Path

from chia.cmds.init_funcs import check_keys, chia_init
from chia.cmds.keys_funcs import add_key_info
from chia.util.keychain import bytes_to_mnemonic
from chia.util.config import lock_and_load_config, save_config


def main() -> int:
    root = Path(sys.argv[1])
    farmer_port, sickle_port, spare_full_node, spare_solver, spare_daemon = (int(p) for p in sys.argv[2:7])
    chia_init(root, should_check_keys=False)
    with lock_and_load_config(root, "config.yaml") as config:
        config["self_hostname"] = "127.0.0.1"
        config["daemon_port"] = spare_daemon
        farmer = config["farmer"]
        farmer["port"] = farmer_port
        farmer["full_node_peers"] = [{"host": "127.0.0.1", "port": spare_full_node}]
        farmer["solver_peers"] = [{"host": "127.0.0.1", "port": spare_solver}]
        farmer["start_rpc_server"] = False
        harvester = config["harvester"]
        harvester["farmer_peers"] = [{"host": "127.0.0.1", "port": sickle_port}]
        harvester["start_rpc_server"] = False
        harvester["plot_directories"] = []
        for service in ("farmer", "harvester"):
            config[service]["logging"]["log_stdout"] = True
            config[service]["logging"]["log_level"] = "INFO"
        save_config(root, "config.yaml", config)
    add_key_info(bytes_to_mnemonic(bytes(range(32))), None)
    check_keys(root)
    print(f"network={config['selected_network']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
