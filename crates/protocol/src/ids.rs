//! Message type ids (`ProtocolMessageTypes`), node types and capabilities, and who may send what.
//!
//! The id table and the sender table are generated from chia 2.7.5's
//! `chia/protocols/protocol_message_types.py` and `protocol_message_type_to_node_type.py`; all
//! 113 ids are here, not only the harvester link's, so an unknown id is always a real unknown.

use sickle_streamable::Streamable;

use crate::NodeType;

/// A message type id (chia `ProtocolMessageTypes`), the first byte of every [`Message`](crate::Message).
///
/// Variant names are the Python names in CamelCase; [`ProtocolMessageTypes::name`] gives the
/// Python spelling. Id 4 (the retired `new_signage_point_harvester`) has no variant, as in chia.
#[derive(Streamable, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[non_exhaustive]
pub enum ProtocolMessageTypes {
    /// `handshake` (1).
    Handshake = 1,
    /// `harvester_handshake` (3).
    HarvesterHandshake = 3,
    /// `new_proof_of_space` (5).
    NewProofOfSpace = 5,
    /// `request_signatures` (6).
    RequestSignatures = 6,
    /// `respond_signatures` (7).
    RespondSignatures = 7,
    /// `new_signage_point` (8).
    NewSignagePoint = 8,
    /// `declare_proof_of_space` (9).
    DeclareProofOfSpace = 9,
    /// `request_signed_values` (10).
    RequestSignedValues = 10,
    /// `signed_values` (11).
    SignedValues = 11,
    /// `farming_info` (12).
    FarmingInfo = 12,
    /// `new_peak_timelord` (13).
    NewPeakTimelord = 13,
    /// `new_unfinished_block_timelord` (14).
    NewUnfinishedBlockTimelord = 14,
    /// `new_infusion_point_vdf` (15).
    NewInfusionPointVdf = 15,
    /// `new_signage_point_vdf` (16).
    NewSignagePointVdf = 16,
    /// `new_end_of_sub_slot_vdf` (17).
    NewEndOfSubSlotVdf = 17,
    /// `request_compact_proof_of_time` (18).
    RequestCompactProofOfTime = 18,
    /// `respond_compact_proof_of_time` (19).
    RespondCompactProofOfTime = 19,
    /// `new_peak` (20).
    NewPeak = 20,
    /// `new_transaction` (21).
    NewTransaction = 21,
    /// `request_transaction` (22).
    RequestTransaction = 22,
    /// `respond_transaction` (23).
    RespondTransaction = 23,
    /// `request_proof_of_weight` (24).
    RequestProofOfWeight = 24,
    /// `respond_proof_of_weight` (25).
    RespondProofOfWeight = 25,
    /// `request_block` (26).
    RequestBlock = 26,
    /// `respond_block` (27).
    RespondBlock = 27,
    /// `reject_block` (28).
    RejectBlock = 28,
    /// `request_blocks` (29).
    RequestBlocks = 29,
    /// `respond_blocks` (30).
    RespondBlocks = 30,
    /// `reject_blocks` (31).
    RejectBlocks = 31,
    /// `new_unfinished_block` (32).
    NewUnfinishedBlock = 32,
    /// `request_unfinished_block` (33).
    RequestUnfinishedBlock = 33,
    /// `respond_unfinished_block` (34).
    RespondUnfinishedBlock = 34,
    /// `new_signage_point_or_end_of_sub_slot` (35).
    NewSignagePointOrEndOfSubSlot = 35,
    /// `request_signage_point_or_end_of_sub_slot` (36).
    RequestSignagePointOrEndOfSubSlot = 36,
    /// `respond_signage_point` (37).
    RespondSignagePoint = 37,
    /// `respond_end_of_sub_slot` (38).
    RespondEndOfSubSlot = 38,
    /// `request_mempool_transactions` (39).
    RequestMempoolTransactions = 39,
    /// `request_compact_vdf` (40).
    RequestCompactVdf = 40,
    /// `respond_compact_vdf` (41).
    RespondCompactVdf = 41,
    /// `new_compact_vdf` (42).
    NewCompactVdf = 42,
    /// `request_peers` (43).
    RequestPeers = 43,
    /// `respond_peers` (44).
    RespondPeers = 44,
    /// `request_puzzle_solution` (45).
    RequestPuzzleSolution = 45,
    /// `respond_puzzle_solution` (46).
    RespondPuzzleSolution = 46,
    /// `reject_puzzle_solution` (47).
    RejectPuzzleSolution = 47,
    /// `send_transaction` (48).
    SendTransaction = 48,
    /// `transaction_ack` (49).
    TransactionAck = 49,
    /// `new_peak_wallet` (50).
    NewPeakWallet = 50,
    /// `request_block_header` (51).
    RequestBlockHeader = 51,
    /// `respond_block_header` (52).
    RespondBlockHeader = 52,
    /// `reject_header_request` (53).
    RejectHeaderRequest = 53,
    /// `request_removals` (54).
    RequestRemovals = 54,
    /// `respond_removals` (55).
    RespondRemovals = 55,
    /// `reject_removals_request` (56).
    RejectRemovalsRequest = 56,
    /// `request_additions` (57).
    RequestAdditions = 57,
    /// `respond_additions` (58).
    RespondAdditions = 58,
    /// `reject_additions_request` (59).
    RejectAdditionsRequest = 59,
    /// `request_header_blocks` (60).
    RequestHeaderBlocks = 60,
    /// `reject_header_blocks` (61).
    RejectHeaderBlocks = 61,
    /// `respond_header_blocks` (62).
    RespondHeaderBlocks = 62,
    /// `request_peers_introducer` (63).
    RequestPeersIntroducer = 63,
    /// `respond_peers_introducer` (64).
    RespondPeersIntroducer = 64,
    /// `farm_new_block` (65).
    FarmNewBlock = 65,
    /// `new_signage_point_harvester` (66).
    NewSignagePointHarvester = 66,
    /// `request_plots` (67).
    RequestPlots = 67,
    /// `respond_plots` (68).
    RespondPlots = 68,
    /// `coin_state_update` (69).
    CoinStateUpdate = 69,
    /// `register_for_ph_updates` (70).
    RegisterForPhUpdates = 70,
    /// `respond_to_ph_updates` (71).
    RespondToPhUpdates = 71,
    /// `register_for_coin_updates` (72).
    RegisterForCoinUpdates = 72,
    /// `respond_to_coin_updates` (73).
    RespondToCoinUpdates = 73,
    /// `request_children` (74).
    RequestChildren = 74,
    /// `respond_children` (75).
    RespondChildren = 75,
    /// `request_ses_hashes` (76).
    RequestSesHashes = 76,
    /// `respond_ses_hashes` (77).
    RespondSesHashes = 77,
    /// `plot_sync_start` (78).
    PlotSyncStart = 78,
    /// `plot_sync_loaded` (79).
    PlotSyncLoaded = 79,
    /// `plot_sync_removed` (80).
    PlotSyncRemoved = 80,
    /// `plot_sync_invalid` (81).
    PlotSyncInvalid = 81,
    /// `plot_sync_keys_missing` (82).
    PlotSyncKeysMissing = 82,
    /// `plot_sync_duplicates` (83).
    PlotSyncDuplicates = 83,
    /// `plot_sync_done` (84).
    PlotSyncDone = 84,
    /// `plot_sync_response` (85).
    PlotSyncResponse = 85,
    /// `request_block_headers` (86).
    RequestBlockHeaders = 86,
    /// `reject_block_headers` (87).
    RejectBlockHeaders = 87,
    /// `respond_block_headers` (88).
    RespondBlockHeaders = 88,
    /// `request_fee_estimates` (89).
    RequestFeeEstimates = 89,
    /// `respond_fee_estimates` (90).
    RespondFeeEstimates = 90,
    /// `none_response` (91).
    NoneResponse = 91,
    /// `new_unfinished_block2` (92).
    NewUnfinishedBlock2 = 92,
    /// `request_unfinished_block2` (93).
    RequestUnfinishedBlock2 = 93,
    /// `request_remove_puzzle_subscriptions` (94).
    RequestRemovePuzzleSubscriptions = 94,
    /// `respond_remove_puzzle_subscriptions` (95).
    RespondRemovePuzzleSubscriptions = 95,
    /// `request_remove_coin_subscriptions` (96).
    RequestRemoveCoinSubscriptions = 96,
    /// `respond_remove_coin_subscriptions` (97).
    RespondRemoveCoinSubscriptions = 97,
    /// `request_puzzle_state` (98).
    RequestPuzzleState = 98,
    /// `respond_puzzle_state` (99).
    RespondPuzzleState = 99,
    /// `reject_puzzle_state` (100).
    RejectPuzzleState = 100,
    /// `request_coin_state` (101).
    RequestCoinState = 101,
    /// `respond_coin_state` (102).
    RespondCoinState = 102,
    /// `reject_coin_state` (103).
    RejectCoinState = 103,
    /// `mempool_items_added` (104).
    MempoolItemsAdded = 104,
    /// `mempool_items_removed` (105).
    MempoolItemsRemoved = 105,
    /// `request_cost_info` (106).
    RequestCostInfo = 106,
    /// `respond_cost_info` (107).
    RespondCostInfo = 107,
    /// `solution_response` (108).
    SolutionResponse = 108,
    /// `solve` (109).
    Solve = 109,
    /// `partial_proofs` (110).
    PartialProofs = 110,
    /// `configure_window_sizes` (111).
    ConfigureWindowSizes = 111,
    /// `plot_sync_loaded2` (112).
    PlotSyncLoaded2 = 112,
    /// `respond_plots2` (113).
    RespondPlots2 = 113,
    /// `error` (255).
    Error = 255,
}

