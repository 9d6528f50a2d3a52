"""Creates the throwaway chia root for `cargo xtask bench-harvester`.

usage: bench_harvester_setup.py ROOT DRIVER_PORT PLOT_DIR SPARE_PORT

Runs `chia init` into ROOT (HOME and CHIA_ROOT must already point into the temp dir), then sets
what chia's harvester and Sickle's both read from it:
- `selected_network: testnet11` (k=18 plots are allowed there) and, in its
  `network_overrides.constants` entry, `NUMBER_ZERO_BITS_PLOT_FILTER_V1: 0`, so the plot filter
  passes every plot at every signage point and each one is looked up;
- `harvester.farmer_peers`: the bench driver on 127.0.0.1:DRIVER_PORT;
- `harvester.plot_directories: [PLOT_DIR]`, no RPC server, and a plot refresh interval of an hour,
  so no rescan runs during a measurement;
- `self_hostname: 127.0.0.1`, the daemon port moved to SPARE_PORT (nothing is started there).
No keys are needed: the harvester gets the farmer and pool keys from the driver's handshake.
Prints `network=testnet11`.
"""

import sys
from pathlib import Path

from chia.cmds.init_funcs import chia_init
from chia.util.config import lock_and_load_config, save_config

NETWORK = "testnet11"


def main() -> int:
    root = Path(sys.argv[1])
    driver_port = int(sys.argv[2])
    plot_dir = str(Path(sys.argv[3]).resolve())
    spare_port = int(sys.argv[4])
    chia_init(root, should_check_keys=False)
    with lock_and_load_config(root, "config.yaml") as config:
        config["self_hostname"] = "127.0.0.1"
        config["daemon_port"] = spare_port
        config["selected_network"] = NETWORK
        overrides = config["network_overrides"]["constants"][NETWORK]
        overrides["NUMBER_ZERO_BITS_PLOT_FILTER_V1"] = 0
        overrides["MIN_PLOT_SIZE_V1"] = 18
        harvester = config["harvester"]
        harvester["selected_network"] = NETWORK
        # The same dict when the YAML aliases it, a copy otherwise: set it either way.
        harvester["network_overrides"]["constants"][NETWORK].update(overrides)
        harvester["farmer_peers"] = [{"host": "127.0.0.1", "port": driver_port}]
        harvester["plot_directories"] = [plot_dir]
        harvester["start_rpc_server"] = False
        harvester["plots_refresh_parameter"]["interval_seconds"] = 3600
        save_config(root, "config.yaml", config)
    print(f"network={NETWORK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
