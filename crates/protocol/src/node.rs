//! Node types and handshake capabilities (chia `NodeType`, `Capability`).

use sickle_streamable::Streamable;

/// The kind of service at the other end of a connection, sent as `node_type` in the
/// [`Handshake`](crate::Handshake) (chia `chia/protocols/outbound_message.py`).
#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[non_exhaustive]
pub enum NodeType {
    /// `FULL_NODE` (1).
    FullNode = 1,
    /// `HARVESTER` (2).
    Harvester = 2,
    /// `FARMER` (3).
    Farmer = 3,
    /// `TIMELORD` (4).
    Timelord = 4,
    /// `INTRODUCER` (5).
    Introducer = 5,
    /// `WALLET` (6).
    Wallet = 6,
    /// `DATA_LAYER` (7).
    DataLayer = 7,
    /// `SOLVER` (8), the v2-plot proof solver.
    Solver = 8,
}

impl NodeType {
    /// Every node type, in id order.
    pub const ALL: [Self; 8] = [
        Self::FullNode,
        Self::Harvester,
        Self::Farmer,
        Self::Timelord,
        Self::Introducer,
        Self::Wallet,
        Self::DataLayer,
        Self::Solver,
    ];

    /// The node type with handshake id `id`; chia refuses a handshake with any other value.
    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|node| *node as u8 == id)
    }

    /// The id sent in the handshake.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// The Python name (`FULL_NODE`).
    pub fn name(self) -> &'static str {
        match self {
            Self::FullNode => "FULL_NODE",
            Self::Harvester => "HARVESTER",
            Self::Farmer => "FARMER",
            Self::Timelord => "TIMELORD",
            Self::Introducer => "INTRODUCER",
            Self::Wallet => "WALLET",
            Self::DataLayer => "DATA_LAYER",
            Self::Solver => "SOLVER",
        }
    }
}

/// A handshake capability id (chia `Capability`, a `u16` in `Handshake.capabilities`).
///
/// Only the value `"1"` enables a capability; unknown ids are ignored by chia, so the handshake
/// keeps raw `u16`s and this enum names the known ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
#[non_exhaustive]
pub enum Capability {
    /// `BASE` (1): speaks the mainnet protocol.
    Base = 1,
    /// `BLOCK_HEADERS` (2): `RequestBlockHeaders`.
    BlockHeaders = 2,
    /// `RATE_LIMITS_V2` (3).
    RateLimitsV2 = 3,
    /// `NONE_RESPONSE` (4): disabled, never sent by 2.7.5.
    NoneResponse = 4,
    /// `MEMPOOL_UPDATES` (5): full node to wallet only.
    MempoolUpdates = 5,
    /// `HARD_FORK_2` (6).
    HardFork2 = 6,
    /// `RATE_LIMITS_V3` (7): both sides then exchange `ConfigureWindowSizes`.
    RateLimitsV3 = 7,
}

impl Capability {
    /// Every known capability, in id order.
    pub const ALL: [Self; 7] = [
        Self::Base,
        Self::BlockHeaders,
        Self::RateLimitsV2,
        Self::NoneResponse,
        Self::MempoolUpdates,
        Self::HardFork2,
        Self::RateLimitsV3,
    ];

    /// The capability with id `id`, if chia knows it.
    pub fn from_id(id: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|cap| *cap as u16 == id)
    }

    /// The id sent in the handshake.
    pub fn id(self) -> u16 {
        self as u16
    }
}

/// What harvesters and farmers advertise by default: `BASE`, `BLOCK_HEADERS`, `RATE_LIMITS_V2`,
/// each with value `"1"` (chia `default_capabilities`).
pub fn default_capabilities() -> Vec<(u16, String)> {
    [
        Capability::Base,
        Capability::BlockHeaders,
        Capability::RateLimitsV2,
    ]
    .into_iter()
    .map(|cap| (cap.id(), "1".to_owned()))
    .collect()
}

impl From<Capability> for u16 {
    fn from(cap: Capability) -> Self {
        cap.id()
    }
}

impl From<NodeType> for u8 {
    fn from(node: NodeType) -> Self {
        node.id()
    }
}
