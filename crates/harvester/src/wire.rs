//! Conversions between the harvester's own values and `sickle-protocol`'s wire types, so the
//! sans-IO core stays independent of the message layer and the service only calls these.

use chia_bls::PublicKey;
use sickle_protocol::{
    FarmingInfo, NewProofOfSpace, NewSignagePointHarvester2, Plot, Plot2, PlotSyncDone,
    PlotSyncIdentifier, PlotSyncPathList, PlotSyncPlotList, PlotSyncPlotList2, PlotSyncResponse,
    PlotSyncStart, ProofOfSpace, RequestSignatures, RespondPlots, RespondPlots2, RespondSignatures,
};
use sickle_streamable::Streamable;

use crate::plot_sync::{
    SyncIdentifier, SyncMessage, SyncMessageType, SyncPayload, SyncResponse, SyncResponseError,
    SyncState, SyncedPlot,
};
use crate::signage::{FoundProof, LookupSummary, PoolDifficulty, SignagePoint};
use crate::signing::SignedMessages;

/// The lookup view of a `new_signage_point_harvester` message.
pub fn signage_point(message: &NewSignagePointHarvester2) -> SignagePoint {
    SignagePoint {
        challenge_hash: message.challenge_hash.into(),
        sp_hash: message.sp_hash.into(),
        difficulty: message.difficulty,
        sub_slot_iters: message.sub_slot_iters,
        signage_point_index: message.signage_point_index,
        peak_height: message.peak_height,
        last_tx_height: message.last_tx_height,
        pool_difficulties: message
            .pool_difficulties
            .iter()
            .map(|pool| PoolDifficulty {
                difficulty: pool.difficulty,
                sub_slot_iters: pool.sub_slot_iters,
                pool_contract_puzzle_hash: pool.pool_contract_puzzle_hash.into(),
            })
            .collect(),
    }
}

/// `new_proof_of_space` for one found proof (§6.7: no CHIP-22 fields).
pub fn new_proof_of_space(sp: &SignagePoint, found: FoundProof) -> NewProofOfSpace {
    NewProofOfSpace {
        challenge_hash: sp.challenge_hash.into(),
        sp_hash: sp.sp_hash.into(),
        plot_identifier: found.plot_identifier,
        proof: ProofOfSpace::v1(
            found.pos_challenge.into(),
            found.pool_public_key,
            found.pool_contract_puzzle_hash.map(Into::into),
            found.plot_public_key,
            found.size,
            found.proof,
        ),
        signage_point_index: sp.signage_point_index,
        include_source_signature_data: false,
        farmer_reward_address_override: None,
        fee_info: None,
    }
}

/// `farming_info` after all lookups of a signage point; `timestamp` in unix seconds.
pub fn farming_info(sp: &SignagePoint, summary: &LookupSummary, timestamp: u64) -> FarmingInfo {
    FarmingInfo {
        challenge_hash: sp.challenge_hash.into(),
        sp_hash: sp.sp_hash.into(),
        timestamp,
        passed: summary.passed,
        proofs: summary.proofs,
        total_plots: summary.total_plots,
        lookup_time: u64::try_from(summary.elapsed.as_micros()).unwrap_or(u64::MAX),
    }
}

/// The 32-byte messages of a `request_signatures`.
pub fn messages_to_sign(request: &RequestSignatures) -> Vec<[u8; 32]> {
    request
        .messages
        .iter()
        .map(|message| (*message).into())
        .collect()
}

/// `respond_signatures` echoing `request`.
pub fn respond_signatures(
    request: &RequestSignatures,
    signed: SignedMessages,
) -> RespondSignatures {
    RespondSignatures {
        plot_identifier: request.plot_identifier.clone(),
        challenge_hash: request.challenge_hash,
        sp_hash: request.sp_hash,
        local_pk: signed.local_pk,
        farmer_pk: signed.farmer_pk,
        message_signatures: signed
            .message_signatures
            .into_iter()
            .map(|(message, signature)| (message.into(), signature))
            .collect(),
        include_source_signature_data: false,
        farmer_reward_address_override: None,
    }
}

fn identifier(id: SyncIdentifier) -> PlotSyncIdentifier {
    PlotSyncIdentifier {
        timestamp: id.timestamp,
        sync_id: id.sync_id,
        message_id: id.message_id,
    }
}