impl ProtocolMessageTypes {
    /// Every id chia 2.7.5 knows, in ascending order.
    pub const ALL: [Self; 112] = [
        Self::Handshake,
        Self::HarvesterHandshake,
        Self::NewProofOfSpace,
        Self::RequestSignatures,
        Self::RespondSignatures,
        Self::NewSignagePoint,
        Self::DeclareProofOfSpace,
        Self::RequestSignedValues,
        Self::SignedValues,
        Self::FarmingInfo,
        Self::NewPeakTimelord,
        Self::NewUnfinishedBlockTimelord,
        Self::NewInfusionPointVdf,
        Self::NewSignagePointVdf,
        Self::NewEndOfSubSlotVdf,
        Self::RequestCompactProofOfTime,
        Self::RespondCompactProofOfTime,
        Self::NewPeak,
        Self::NewTransaction,
        Self::RequestTransaction,
        Self::RespondTransaction,
        Self::RequestProofOfWeight,
        Self::RespondProofOfWeight,
        Self::RequestBlock,
        Self::RespondBlock,
        Self::RejectBlock,
        Self::RequestBlocks,
        Self::RespondBlocks,
        Self::RejectBlocks,
        Self::NewUnfinishedBlock,
        Self::RequestUnfinishedBlock,
        Self::RespondUnfinishedBlock,
        Self::NewSignagePointOrEndOfSubSlot,
        Self::RequestSignagePointOrEndOfSubSlot,
        Self::RespondSignagePoint,
        Self::RespondEndOfSubSlot,
        Self::RequestMempoolTransactions,
        Self::RequestCompactVdf,
        Self::RespondCompactVdf,
        Self::NewCompactVdf,
        Self::RequestPeers,
        Self::RespondPeers,
        Self::RequestPuzzleSolution,
        Self::RespondPuzzleSolution,
        Self::RejectPuzzleSolution,
        Self::SendTransaction,
        Self::TransactionAck,
        Self::NewPeakWallet,
        Self::RequestBlockHeader,
        Self::RespondBlockHeader,
        Self::RejectHeaderRequest,
        Self::RequestRemovals,
        Self::RespondRemovals,
        Self::RejectRemovalsRequest,
        Self::RequestAdditions,
        Self::RespondAdditions,
        Self::RejectAdditionsRequest,
        Self::RequestHeaderBlocks,
        Self::RejectHeaderBlocks,
        Self::RespondHeaderBlocks,
        Self::RequestPeersIntroducer,
        Self::RespondPeersIntroducer,
        Self::FarmNewBlock,
        Self::NewSignagePointHarvester,
        Self::RequestPlots,
        Self::RespondPlots,
        Self::CoinStateUpdate,
        Self::RegisterForPhUpdates,
        Self::RespondToPhUpdates,
        Self::RegisterForCoinUpdates,
        Self::RespondToCoinUpdates,
        Self::RequestChildren,
        Self::RespondChildren,
        Self::RequestSesHashes,
        Self::RespondSesHashes,
        Self::PlotSyncStart,
        Self::PlotSyncLoaded,
        Self::PlotSyncRemoved,
        Self::PlotSyncInvalid,
        Self::PlotSyncKeysMissing,
        Self::PlotSyncDuplicates,
        Self::PlotSyncDone,
        Self::PlotSyncResponse,
        Self::RequestBlockHeaders,
        Self::RejectBlockHeaders,
        Self::RespondBlockHeaders,
        Self::RequestFeeEstimates,
        Self::RespondFeeEstimates,
        Self::NoneResponse,
        Self::NewUnfinishedBlock2,
        Self::RequestUnfinishedBlock2,
        Self::RequestRemovePuzzleSubscriptions,
        Self::RespondRemovePuzzleSubscriptions,
        Self::RequestRemoveCoinSubscriptions,
        Self::RespondRemoveCoinSubscriptions,
        Self::RequestPuzzleState,
        Self::RespondPuzzleState,
        Self::RejectPuzzleState,
        Self::RequestCoinState,
        Self::RespondCoinState,
        Self::RejectCoinState,
        Self::MempoolItemsAdded,
        Self::MempoolItemsRemoved,
        Self::RequestCostInfo,
        Self::RespondCostInfo,
        Self::SolutionResponse,
        Self::Solve,
        Self::PartialProofs,
        Self::ConfigureWindowSizes,
        Self::PlotSyncLoaded2,
        Self::RespondPlots2,
        Self::Error,
    ];

