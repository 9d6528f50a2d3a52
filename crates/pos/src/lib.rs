//! Chia proof of space, v1: plot files, qualities and full proofs, the verifier, plot keys and the
//! consensus maths around them, byte-identical to chiapos 2.0.12 and chia-blockchain 2.7.5.
//!
//! Sans-IO: the prover reads through [`ReadAt`] (positional reads, implemented for `File` and byte
//! slices), so one handle serves concurrent lookups and tests or fuzzers pass plain bytes.
//!
//! Open a plot, look up the qualities for a signage point and check a full proof, as a harvester
//! and a farmer do (the values are those of harvester-farmer §12.4):
//!
//! ```
//! use sickle_pos::consensus::{passes_plot_filter, pos_challenge};
//! use sickle_pos::{Plot, validate_proof};
//!
//! // Any `ReadAt` works: a `File`, or bytes in memory.
//! let path = sickle_vectors::data_dir().join("plots/k18-solo.plot");
//! let plot = Plot::open(std::fs::File::open(path)?)?;
//! assert_eq!(plot.k(), 18);
//!
//! let mut challenge_hash = [0u8; 32];
//! hex::decode_to_slice(
//!     "4628b646302039fb72862185cd5b60cb2f19e4bef63c0c4a65e0511410845b5c",
//!     &mut challenge_hash,
//! )?;
//! let sp_hash = [0x22; 32];
//! assert!(passes_plot_filter(0, plot.plot_id(), &challenge_hash, &sp_hash));
//!
//! let challenge = pos_challenge(plot.plot_id(), &challenge_hash, &sp_hash);
//! let qualities = plot.qualities_for_challenge(&challenge)?;
//! for (index, quality) in qualities.iter().enumerate() {
//!     let proof = plot.full_proof(&challenge, index)?;
//!     // The verifier recomputes the quality string from the proof alone.
//!     assert_eq!(validate_proof(plot.plot_id(), plot.k(), &challenge, &proof), Some(*quality));
//! }
//! # assert!(!qualities.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! | module | what |
//! |---|---|
//! | [`plot`] | [`Plot`]: open a plot, `qualities_for_challenge`, `full_proof`; [`PlotLayout`]: the same lookups with no memo and no handle |
//! | [`header`] | the v1/v2 header and table pointers, bounds-checked |
//! | [`park`] | P1–P7 park layout, line points |
//! | [`fse`] | FSE/tANS delta decoding with chiapos' fixed tables |
//! | [`checkpoint`] | C1/C3: from a challenge to P7 positions (a superset of chiapos') |
//! | [`prover`] | full proofs: leaves reordered to proof order |
//! | [`quality`] | [`quality_string`], shared by prover and verifier |
//! | [`read_at`] | [`ReadAt`] and the [`CountingReader`] wrapper |
//! | [`error`] | [`PlotError`] |
//! | [`f1`], [`fx`] | the F functions (ChaCha8, BLAKE3) and matching |
//! | [`verifier`] | [`validate_proof`] |
//! | [`memo`], [`keys`] | plot memos, key paths, plot public keys and plot ids |
//! | [`consensus`] | plot filters, pos challenge, required iterations, constants |
//! | [`bits`] | MSB-first bit reading and writing |
//!
//! # Feature flags
//!
//! - `yaml`: [`consensus::yaml`], consensus constants from the `network_overrides` of a chia
//!   root's `config.yaml` (adds `serde_yaml`).

pub mod bits;
pub mod checkpoint;
pub mod consensus;
pub mod error;
pub mod f1;
pub mod fse;
pub mod fx;
pub mod header;
pub mod keys;
pub mod memo;
pub mod park;
pub mod plot;
pub mod prover;
pub mod quality;
pub mod read_at;
pub mod verifier;

pub use consensus::{ConsensusConstants, ConsensusError, PlotSize};
pub use error::PlotError;
pub use f1::F1Calculator;
pub use fse::FseError;
pub use fx::{FxCalculator, Metadata, matches};
pub use header::{HeaderVersion, PlotHeader};
pub use memo::{MemoError, PlotMemo, PoolTarget};
pub use plot::{Plot, PlotLayout, QualityQuery, qualities_for_challenges};
pub use quality::quality_string;
pub use read_at::{CountingReader, ReadAt};
pub use verifier::validate_proof;
