//! placeholder: the pos helpers replace this map.

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
pub use plot::Plot;
pub use quality::quality_string;
pub use read_at::{CountingReader, ReadAt};
pub use verifier::validate_proof;