/// The wire entry of a synced plot; `None` (logged) when a stored key does not decompress,
/// which only a tampered plot cache can cause.
fn plot(entry: SyncedPlot) -> Option<Plot> {
    let keys = entry
        .pool_public_key
        .as_ref()
        .map(PublicKey::from_bytes_unchecked)
        .transpose()
        .and_then(|pool| {
            Ok((
                pool,
                PublicKey::from_bytes_unchecked(&entry.plot_public_key)?,
            ))
        });
    let (pool_public_key, plot_public_key) = match keys {
        Ok(keys) => keys,
        Err(error) => {
            tracing::error!(plot = %entry.filename, %error, "plot has an invalid stored key; left out of the plot list");
            return None;
        }
    };
    Some(Plot {
        filename: entry.filename,
        size: entry.size,
        plot_id: entry.plot_id.into(),
        pool_public_key,
        pool_contract_puzzle_hash: entry.pool_contract_puzzle_hash.map(Into::into),
        plot_public_key,
        file_size: entry.file_size,
        time_modified: entry.time_modified,
        compression_level: entry.compression_level,
    })
}

/// The message type id and payload bytes of a plot sync message.
pub fn sync_message_bytes(message: SyncMessage) -> (u8, Vec<u8>) {
    let id = identifier(message.identifier);
    let kind = message.message_type;
    let bytes = match message.payload {
        SyncPayload::Start {
            initial,
            last_sync_id,
            plot_file_count,
            harvesting_mode,
        } => PlotSyncStart {
            identifier: id,
            initial,
            last_sync_id,
            plot_file_count,
            harvesting_mode,
        }
        .to_bytes(),
        SyncPayload::Plots { plots, last } if kind == SyncMessageType::Loaded => PlotSyncPlotList {
            identifier: id,
            data: plots.into_iter().filter_map(plot).collect(),
            r#final: last,
        }
        .to_bytes(),
        SyncPayload::Plots { plots, last } => PlotSyncPlotList2 {
            identifier: id,
            data: plots
                .into_iter()
                .filter_map(plot)
                .map(Plot2::from)
                .collect(),
            r#final: last,
        }
        .to_bytes(),
        SyncPayload::Paths { paths, last } => PlotSyncPathList {
            identifier: id,
            data: paths,
            r#final: last,
        }
        .to_bytes(),
        SyncPayload::Done { duration } => PlotSyncDone {
            identifier: id,
            duration,
        }
        .to_bytes(),
    };
    (kind.id(), bytes)
}

/// The sender's view of a `plot_sync_response`.
pub fn sync_response(response: &PlotSyncResponse) -> SyncResponse {
    let back = |id: &PlotSyncIdentifier| SyncIdentifier {
        timestamp: id.timestamp,
        sync_id: id.sync_id,
        message_id: id.message_id,
    };
    SyncResponse {
        identifier: back(&response.identifier),
        message_type: response.message_type,
        error: response.error.as_ref().map(|error| SyncResponseError {
            code: error.code,
            message: error.message.clone(),
            expected_identifier: error.expected_identifier.as_ref().map(back),
        }),
    }
}

/// The reply to `request_plots`: `respond_plots2` (type 103) for farmers that take the new plot
/// serialization, else `respond_plots` (68); type id and payload bytes.
pub fn respond_plots(state: &SyncState, new_serialization: bool) -> (u8, Vec<u8>) {
    let paths = |list: &[std::path::PathBuf]| -> Vec<String> {
        list.iter().map(|path| path.display().to_string()).collect()
    };
    let plots = state.loaded.iter().cloned().filter_map(plot);
    if new_serialization {
        let reply = RespondPlots2 {
            plots: plots.map(Plot2::from).collect(),
            failed_to_open_filenames: paths(&state.invalid),
            no_key_filenames: paths(&state.keys_missing),
        };
        (
            sickle_protocol::ProtocolMessageTypes::RespondPlots2 as u8,
            reply.to_bytes(),
        )
    } else {
        let reply = RespondPlots {
            plots: plots.collect(),
            failed_to_open_filenames: paths(&state.invalid),
            no_key_filenames: paths(&state.keys_missing),
        };
        (
            sickle_protocol::ProtocolMessageTypes::RespondPlots as u8,
            reply.to_bytes(),
        )
    }
}