    /// The id as sent on the wire.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// The type with wire id `id`, or `None` for an id chia does not know.
    pub fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            1 => Self::Handshake,
            3 => Self::HarvesterHandshake,
            5 => Self::NewProofOfSpace,
            6 => Self::RequestSignatures,
            7 => Self::RespondSignatures,
            8 => Self::NewSignagePoint,
            9 => Self::DeclareProofOfSpace,
            10 => Self::RequestSignedValues,
            11 => Self::SignedValues,
            12 => Self::FarmingInfo,
            13 => Self::NewPeakTimelord,
            14 => Self::NewUnfinishedBlockTimelord,
            15 => Self::NewInfusionPointVdf,
            16 => Self::NewSignagePointVdf,
            17 => Self::NewEndOfSubSlotVdf,
            18 => Self::RequestCompactProofOfTime,
            19 => Self::RespondCompactProofOfTime,
            20 => Self::NewPeak,
            21 => Self::NewTransaction,
            22 => Self::RequestTransaction,
            23 => Self::RespondTransaction,
            24 => Self::RequestProofOfWeight,
            25 => Self::RespondProofOfWeight,
            26 => Self::RequestBlock,
            27 => Self::RespondBlock,
            28 => Self::RejectBlock,
            29 => Self::RequestBlocks,
            30 => Self::RespondBlocks,
            31 => Self::RejectBlocks,
            32 => Self::NewUnfinishedBlock,
            33 => Self::RequestUnfinishedBlock,
            34 => Self::RespondUnfinishedBlock,
            35 => Self::NewSignagePointOrEndOfSubSlot,
            36 => Self::RequestSignagePointOrEndOfSubSlot,
            37 => Self::RespondSignagePoint,
            38 => Self::RespondEndOfSubSlot,
            39 => Self::RequestMempoolTransactions,
            40 => Self::RequestCompactVdf,
            41 => Self::RespondCompactVdf,
            42 => Self::NewCompactVdf,
            43 => Self::RequestPeers,
            44 => Self::RespondPeers,
            45 => Self::RequestPuzzleSolution,
            46 => Self::RespondPuzzleSolution,
            47 => Self::RejectPuzzleSolution,
            48 => Self::SendTransaction,
            49 => Self::TransactionAck,
            50 => Self::NewPeakWallet,
            51 => Self::RequestBlockHeader,
            52 => Self::RespondBlockHeader,
            53 => Self::RejectHeaderRequest,
            54 => Self::RequestRemovals,
            55 => Self::RespondRemovals,
            56 => Self::RejectRemovalsRequest,
            57 => Self::RequestAdditions,
            58 => Self::RespondAdditions,
            59 => Self::RejectAdditionsRequest,
            60 => Self::RequestHeaderBlocks,
            61 => Self::RejectHeaderBlocks,
            62 => Self::RespondHeaderBlocks,
            63 => Self::RequestPeersIntroducer,
            64 => Self::RespondPeersIntroducer,
            65 => Self::FarmNewBlock,
            66 => Self::NewSignagePointHarvester,
            67 => Self::RequestPlots,
            68 => Self::RespondPlots,
            69 => Self::CoinStateUpdate,
            70 => Self::RegisterForPhUpdates,
            71 => Self::RespondToPhUpdates,
            72 => Self::RegisterForCoinUpdates,
            73 => Self::RespondToCoinUpdates,
            74 => Self::RequestChildren,
            75 => Self::RespondChildren,
            76 => Self::RequestSesHashes,
            77 => Self::RespondSesHashes,
            78 => Self::PlotSyncStart,
            79 => Self::PlotSyncLoaded,
            80 => Self::PlotSyncRemoved,
            81 => Self::PlotSyncInvalid,
            82 => Self::PlotSyncKeysMissing,
            83 => Self::PlotSyncDuplicates,
            84 => Self::PlotSyncDone,
            85 => Self::PlotSyncResponse,
            86 => Self::RequestBlockHeaders,
            87 => Self::RejectBlockHeaders,
            88 => Self::RespondBlockHeaders,
            89 => Self::RequestFeeEstimates,
            90 => Self::RespondFeeEstimates,
            91 => Self::NoneResponse,
            92 => Self::NewUnfinishedBlock2,
            93 => Self::RequestUnfinishedBlock2,
            94 => Self::RequestRemovePuzzleSubscriptions,
            95 => Self::RespondRemovePuzzleSubscriptions,
            96 => Self::RequestRemoveCoinSubscriptions,
            97 => Self::RespondRemoveCoinSubscriptions,
            98 => Self::RequestPuzzleState,
            99 => Self::RespondPuzzleState,
            100 => Self::RejectPuzzleState,
            101 => Self::RequestCoinState,
            102 => Self::RespondCoinState,
            103 => Self::RejectCoinState,
            104 => Self::MempoolItemsAdded,
            105 => Self::MempoolItemsRemoved,
            106 => Self::RequestCostInfo,
            107 => Self::RespondCostInfo,
            108 => Self::SolutionResponse,
            109 => Self::Solve,
            110 => Self::PartialProofs,
            111 => Self::ConfigureWindowSizes,
            112 => Self::PlotSyncLoaded2,
            113 => Self::RespondPlots2,
            255 => Self::Error,
            _ => return None,
        })
    }

    /// The Python name (`new_signage_point_harvester`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Handshake => "handshake",
            Self::HarvesterHandshake => "harvester_handshake",
            Self::NewProofOfSpace => "new_proof_of_space",
            Self::RequestSignatures => "request_signatures",
            Self::RespondSignatures => "respond_signatures",
            Self::NewSignagePoint => "new_signage_point",
            Self::DeclareProofOfSpace => "declare_proof_of_space",
            Self::RequestSignedValues => "request_signed_values",
            Self::SignedValues => "signed_values",
            Self::FarmingInfo => "farming_info",
            Self::NewPeakTimelord => "new_peak_timelord",
            Self::NewUnfinishedBlockTimelord => "new_unfinished_block_timelord",
            Self::NewInfusionPointVdf => "new_infusion_point_vdf",
            Self::NewSignagePointVdf => "new_signage_point_vdf",
            Self::NewEndOfSubSlotVdf => "new_end_of_sub_slot_vdf",
            Self::RequestCompactProofOfTime => "request_compact_proof_of_time",
            Self::RespondCompactProofOfTime => "respond_compact_proof_of_time",
            Self::NewPeak => "new_peak",
            Self::NewTransaction => "new_transaction",
            Self::RequestTransaction => "request_transaction",
            Self::RespondTransaction => "respond_transaction",
            Self::RequestProofOfWeight => "request_proof_of_weight",
            Self::RespondProofOfWeight => "respond_proof_of_weight",
            Self::RequestBlock => "request_block",
            Self::RespondBlock => "respond_block",
            Self::RejectBlock => "reject_block",
            Self::RequestBlocks => "request_blocks",
            Self::RespondBlocks => "respond_blocks",
            Self::RejectBlocks => "reject_blocks",
            Self::NewUnfinishedBlock => "new_unfinished_block",
            Self::RequestUnfinishedBlock => "request_unfinished_block",
            Self::RespondUnfinishedBlock => "respond_unfinished_block",
            Self::NewSignagePointOrEndOfSubSlot => "new_signage_point_or_end_of_sub_slot",
            Self::RequestSignagePointOrEndOfSubSlot => "request_signage_point_or_end_of_sub_slot",
            Self::RespondSignagePoint => "respond_signage_point",
            Self::RespondEndOfSubSlot => "respond_end_of_sub_slot",
            Self::RequestMempoolTransactions => "request_mempool_transactions",
            Self::RequestCompactVdf => "request_compact_vdf",
            Self::RespondCompactVdf => "respond_compact_vdf",
            Self::NewCompactVdf => "new_compact_vdf",
            Self::RequestPeers => "request_peers",
            Self::RespondPeers => "respond_peers",
            Self::RequestPuzzleSolution => "request_puzzle_solution",
            Self::RespondPuzzleSolution => "respond_puzzle_solution",
            Self::RejectPuzzleSolution => "reject_puzzle_solution",
            Self::SendTransaction => "send_transaction",
            Self::TransactionAck => "transaction_ack",
            Self::NewPeakWallet => "new_peak_wallet",
            Self::RequestBlockHeader => "request_block_header",
            Self::RespondBlockHeader => "respond_block_header",
            Self::RejectHeaderRequest => "reject_header_request",
            Self::RequestRemovals => "request_removals",
            Self::RespondRemovals => "respond_removals",
            Self::RejectRemovalsRequest => "reject_removals_request",
            Self::RequestAdditions => "request_additions",
            Self::RespondAdditions => "respond_additions",
            Self::RejectAdditionsRequest => "reject_additions_request",
            Self::RequestHeaderBlocks => "request_header_blocks",
            Self::RejectHeaderBlocks => "reject_header_blocks",
            Self::RespondHeaderBlocks => "respond_header_blocks",
            Self::RequestPeersIntroducer => "request_peers_introducer",
            Self::RespondPeersIntroducer => "respond_peers_introducer",
            Self::FarmNewBlock => "farm_new_block",
            Self::NewSignagePointHarvester => "new_signage_point_harvester",
            Self::RequestPlots => "request_plots",
            Self::RespondPlots => "respond_plots",
            Self::CoinStateUpdate => "coin_state_update",
            Self::RegisterForPhUpdates => "register_for_ph_updates",
            Self::RespondToPhUpdates => "respond_to_ph_updates",
            Self::RegisterForCoinUpdates => "register_for_coin_updates",
            Self::RespondToCoinUpdates => "respond_to_coin_updates",
            Self::RequestChildren => "request_children",
            Self::RespondChildren => "respond_children",
            Self::RequestSesHashes => "request_ses_hashes",
            Self::RespondSesHashes => "respond_ses_hashes",
            Self::PlotSyncStart => "plot_sync_start",
            Self::PlotSyncLoaded => "plot_sync_loaded",
            Self::PlotSyncRemoved => "plot_sync_removed",
            Self::PlotSyncInvalid => "plot_sync_invalid",
            Self::PlotSyncKeysMissing => "plot_sync_keys_missing",
            Self::PlotSyncDuplicates => "plot_sync_duplicates",
            Self::PlotSyncDone => "plot_sync_done",
            Self::PlotSyncResponse => "plot_sync_response",
            Self::RequestBlockHeaders => "request_block_headers",
            Self::RejectBlockHeaders => "reject_block_headers",
            Self::RespondBlockHeaders => "respond_block_headers",
            Self::RequestFeeEstimates => "request_fee_estimates",
            Self::RespondFeeEstimates => "respond_fee_estimates",
            Self::NoneResponse => "none_response",
            Self::NewUnfinishedBlock2 => "new_unfinished_block2",
            Self::RequestUnfinishedBlock2 => "request_unfinished_block2",
            Self::RequestRemovePuzzleSubscriptions => "request_remove_puzzle_subscriptions",
            Self::RespondRemovePuzzleSubscriptions => "respond_remove_puzzle_subscriptions",
            Self::RequestRemoveCoinSubscriptions => "request_remove_coin_subscriptions",
            Self::RespondRemoveCoinSubscriptions => "respond_remove_coin_subscriptions",
            Self::RequestPuzzleState => "request_puzzle_state",
            Self::RespondPuzzleState => "respond_puzzle_state",
            Self::RejectPuzzleState => "reject_puzzle_state",
            Self::RequestCoinState => "request_coin_state",
            Self::RespondCoinState => "respond_coin_state",
            Self::RejectCoinState => "reject_coin_state",
            Self::MempoolItemsAdded => "mempool_items_added",
            Self::MempoolItemsRemoved => "mempool_items_removed",
            Self::RequestCostInfo => "request_cost_info",
            Self::RespondCostInfo => "respond_cost_info",
            Self::SolutionResponse => "solution_response",
            Self::Solve => "solve",
            Self::PartialProofs => "partial_proofs",
            Self::ConfigureWindowSizes => "configure_window_sizes",
            Self::PlotSyncLoaded2 => "plot_sync_loaded2",
            Self::RespondPlots2 => "respond_plots2",
            Self::Error => "error",
        }
    }

    /// The type whose Python name is `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether chia accepts this message from a peer of type `sender`
    /// (`ProtocolMessageTypeToNodeType`, wire.md §6). Anything else closes the connection.
    pub fn allowed_from(self, sender: NodeType) -> bool {
        use NodeType::*;
        match self {
            Self::Handshake | Self::ConfigureWindowSizes | Self::Error => true,
            Self::HarvesterHandshake
            | Self::RequestSignatures
            | Self::DeclareProofOfSpace
            | Self::SignedValues
            | Self::NewSignagePointHarvester
            | Self::RequestPlots
            | Self::PlotSyncResponse
            | Self::Solve => matches!(sender, Farmer),
            Self::NewProofOfSpace
            | Self::RespondSignatures
            | Self::FarmingInfo
            | Self::RespondPlots
            | Self::PlotSyncStart
            | Self::PlotSyncLoaded
            | Self::PlotSyncRemoved
            | Self::PlotSyncInvalid
            | Self::PlotSyncKeysMissing
            | Self::PlotSyncDuplicates
            | Self::PlotSyncDone
            | Self::PartialProofs
            | Self::PlotSyncLoaded2
            | Self::RespondPlots2 => matches!(sender, Harvester),
            Self::NewSignagePoint
            | Self::RequestSignedValues
            | Self::NewPeakTimelord
            | Self::NewUnfinishedBlockTimelord
            | Self::RequestCompactProofOfTime
            | Self::NewPeak
            | Self::NewTransaction
            | Self::RequestTransaction
            | Self::RespondTransaction
            | Self::RespondProofOfWeight
            | Self::RequestBlock
            | Self::RespondBlock
            | Self::RejectBlock
            | Self::RequestBlocks
            | Self::RespondBlocks
            | Self::RejectBlocks
            | Self::NewUnfinishedBlock
            | Self::RequestUnfinishedBlock
            | Self::RespondUnfinishedBlock
            | Self::NewSignagePointOrEndOfSubSlot
            | Self::RequestSignagePointOrEndOfSubSlot
            | Self::RespondSignagePoint
            | Self::RespondEndOfSubSlot
            | Self::RequestMempoolTransactions
            | Self::RequestCompactVdf
            | Self::RespondCompactVdf
            | Self::NewCompactVdf
            | Self::RespondPeers
            | Self::RespondPuzzleSolution
            | Self::RejectPuzzleSolution
            | Self::TransactionAck
            | Self::NewPeakWallet
            | Self::RespondBlockHeader
            | Self::RejectHeaderRequest
            | Self::RespondRemovals
            | Self::RejectRemovalsRequest
            | Self::RespondAdditions
            | Self::RejectAdditionsRequest
            | Self::RejectHeaderBlocks
            | Self::RespondHeaderBlocks
            | Self::FarmNewBlock
            | Self::CoinStateUpdate
            | Self::RespondToPhUpdates
            | Self::RespondToCoinUpdates
            | Self::RespondChildren
            | Self::RespondSesHashes
            | Self::RejectBlockHeaders
            | Self::RespondBlockHeaders
            | Self::RespondFeeEstimates
            | Self::NewUnfinishedBlock2
            | Self::RequestUnfinishedBlock2
            | Self::RespondRemovePuzzleSubscriptions
            | Self::RespondRemoveCoinSubscriptions
            | Self::RespondPuzzleState
            | Self::RejectPuzzleState
            | Self::RespondCoinState
            | Self::RejectCoinState
            | Self::MempoolItemsAdded
            | Self::MempoolItemsRemoved
            | Self::RespondCostInfo => matches!(sender, FullNode),
            Self::NewInfusionPointVdf
            | Self::NewSignagePointVdf
            | Self::NewEndOfSubSlotVdf
            | Self::RespondCompactProofOfTime => matches!(sender, Timelord),
            Self::RequestProofOfWeight | Self::RequestPeers => matches!(sender, FullNode | Wallet),
            Self::RequestPuzzleSolution
            | Self::SendTransaction
            | Self::RequestBlockHeader
            | Self::RequestRemovals
            | Self::RequestAdditions
            | Self::RequestHeaderBlocks
            | Self::RegisterForPhUpdates
            | Self::RegisterForCoinUpdates
            | Self::RequestChildren
            | Self::RequestSesHashes
            | Self::RequestBlockHeaders
            | Self::RequestFeeEstimates
            | Self::RequestRemovePuzzleSubscriptions
            | Self::RequestRemoveCoinSubscriptions
            | Self::RequestPuzzleState
            | Self::RequestCoinState
            | Self::RequestCostInfo => matches!(sender, Wallet),
            Self::RequestPeersIntroducer => matches!(sender, Farmer | FullNode | Wallet),
            Self::RespondPeersIntroducer => matches!(sender, Introducer),
            Self::NoneResponse => false,
            Self::SolutionResponse => matches!(sender, Solver),
        }
    }
}

/// Whether chia accepts a message with wire id `msg_type` from a peer of type `sender`; an id
/// chia does not know is never allowed.
pub fn allowed_from(msg_type: u8, sender: NodeType) -> bool {
    ProtocolMessageTypes::from_id(msg_type).is_some_and(|t| t.allowed_from(sender))
}
