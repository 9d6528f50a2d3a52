//! Which node type may send which message, and chia's per-connection rate limits
//! (chia-blockchain: chia/protocols/protocol_message_type_to_node_type.py,
//! chia/server/rate_limit_numbers.py, chia/server/rate_limits.py).
//!
//! The limits are chia's v2 table (both sides advertise capability 3). For every harvester and farmer
//! message v1 and v2 carry the same numbers; they differ only for wallet and full-node types.
//! Windows are fixed minutes; counts and sizes scale by a percentage (inbound 100, outbound 30),
//! except a single message's `max_size`, which never scales.

use tokio::time::Instant;

/// One message type's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Only a size cap per message (chia's `Unlimited`).
    Unlimited {
        /// Largest payload in bytes.
        max_size: u64,
    },
    /// Counted per one-minute window (chia's `RLSettings`).
    Window {
        /// Also counted against the aggregate (non-transaction) limit.
        aggregate: bool,
        /// Messages per minute at 100 %.
        frequency: u64,
        /// Largest payload in bytes (not scaled).
        max_size: u64,
        /// Payload bytes per minute at 100 %.
        max_total_size: u64,
    },
}

impl Limit {
    const fn unlimited(max_size: u64) -> Self {
        Limit::Unlimited { max_size }
    }
    const fn window(aggregate: bool, frequency: u64, max_size: u64, max_total_size: u64) -> Self {
        Limit::Window {
            aggregate,
            frequency,
            max_size,
            max_total_size,
        }
    }
}

/// Aggregate limit over every `aggregate` message type: 1000 messages, 100 MiB per minute.
const AGGREGATE_FREQUENCY: u64 = 1000;
const AGGREGATE_MAX_TOTAL: u64 = 100 * 1024 * 1024;

struct Entry {
    msg_type: u8,
    /// Bit `n` set when node type `n` may send this type.
    senders: u16,
    limit: Option<Limit>,
}

