"""The farming checks of `cargo xtask interop`, against real chia 2.7.5 services.

usage: interop_farm.py fullnode ROOT FULL_NODE_PORT FARMER_RPC_PORT PLOTS_JSON SIGNAGE_POINTS TIMEOUT_S
  Arm A (a Sickle harvester farming for the real chia farmer). Plays the full node the farmer of
  ROOT dials: a WebSocket server on 127.0.0.1:FULL_NODE_PORT with the root's public full-node
  certificate (the farmer talks to full nodes over chia's public CA), which answers the farmer's
  handshake as node type 1. It first polls the farmer's RPC (`get_harvesters`, on FARMER_RPC_PORT)
  until exactly one harvester reports every plot of PLOTS_JSON and checks each plot's id, size,
  pool public key and plot public key. Then it sends SIGNAGE_POINTS `new_signage_point` messages
  (difficulty 1, so every quality the harvester finds wins; seeded values, the same every run) and collects the farmer's
  `declare_proof_of_space` answers, each of which the farmer sends only after it verified the
  harvester's proof and aggregated the harvester's signatures. Prints one JSON line and exits 0
  if the plots matched and at least one proof of a listed plot was declared.

usage: interop_farm.py harvesters ROOT FARMER_RPC_PORT PLOTS_JSON TIMEOUT_S
  Polls the farmer's RPC as `fullnode` does (one harvester with every plot of PLOTS_JSON, right
  ids, sizes and keys) and nothing else; exits 0 once it matches.

usage: interop_farm.py status STATUS_ADDR PLOTS_JSON TIMEOUT_S
  Arm B (real chia harvesters farming for `sickle-farmer`). Polls sickle-farmer's
  http://STATUS_ADDR/status and /plots until one harvester reports every plot of PLOTS_JSON (same
  ids), proofs were verified and signatures aggregated, with no invalid proof. Prints the final
  status and exits 0 on success.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
from aiohttp import web
from chia_rs.sized_ints import uint8, uint16, uint32, uint64

from chia.farmer.farmer_rpc_client import FarmerRpcClient
from chia.protocols import farmer_protocol
from chia.protocols.outbound_message import Message, NodeType
from chia.protocols.protocol_message_types import ProtocolMessageTypes
from chia.protocols.shared_protocol import Handshake, protocol_version
from chia.server.server import ssl_context_for_server
from chia.server.ssl_context import chia_ssl_ca_paths, public_ssl_paths
from chia.util.config import load_config

SUB_SLOT_ITERS = 2**37


def log(text: str) -> None:
    print(f"interop_farm: {text}", file=sys.stderr, flush=True)


def expected_plots(path: str) -> dict[str, dict[str, object]]:
    return {p["plot_id"]: p for p in json.loads(Path(path).read_text())}


def compare_plots(expected: dict[str, dict[str, object]], reported: list[dict[str, object]]) -> list[str]:
    """Differences between PLOTS_JSON and what the farmer reports, empty if they agree."""
    problems = []
    got = {p["plot_id"]: p for p in reported}
    if set(got) != set(expected):
        problems.append(f"plot ids differ: expected {sorted(expected)}, got {sorted(got)}")
    for plot_id, want in expected.items():
        have = got.get(plot_id)
        if have is None:
            continue
        for key in ("size", "pool_public_key", "plot_public_key"):
            if have.get(key) != want[key]:
                problems.append(f"{plot_id}: {key} is {have.get(key)!r}, expected {want[key]!r}")
    return problems


class FullNode:
    """Just enough of a full node for one farmer: handshake, signage points, declared proofs."""

    def __init__(self, network_id: str) -> None:
        self.network_id = network_id
        self.ws: web.WebSocketResponse | None = None
        self.connected = asyncio.Event()
        self.declared: list[farmer_protocol.DeclareProofOfSpace] = []
        self.other_messages: list[int] = []
        # Seeded, so every run sends the same signage points.
        self.rng = random.Random(0x5EED)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=50 * 1024 * 1024)
        await ws.prepare(request)
        first = await ws.receive(timeout=30)
        if first.type != aiohttp.WSMsgType.BINARY:
            log(f"expected a binary handshake, got {first.type}")
            await ws.close()
            return ws
        message = Message.from_bytes(first.data)
        theirs = Handshake.from_bytes(message.data)
        log(f"farmer handshake: node_type={theirs.node_type} protocol={theirs.protocol_version}")
        if message.type != ProtocolMessageTypes.handshake.value or theirs.network_id != self.network_id:
            await ws.close()
            return ws
        ours = Handshake(
            self.network_id,
            protocol_version[NodeType.FULL_NODE],
            "2.7.5",
            uint16(8444),
            uint8(NodeType.FULL_NODE.value),
            [(uint16(1), "1"), (uint16(2), "1"), (uint16(3), "1")],
        )
        await ws.send_bytes(bytes(Message(uint8(ProtocolMessageTypes.handshake.value), None, bytes(ours))))
        self.ws = ws
        self.connected.set()
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.BINARY:
                continue
            message = Message.from_bytes(frame.data)
            if message.type == ProtocolMessageTypes.declare_proof_of_space.value:
                self.declared.append(farmer_protocol.DeclareProofOfSpace.from_bytes(message.data))
            else:
                self.other_messages.append(message.type)
        return ws

    async def send_signage_point(self, index: int) -> None:
        assert self.ws is not None
        sp = farmer_protocol.NewSignagePoint(
            challenge_hash=self.rng.randbytes(32),
            challenge_chain_sp=self.rng.randbytes(32),
            reward_chain_sp=self.rng.randbytes(32),
            difficulty=uint64(1),
            sub_slot_iters=uint64(SUB_SLOT_ITERS),
            signage_point_index=uint8(index),
            peak_height=uint32(0),
            last_tx_height=uint32(0),
        )
        message = Message(uint8(ProtocolMessageTypes.new_signage_point.value), None, bytes(sp))
        await self.ws.send_bytes(bytes(message))


async def poll_harvesters(
    root: Path, config: dict, rpc_port: int, expected: dict[str, dict[str, object]], deadline: float
) -> tuple[list[dict[str, object]], list[str]]:
    client = await FarmerRpcClient.create("127.0.0.1", uint16(rpc_port), root, config)
    problems = ["no answer from the farmer RPC"]
    harvesters: list[dict[str, object]] = []
    try:
        while time.monotonic() < deadline:
            try:
                harvesters = (await client.get_harvesters())["harvesters"]
            except Exception as error:  # the RPC server may not be up yet
                problems = [f"get_harvesters: {error}"]
                await asyncio.sleep(1)
                continue
            if len(harvesters) != 1:
                problems = [f"{len(harvesters)} harvesters listed, expected 1"]
            else:
                problems = compare_plots(expected, harvesters[0]["plots"])
                if not problems:
                    return harvesters, []
            await asyncio.sleep(1)
    finally:
        client.close()
        await client.await_closed()
    return harvesters, problems


async def fullnode(args: list[str]) -> int:
    root, port, rpc_port = Path(args[0]), int(args[1]), int(args[2])
    expected = expected_plots(args[3])
    signage_points, timeout = int(args[4]), float(args[5])
    deadline = time.monotonic() + timeout
    config = load_config(root, "config.yaml")
    network = config["selected_network"]
    node = FullNode(network)

    ca_crt, ca_key = chia_ssl_ca_paths(root, config)
    crt, key = public_ssl_paths(root, config["full_node"])
    ssl = ssl_context_for_server(ca_crt, ca_key, crt, key)
    app = web.Application()
    app.add_routes([web.get("/ws", node.handle)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, ssl_context=ssl)
    await site.start()
    log(f"full node listening on 127.0.0.1:{port}")

    result: dict[str, object] = {"arm": "sickle harvester -> chia farmer"}
    try:
        harvesters, problems = await poll_harvesters(root, config, rpc_port, expected, deadline)
        result["rpc_harvesters"] = [
            {
                "node_id": h["connection"]["node_id"],
                "plots": len(h["plots"]),
                "failed_to_open": len(h["failed_to_open_filenames"]),
                "no_key": len(h["no_key_filenames"]),
                "duplicates": len(h["duplicates"]),
            }
            for h in harvesters
        ]
        if problems:
            result["problems"] = problems
            print(json.dumps(result), flush=True)
            return 1
        log("farmer RPC lists every plot with the right id, size and keys")
        await asyncio.wait_for(node.connected.wait(), max(1.0, deadline - time.monotonic()))
        for index in range(1, signage_points + 1):
            await node.send_signage_point(index)
            await asyncio.sleep(1.0)
        # Give the last signage point's signatures time to arrive.
        settle = time.monotonic() + 10
        while time.monotonic() < min(settle, deadline) and not node.declared:
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)
        declared_ids = ["0x" + bytes(d.proof_of_space.compute_plot_id()).hex() for d in node.declared]
        result["signage_points"] = signage_points
        result["declared"] = len(node.declared)
        result["declared_plots"] = sorted(set(declared_ids))
        strangers = [i for i in declared_ids if i not in expected]
        if not node.declared or strangers:
            result["problems"] = [f"declared {len(node.declared)} proofs; unknown plot ids {strangers}"]
            print(json.dumps(result), flush=True)
            return 1
        print(json.dumps(result), flush=True)
        return 0
    finally:
        await runner.cleanup()


async def harvesters(args: list[str]) -> int:
    root, rpc_port = Path(args[0]), int(args[1])
    expected = expected_plots(args[2])
    deadline = time.monotonic() + float(args[3])
    config = load_config(root, "config.yaml")
    listed, problems = await poll_harvesters(root, config, rpc_port, expected, deadline)
    result = {"rpc_harvesters": [len(h["plots"]) for h in listed], "problems": problems}
    print(json.dumps(result), flush=True)
    return 1 if problems else 0


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def status(args: list[str]) -> int:
    addr = args[0]
    expected = expected_plots(args[1])
    deadline = time.monotonic() + float(args[2])
    problems = ["no answer from /status"]
    state: dict[str, object] = {}
    while time.monotonic() < deadline:
        try:
            state = get_json(f"http://{addr}/status")
            plots = get_json(f"http://{addr}/plots")
        except Exception as error:
            problems = [f"status: {error}"]
            time.sleep(1)
            continue
        problems = []
        harvesters = state.get("harvesters", [])
        if len(harvesters) != 1:
            problems.append(f"{len(harvesters)} harvesters, expected 1")
        elif harvesters[0].get("plots") != len(expected):
            problems.append(f"harvester reports {harvesters[0].get('plots')} plots, expected {len(expected)}")
        ids = sorted("0x" + p.removeprefix("0x") for p in _plot_ids(plots))
        if ids != sorted(expected):
            problems.append(f"plot ids {ids} != {sorted(expected)}")
        if state.get("invalid_proofs", 0) != 0:
            problems.append(f"invalid_proofs {state.get('invalid_proofs')}")
            break
        if state.get("proofs", 0) < 1:
            problems.append("no proof verified yet")
        if state.get("signatures_verified", 0) < 1:
            problems.append("no aggregate signature verified yet")
        if not problems:
            break
        time.sleep(1)
    print(json.dumps({"arm": "chia harvester -> sickle farmer", "status": state, "problems": problems}))
    return 1 if problems else 0


def _plot_ids(plots: object) -> list[str]:
    """Plot ids from sickle-farmer's /plots, whatever its grouping (per harvester or flat)."""
    found: list[str] = []
    if isinstance(plots, dict):
        for value in plots.values():
            found.extend(_plot_ids(value))
    elif isinstance(plots, list):
        for value in plots:
            found.extend(_plot_ids(value) if not isinstance(value, str) else [value])
    return found


def main() -> int:
    if sys.argv[1] == "fullnode":
        return asyncio.run(fullnode(sys.argv[2:]))
    if sys.argv[1] == "harvesters":
        return asyncio.run(harvesters(sys.argv[2:]))
    if sys.argv[1] == "status":
        return status(sys.argv[2:])
    print(f"unknown command {sys.argv[1]!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