/// Every message type chia 2.7.5 knows, sorted by id.
#[rustfmt::skip]
const TABLE: &[Entry] = &[
    Entry { msg_type: 1, senders: 0b111111110, limit: Some(Limit::window(true, 5, 10240, 51200)) }, // handshake
    Entry { msg_type: 3, senders: 0b000001000, limit: Some(Limit::window(true, 5, 1048576, 5242880)) }, // harvester_handshake
    Entry { msg_type: 5, senders: 0b000000100, limit: Some(Limit::window(true, 100, 2048, 204800)) }, // new_proof_of_space
    Entry { msg_type: 6, senders: 0b000001000, limit: Some(Limit::window(true, 100, 2048, 204800)) }, // request_signatures
    Entry { msg_type: 7, senders: 0b000000100, limit: Some(Limit::window(true, 100, 2048, 204800)) }, // respond_signatures
    Entry { msg_type: 8, senders: 0b000000010, limit: Some(Limit::window(true, 200, 2048, 409600)) }, // new_signage_point
    Entry { msg_type: 9, senders: 0b000001000, limit: Some(Limit::window(true, 100, 10240, 1024000)) }, // declare_proof_of_space
    Entry { msg_type: 10, senders: 0b000000010, limit: Some(Limit::window(true, 100, 10240, 1024000)) }, // request_signed_values
    Entry { msg_type: 11, senders: 0b000001000, limit: Some(Limit::window(true, 100, 1024, 102400)) }, // signed_values
    Entry { msg_type: 12, senders: 0b000000100, limit: Some(Limit::window(true, 100, 1024, 102400)) }, // farming_info
    Entry { msg_type: 13, senders: 0b000000010, limit: Some(Limit::window(true, 100, 20480, 2048000)) }, // new_peak_timelord
    Entry { msg_type: 14, senders: 0b000000010, limit: Some(Limit::window(true, 100, 10240, 1024000)) }, // new_unfinished_block_timelord
    Entry { msg_type: 15, senders: 0b000010000, limit: Some(Limit::window(true, 100, 102400, 10240000)) }, // new_infusion_point_vdf
    Entry { msg_type: 16, senders: 0b000010000, limit: Some(Limit::window(true, 100, 102400, 10240000)) }, // new_signage_point_vdf
    Entry { msg_type: 17, senders: 0b000010000, limit: Some(Limit::window(true, 100, 102400, 10240000)) }, // new_end_of_sub_slot_vdf
    Entry { msg_type: 18, senders: 0b000000010, limit: Some(Limit::window(true, 100, 10240, 1024000)) }, // request_compact_proof_of_time
    Entry { msg_type: 19, senders: 0b000010000, limit: Some(Limit::window(true, 100, 102400, 10240000)) }, // respond_compact_proof_of_time
    Entry { msg_type: 20, senders: 0b000000010, limit: Some(Limit::window(true, 200, 512, 102400)) }, // new_peak
    Entry { msg_type: 21, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 100, 500000)) }, // new_transaction
    Entry { msg_type: 22, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 100, 500000)) }, // request_transaction
    Entry { msg_type: 23, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 1048576, 20971520)) }, // respond_transaction
    Entry { msg_type: 24, senders: 0b001000010, limit: Some(Limit::window(true, 5, 100, 500)) }, // request_proof_of_weight
    Entry { msg_type: 25, senders: 0b000000010, limit: Some(Limit::window(true, 5, 52428800, 104857600)) }, // respond_proof_of_weight
    Entry { msg_type: 26, senders: 0b000000010, limit: Some(Limit::window(true, 200, 100, 20000)) }, // request_block
    Entry { msg_type: 27, senders: 0b000000010, limit: Some(Limit::unlimited(2097152)) }, // respond_block
    Entry { msg_type: 28, senders: 0b000000010, limit: Some(Limit::unlimited(100)) }, // reject_block
    Entry { msg_type: 29, senders: 0b000000010, limit: Some(Limit::window(true, 500, 100, 50000)) }, // request_blocks
    Entry { msg_type: 30, senders: 0b000000010, limit: Some(Limit::unlimited(52428800)) }, // respond_blocks
    Entry { msg_type: 31, senders: 0b000000010, limit: Some(Limit::unlimited(100)) }, // reject_blocks
    Entry { msg_type: 32, senders: 0b000000010, limit: Some(Limit::window(true, 200, 100, 20000)) }, // new_unfinished_block
    Entry { msg_type: 33, senders: 0b000000010, limit: Some(Limit::window(true, 200, 100, 20000)) }, // request_unfinished_block
    Entry { msg_type: 34, senders: 0b000000010, limit: Some(Limit::window(true, 200, 2097152, 20971520)) }, // respond_unfinished_block
    Entry { msg_type: 35, senders: 0b000000010, limit: Some(Limit::window(true, 200, 200, 40000)) }, // new_signage_point_or_end_of_sub_slot
    Entry { msg_type: 36, senders: 0b000000010, limit: Some(Limit::window(true, 200, 200, 40000)) }, // request_signage_point_or_end_of_sub_slot
    Entry { msg_type: 37, senders: 0b000000010, limit: Some(Limit::window(true, 200, 51200, 10240000)) }, // respond_signage_point
    Entry { msg_type: 38, senders: 0b000000010, limit: Some(Limit::window(true, 100, 51200, 5120000)) }, // respond_end_of_sub_slot
    Entry { msg_type: 39, senders: 0b000000010, limit: Some(Limit::window(true, 5, 1048576, 5242880)) }, // request_mempool_transactions
    Entry { msg_type: 40, senders: 0b000000010, limit: Some(Limit::window(true, 200, 1024, 204800)) }, // request_compact_vdf
    Entry { msg_type: 41, senders: 0b000000010, limit: Some(Limit::window(true, 200, 102400, 20480000)) }, // respond_compact_vdf
    Entry { msg_type: 42, senders: 0b000000010, limit: Some(Limit::window(true, 100, 1024, 102400)) }, // new_compact_vdf
    Entry { msg_type: 43, senders: 0b001000010, limit: Some(Limit::window(true, 10, 100, 1000)) }, // request_peers
    Entry { msg_type: 44, senders: 0b000000010, limit: Some(Limit::window(true, 10, 1048576, 10485760)) }, // respond_peers
    Entry { msg_type: 45, senders: 0b001000000, limit: Some(Limit::window(false, 5000, 100, 500000)) }, // request_puzzle_solution
    Entry { msg_type: 46, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 1048576, 5242880000)) }, // respond_puzzle_solution
    Entry { msg_type: 47, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 100, 500000)) }, // reject_puzzle_solution
    Entry { msg_type: 48, senders: 0b001000000, limit: Some(Limit::window(false, 5000, 1048576, 5242880000)) }, // send_transaction
    Entry { msg_type: 49, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 2048, 10240000)) }, // transaction_ack
    Entry { msg_type: 50, senders: 0b000000010, limit: Some(Limit::window(true, 200, 300, 60000)) }, // new_peak_wallet
    Entry { msg_type: 51, senders: 0b001000000, limit: Some(Limit::window(false, 500, 100, 50000)) }, // request_block_header
    Entry { msg_type: 52, senders: 0b000000010, limit: Some(Limit::window(false, 500, 512000, 256000000)) }, // respond_block_header
    Entry { msg_type: 53, senders: 0b000000010, limit: Some(Limit::window(false, 500, 100, 50000)) }, // reject_header_request
    Entry { msg_type: 54, senders: 0b001000000, limit: Some(Limit::window(false, 5000, 51200, 10485760)) }, // request_removals
    Entry { msg_type: 55, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 1048576, 10485760)) }, // respond_removals
    Entry { msg_type: 56, senders: 0b000000010, limit: Some(Limit::window(false, 500, 100, 50000)) }, // reject_removals_request
    Entry { msg_type: 57, senders: 0b001000000, limit: Some(Limit::window(false, 50000, 104857600, 5242880000000)) }, // request_additions
    Entry { msg_type: 58, senders: 0b000000010, limit: Some(Limit::window(false, 50000, 104857600, 5242880000000)) }, // respond_additions
    Entry { msg_type: 59, senders: 0b000000010, limit: Some(Limit::window(false, 500, 100, 50000)) }, // reject_additions_request
    Entry { msg_type: 60, senders: 0b001000000, limit: Some(Limit::window(true, 5000, 100, 500000)) }, // request_header_blocks
    Entry { msg_type: 61, senders: 0b000000010, limit: Some(Limit::window(false, 1000, 100, 100000)) }, // reject_header_blocks
    Entry { msg_type: 62, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 2097152, 10485760000)) }, // respond_header_blocks
    Entry { msg_type: 63, senders: 0b001001010, limit: Some(Limit::window(true, 100, 100, 10000)) }, // request_peers_introducer
    Entry { msg_type: 64, senders: 0b000100000, limit: Some(Limit::window(true, 100, 1048576, 104857600)) }, // respond_peers_introducer
    Entry { msg_type: 65, senders: 0b000000010, limit: Some(Limit::window(true, 200, 200, 40000)) }, // farm_new_block
    Entry { msg_type: 66, senders: 0b000001000, limit: Some(Limit::window(true, 100, 4886, 488600)) }, // new_signage_point_harvester
    Entry { msg_type: 67, senders: 0b000001000, limit: Some(Limit::window(true, 10, 10485760, 104857600)) }, // request_plots
    Entry { msg_type: 68, senders: 0b000000100, limit: Some(Limit::window(true, 10, 104857600, 1048576000)) }, // respond_plots
    Entry { msg_type: 69, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // coin_state_update
    Entry { msg_type: 70, senders: 0b001000000, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // register_for_ph_updates
    Entry { msg_type: 71, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // respond_to_ph_updates
    Entry { msg_type: 72, senders: 0b001000000, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // register_for_coin_updates
    Entry { msg_type: 73, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // respond_to_coin_updates
    Entry { msg_type: 74, senders: 0b001000000, limit: Some(Limit::window(false, 2000, 1048576, 2097152000)) }, // request_children
    Entry { msg_type: 75, senders: 0b000000010, limit: Some(Limit::window(false, 2000, 1048576, 2097152000)) }, // respond_children
    Entry { msg_type: 76, senders: 0b001000000, limit: Some(Limit::window(false, 2000, 1048576, 2097152000)) }, // request_ses_hashes
    Entry { msg_type: 77, senders: 0b000000010, limit: Some(Limit::window(false, 2000, 1048576, 2097152000)) }, // respond_ses_hashes
    Entry { msg_type: 78, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_start
    Entry { msg_type: 79, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_loaded
    Entry { msg_type: 80, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_removed
    Entry { msg_type: 81, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_invalid
    Entry { msg_type: 82, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_keys_missing
    Entry { msg_type: 83, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_duplicates
    Entry { msg_type: 84, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_done
    Entry { msg_type: 85, senders: 0b000001000, limit: Some(Limit::window(true, 3000, 104857600, 314572800000)) }, // plot_sync_response
    Entry { msg_type: 86, senders: 0b001000000, limit: Some(Limit::window(false, 5000, 100, 500000)) }, // request_block_headers
    Entry { msg_type: 87, senders: 0b000000010, limit: Some(Limit::window(false, 1000, 100, 100000)) }, // reject_block_headers
    Entry { msg_type: 88, senders: 0b000000010, limit: Some(Limit::window(false, 5000, 2097152, 10485760000)) }, // respond_block_headers
    Entry { msg_type: 89, senders: 0b001000000, limit: Some(Limit::window(true, 10, 100, 1000)) }, // request_fee_estimates
    Entry { msg_type: 90, senders: 0b000000010, limit: Some(Limit::window(true, 10, 100, 1000)) }, // respond_fee_estimates
    Entry { msg_type: 91, senders: 0b000000000, limit: Some(Limit::window(false, 500, 100, 50000)) }, // none_response
    Entry { msg_type: 92, senders: 0b000000010, limit: Some(Limit::window(true, 200, 100, 20000)) }, // new_unfinished_block2
    Entry { msg_type: 93, senders: 0b000000010, limit: Some(Limit::window(true, 200, 100, 20000)) }, // request_unfinished_block2
    Entry { msg_type: 94, senders: 0b001000000, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // request_remove_puzzle_subscriptions
    Entry { msg_type: 95, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // respond_remove_puzzle_subscriptions
    Entry { msg_type: 96, senders: 0b001000000, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // request_remove_coin_subscriptions
    Entry { msg_type: 97, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // respond_remove_coin_subscriptions
    Entry { msg_type: 98, senders: 0b001000000, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // request_puzzle_state
    Entry { msg_type: 99, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // respond_puzzle_state
    Entry { msg_type: 100, senders: 0b000000010, limit: Some(Limit::window(true, 200, 100, 20000)) }, // reject_puzzle_state
    Entry { msg_type: 101, senders: 0b001000000, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // request_coin_state
    Entry { msg_type: 102, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // respond_coin_state
    Entry { msg_type: 103, senders: 0b000000010, limit: Some(Limit::window(true, 200, 100, 20000)) }, // reject_coin_state
    Entry { msg_type: 104, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // mempool_items_added
    Entry { msg_type: 105, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // mempool_items_removed
    Entry { msg_type: 106, senders: 0b001000000, limit: Some(Limit::window(true, 1000, 100, 100000)) }, // request_cost_info
    Entry { msg_type: 107, senders: 0b000000010, limit: Some(Limit::window(true, 1000, 1024, 1024000)) }, // respond_cost_info
    Entry { msg_type: 108, senders: 0b100000000, limit: Some(Limit::window(false, 120, 1024, 122880)) }, // solution_response
    Entry { msg_type: 109, senders: 0b000001000, limit: Some(Limit::window(false, 120, 1024, 122880)) }, // solve
    Entry { msg_type: 110, senders: 0b000000100, limit: Some(Limit::window(false, 120, 3072, 368640)) }, // partial_proofs
    Entry { msg_type: 111, senders: 0b111111110, limit: Some(Limit::window(true, 5, 1024, 1024)) }, // configure_window_sizes
    Entry { msg_type: 112, senders: 0b000000100, limit: Some(Limit::window(true, 1000, 104857600, 104857600000)) }, // plot_sync_loaded2
    Entry { msg_type: 113, senders: 0b000000100, limit: Some(Limit::window(true, 10, 104857600, 1048576000)) }, // respond_plots2
    Entry { msg_type: 255, senders: 0b111111110, limit: Some(Limit::window(false, 50000, 100, 5000000)) }, // error
];

fn entry(msg_type: u8) -> Option<&'static Entry> {
    TABLE
        .binary_search_by_key(&msg_type, |e| e.msg_type)
        .ok()
        .and_then(|i| TABLE.get(i))
}

/// Whether chia 2.7.5 knows this message type id (unknown ids close the connection, `"-4"`).
pub fn is_known_type(msg_type: u8) -> bool {
    entry(msg_type).is_some()
}

/// Whether a node of type `node_type` may send `msg_type` (chia's `ProtocolMessageTypeToNodeType`).
pub fn allowed_sender(msg_type: u8, node_type: u8) -> bool {
    entry(msg_type).is_some_and(|e| node_type < 16 && e.senders & (1u16 << node_type) != 0)
}

/// The rate limit of a message type, `None` when chia does not limit it.
pub fn limit_for(msg_type: u8) -> Option<Limit> {
    entry(msg_type).and_then(|e| e.limit)
}

/// Why a message was over the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RateLimited {
    /// Too many aggregate-counted messages in this minute.
    #[error("aggregate count {count} > {limit}")]
    AggregateCount {
        /// Count including this message.
        count: u64,
        /// Scaled limit.
        limit: u64,
    },
    /// Too many aggregate-counted payload bytes in this minute.
    #[error("aggregate size {size} > {limit}")]
    AggregateSize {
        /// Bytes including this message.
        size: u64,
        /// Scaled limit.
        limit: u64,
    },
    /// Too many messages of this type in this minute.
    #[error("type {msg_type} count {count} > {limit}")]
    Count {
        /// Message type.
        msg_type: u8,
        /// Count including this message.
        count: u64,
        /// Scaled limit.
        limit: u64,
    },
    /// This message's payload is too large.
    #[error("type {msg_type} payload {size} > {limit}")]
    Size {
        /// Message type.
        msg_type: u8,
        /// Payload bytes.
        size: u64,
        /// Unscaled limit.
        limit: u64,
    },
    /// Too many payload bytes of this type in this minute.
    #[error("type {msg_type} cumulative size {size} > {limit}")]
    CumulativeSize {
        /// Message type.
        msg_type: u8,
        /// Bytes including this message.
        size: u64,
        /// Scaled limit.
        limit: u64,
    },
}

/// One direction's counters for one connection.
#[derive(Debug)]
pub struct RateLimiter {
    incoming: bool,
    percent: u64,
    window_start: Instant,
    counts: [u64; 256],
    sizes: [u64; 256],
    aggregate_count: u64,
    aggregate_size: u64,
}

/// chia's fixed window.
const WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

impl RateLimiter {
    /// A limiter for inbound (`incoming`: counters always grow) or outbound messages (counters grow
    /// only for messages that pass), at `percent` of chia's numbers.
    pub fn new(incoming: bool, percent: u32) -> Self {
        RateLimiter {
            incoming,
            percent: u64::from(percent),
            window_start: Instant::now(),
            counts: [0; 256],
            sizes: [0; 256],
            aggregate_count: 0,
            aggregate_size: 0,
        }
    }

    fn scaled(&self, value: u64) -> u64 {
        value.saturating_mul(self.percent) / 100
    }

    /// Counts one message of `msg_type` with a `payload_len`-byte payload and says whether it is
    /// within the limits, checking in chia's order: aggregate count, aggregate size, count, size,
    /// cumulative size.
    pub fn check(&mut self, msg_type: u8, payload_len: usize) -> Result<(), RateLimited> {
        let now = Instant::now();
        if now.duration_since(self.window_start) >= WINDOW {
            self.window_start = now;
            self.counts = [0; 256];
            self.sizes = [0; 256];
            self.aggregate_count = 0;
            self.aggregate_size = 0;
        }
        let size = payload_len as u64;
        let index = usize::from(msg_type);
        let count = self.counts.get(index).copied().unwrap_or(0) + 1;
        let total = self
            .sizes
            .get(index)
            .copied()
            .unwrap_or(0)
            .saturating_add(size);
        let mut aggregate_count = self.aggregate_count;
        let mut aggregate_size = self.aggregate_size;
        let verdict = self.verdict(
            msg_type,
            size,
            count,
            total,
            &mut aggregate_count,
            &mut aggregate_size,
        );
        if self.incoming || verdict.is_ok() {
            if let Some(slot) = self.counts.get_mut(index) {
                *slot = count;
            }
            if let Some(slot) = self.sizes.get_mut(index) {
                *slot = total;
            }
            self.aggregate_count = aggregate_count;
            self.aggregate_size = aggregate_size;
        }
        verdict
    }

    fn verdict(
        &self,
        msg_type: u8,
        size: u64,
        count: u64,
        total: u64,
        aggregate_count: &mut u64,
        aggregate_size: &mut u64,
    ) -> Result<(), RateLimited> {
        let Some(limit) = limit_for(msg_type) else {
            return Ok(());
        };
        match limit {
            Limit::Unlimited { max_size } if size > max_size => Err(RateLimited::Size {
                msg_type,
                size,
                limit: max_size,
            }),
            Limit::Unlimited { .. } => Ok(()),
            Limit::Window {
                aggregate,
                frequency,
                max_size,
                max_total_size,
            } => {
                if aggregate {
                    *aggregate_count += 1;
                    *aggregate_size = aggregate_size.saturating_add(size);
                    let limit = self.scaled(AGGREGATE_FREQUENCY);
                    if *aggregate_count > limit {
                        return Err(RateLimited::AggregateCount {
                            count: *aggregate_count,
                            limit,
                        });
                    }
                    let limit = self.scaled(AGGREGATE_MAX_TOTAL);
                    if *aggregate_size > limit {
                        return Err(RateLimited::AggregateSize {
                            size: *aggregate_size,
                            limit,
                        });
                    }
                }
                let limit = self.scaled(frequency);
                if count > limit {
                    return Err(RateLimited::Count {
                        msg_type,
                        count,
                        limit,
                    });
                }
                if size > max_size {
                    return Err(RateLimited::Size {
                        msg_type,
                        size,
                        limit: max_size,
                    });
                }
                let limit = self.scaled(max_total_size);
                if total > limit {
                    return Err(RateLimited::CumulativeSize {
                        msg_type,
                        size: total,
                        limit,
                    });
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_senders_match_chia() {
        assert!(TABLE.windows(2).all(|w| w[0].msg_type < w[1].msg_type));
        assert_eq!(TABLE.len(), 112);
        // harvester → farmer only
        assert!(allowed_sender(5, 2) && !allowed_sender(5, 3));
        // farmer → harvester only
        assert!(allowed_sender(66, 3) && !allowed_sender(66, 2));
        // from anyone
        assert!(allowed_sender(1, 1) && allowed_sender(255, 8));
        assert!(!is_known_type(200) && !allowed_sender(200, 3));
    }

    #[tokio::test(start_paused = true)]
    async fn outbound_thirty_percent_of_new_proof_of_space() {
        let mut limiter = RateLimiter::new(false, 30);
        for _ in 0..30 {
            assert_eq!(limiter.check(5, 100), Ok(()));
        }
        assert!(matches!(
            limiter.check(5, 100),
            Err(RateLimited::Count {
                count: 31,
                limit: 30,
                ..
            })
        ));
        // outbound: the refused message is not counted, so still refused, then the window resets
        assert!(limiter.check(5, 100).is_err());
        tokio::time::advance(WINDOW).await;
        assert_eq!(limiter.check(5, 100), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn size_is_not_scaled_and_inbound_counts_rejections() {
        let mut limiter = RateLimiter::new(true, 100);
        assert!(matches!(
            limiter.check(5, 2049),
            Err(RateLimited::Size { limit: 2048, .. })
        ));
        assert_eq!(limiter.check(5, 2048), Ok(()));
        for _ in 0..98 {
            assert_eq!(limiter.check(5, 1), Ok(()));
        }
        assert!(matches!(
            limiter.check(5, 1),
            Err(RateLimited::Count { count: 101, .. })
        ));
        // unlimited-by-chia types never fail
        assert_eq!(limiter.check(200, 1 << 20), Ok(()));
    }
}
