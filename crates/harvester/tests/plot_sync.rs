//! The plot sync sender against a scripted farmer and clock (harvester-farmer.md §8).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sickle_harvester::plot_sync::{
    HARVESTING_MODE_CPU, PlotSyncSender, RefreshSync, SyncMessage, SyncMessageType, SyncPayload,
    SyncResponse, SyncResponseError, SyncState, SyncedPlot,
};
use sickle_pos::keys::master_sk_from_seed;

const T0: u64 = 1_700_000_000;

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn plot(name: &str) -> SyncedPlot {
    let key = master_sk_from_seed(&[7; 32])
        .unwrap()
        .public_key()
        .to_bytes();
    SyncedPlot {
        filename: format!("/plots/{name}"),
        size: 18,
        plot_id: [name.len() as u8; 32],
        pool_public_key: Some(key),
        pool_contract_puzzle_hash: None,
        plot_public_key: key,
        file_size: 4_000_000,
        time_modified: T0,
        compression_level: Some(0),
    }
}

fn refresh(
    loaded_batches: Vec<Vec<SyncedPlot>>,
    removed: &[&str],
    state: SyncState,
) -> RefreshSync {
    RefreshSync {
        plot_file_count: loaded_batches.iter().map(Vec::len).sum::<usize>() as u32,
        loaded_batches,
        removed: removed.iter().map(PathBuf::from).collect(),
        duration: Duration::from_millis(2500),
        state,
    }
}

fn ok(message: &SyncMessage) -> SyncResponse {
    SyncResponse {
        identifier: message.identifier,
        message_type: i16::from(message.message_type.id()),
        error: None,
    }
}

/// Sends and acknowledges until the sync completes; returns what was sent.
fn run_to_completion(sender: &mut PlotSyncSender, now: u64) -> Vec<SyncMessage> {
    let mut sent = Vec::new();
    while let Some(message) = sender.poll_transmit(at(now)) {
        assert!(sender.handle_response(at(now), &ok(&message)));
        sent.push(message);
    }
    sent
}

fn kinds(sent: &[SyncMessage]) -> Vec<SyncMessageType> {
    sent.iter().map(|message| message.message_type).collect()
}

#[test]
fn first_sync_matches_what_chia_sends_for_two_plots() {
    let mut sender = PlotSyncSender::new(300, HARVESTING_MODE_CPU);
    sender.connect(at(T0), true);
    assert!(
        sender.poll_transmit(at(T0)).is_none(),
        "nothing before the first refresh"
    );
    let plots = vec![plot("a.plot"), plot("bb.plot")];
    let state = SyncState {
        loaded: plots.clone(),
        ..SyncState::default()
    };
    sender
        .queue_refresh(at(T0), refresh(vec![plots.clone()], &[], state))
        .unwrap();
    let sent = run_to_completion(&mut sender, T0 + 1);
    use SyncMessageType::*;
    assert_eq!(
        kinds(&sent),
        vec![
            Start,
            Loaded2,
            Removed,
            Invalid,
            KeysMissing,
            Duplicates,
            Done
        ]
    );
    for (index, message) in sent.iter().enumerate() {
        assert_eq!(message.identifier.sync_id, T0);
        assert_eq!(message.identifier.message_id, index as u64);
        assert_eq!(message.identifier.timestamp, T0 + 1);
    }
    assert_eq!(
        sent[0].payload,
        SyncPayload::Start {
            initial: true,
            last_sync_id: 0,
            plot_file_count: 2,
            harvesting_mode: 1
        }
    );
    assert_eq!(sent[1].payload, SyncPayload::Plots { plots, last: true });
    for message in &sent[2..6] {
        assert_eq!(
            message.payload,
            SyncPayload::Paths {
                paths: Vec::new(),
                last: true
            }
        );
    }
    assert_eq!(sent[6].payload, SyncPayload::Done { duration: 2 });
    assert!(!sender.is_active());
    assert_eq!(sender.last_sync_id(), T0);

    // The next refresh in the same second: not initial, last_sync_id set, sync id bumped.
    sender
        .queue_refresh(
            at(T0),
            refresh(vec![vec![]], &["/plots/a.plot"], SyncState::default()),
        )
        .unwrap();
    let sent = run_to_completion(&mut sender, T0 + 2);
    assert_eq!(sent[0].identifier.sync_id, T0 + 1);
    assert_eq!(
        sent[0].payload,
        SyncPayload::Start {
            initial: false,
            last_sync_id: T0,
            plot_file_count: 0,
            harvesting_mode: 1
        }
    );
    assert_eq!(
        sent[1].payload,
        SyncPayload::Plots {
            plots: vec![],
            last: true
        }
    );
    assert_eq!(
        sent[2].payload,
        SyncPayload::Paths {
            paths: vec!["/plots/a.plot".into()],
            last: true
        }
    );
}

#[test]
fn old_farmers_get_loaded_and_lists_are_chunked() {
    let mut sender = PlotSyncSender::new(2, HARVESTING_MODE_CPU);
    sender.connect(at(T0), false);
    let state = SyncState {
        loaded: vec![plot("a.plot"), plot("b.plot"), plot("c.plot")],
        invalid: (0..5)
            .map(|i| PathBuf::from(format!("/bad/{i}.plot")))
            .collect(),
        keys_missing: vec![PathBuf::from("/keys/x.plot")],
        duplicates: Vec::new(),
    };
    // Batches [a, b], [], [c]: the empty middle batch sends nothing, the last always sends.
    let batches = vec![
        vec![plot("a.plot"), plot("b.plot")],
        vec![],
        vec![plot("c.plot")],
    ];
    sender
        .queue_refresh(at(T0), refresh(batches, &[], state))
        .unwrap();
    let sent = run_to_completion(&mut sender, T0);
    use SyncMessageType::*;
    assert_eq!(
        kinds(&sent),
        vec![
            Start,
            Loaded,
            Loaded,
            Removed,
            Invalid,
            Invalid,
            Invalid,
            KeysMissing,
            Duplicates,
            Done
        ]
    );
    let finals: Vec<bool> = sent[4..7]
        .iter()
        .map(|message| match &message.payload {
            SyncPayload::Paths { last, paths } => {
                assert!(paths.len() <= 2);
                *last
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(finals, vec![false, false, true]);
    assert!(matches!(
        &sent[1].payload,
        SyncPayload::Plots { last: false, .. }
    ));
    assert!(matches!(
        &sent[2].payload,
        SyncPayload::Plots { last: true, .. }
    ));
}

#[test]
fn stop_and_wait_resends_the_same_message_after_twenty_seconds() {
    let mut sender = PlotSyncSender::new(300, HARVESTING_MODE_CPU);
    sender.connect(at(T0), true);
    sender
        .queue_refresh(
            at(T0),
            refresh(vec![vec![plot("a.plot")]], &[], SyncState::default()),
        )
        .unwrap();
    let first = sender.poll_transmit(at(T0)).unwrap();
    assert!(
        sender.poll_transmit(at(T0 + 1)).is_none(),
        "one message in flight"
    );
    assert_eq!(sender.poll_timeout(), Some(at(T0 + 10)));
    sender.handle_timeout(at(T0 + 9));
    assert!(sender.poll_transmit(at(T0 + 9)).is_none());
    sender.handle_timeout(at(T0 + 10));
    assert_eq!(sender.poll_timeout(), Some(at(T0 + 20)));
    assert!(sender.poll_transmit(at(T0 + 19)).is_none());
    let again = sender.poll_transmit(at(T0 + 20)).unwrap();
    assert_eq!(again.message_type, first.message_type);
    assert_eq!(again.identifier.sync_id, first.identifier.sync_id);
    assert_eq!(again.identifier.message_id, 0);
    assert_eq!(again.identifier.timestamp, T0 + 20);
    assert_eq!(again.payload, first.payload);

    // Responses that do not match are ignored: wrong id, wrong type, too old, unsolicited.
    let mut wrong_id = ok(&again);
    wrong_id.identifier.message_id = 1;
    assert!(!sender.handle_response(at(T0 + 20), &wrong_id));
    let mut wrong_type = ok(&again);
    wrong_type.message_type = 112;
    assert!(!sender.handle_response(at(T0 + 20), &wrong_type));
    assert!(!sender.handle_response(at(T0 + 31), &ok(&again)));
    assert!(sender.handle_response(at(T0 + 21), &ok(&again)));
    assert!(
        !sender.handle_response(at(T0 + 21), &ok(&again)),
        "already answered"
    );
    let next = sender.poll_transmit(at(T0 + 21)).unwrap();
    assert_eq!(next.identifier.message_id, 1);
}

fn error(expected: Option<(u64, u64)>) -> SyncResponseError {
    SyncResponseError {
        code: 2,
        message: "invalid identifier".into(),
        expected_identifier: expected.map(|(sync_id, message_id)| {
            sickle_harvester::plot_sync::SyncIdentifier {
                timestamp: T0,
                sync_id,
                message_id,
            }
        }),
    }
}

#[test]
fn errors_continue_finish_or_resync() {
    let mut sender = PlotSyncSender::new(300, HARVESTING_MODE_CPU);
    sender.connect(at(T0), true);
    let state = SyncState {
        loaded: vec![plot("a.plot")],
        ..SyncState::default()
    };
    sender
        .queue_refresh(at(T0), refresh(vec![vec![plot("a.plot")]], &[], state))
        .unwrap();
    for _ in 0..3 {
        let message = sender.poll_transmit(at(T0)).unwrap();
        assert!(sender.handle_response(at(T0), &ok(&message)));
    }
    // The farmer asks to continue from message 1.
    let message = sender.poll_transmit(at(T0)).unwrap();
    assert_eq!(message.identifier.message_id, 3);
    let mut response = ok(&message);
    response.error = Some(error(Some((T0, 1))));
    assert!(sender.handle_response(at(T0), &response));
    let resent = sender.poll_transmit(at(T0)).unwrap();
    assert_eq!(resent.identifier.message_id, 1);
    assert!(sender.handle_response(at(T0), &ok(&resent)));
    // Run on until done is in flight.
    let done = loop {
        let next = sender.poll_transmit(at(T0)).unwrap();
        if next.message_type == SyncMessageType::Done {
            break next;
        }
        assert!(sender.handle_response(at(T0), &ok(&next)));
    };
    let mut response = ok(&done);
    response.error = Some(error(Some((0, 0))));
    assert!(sender.handle_response(at(T0), &response));
    assert!(!sender.is_active());
    assert_eq!(sender.last_sync_id(), T0);

    // Anything else is unrecoverable: a full resync after a 10 s pause.
    sender
        .queue_refresh(
            at(T0 + 5),
            refresh(
                vec![vec![]],
                &[],
                SyncState {
                    loaded: vec![plot("a.plot")],
                    ..SyncState::default()
                },
            ),
        )
        .unwrap();
    let message = sender.poll_transmit(at(T0 + 5)).unwrap();
    let mut response = ok(&message);
    response.error = Some(error(None));
    assert!(sender.handle_response(at(T0 + 5), &response));
    assert!(sender.poll_transmit(at(T0 + 14)).is_none());
    let sent = run_to_completion(&mut sender, T0 + 15);
    assert_eq!(
        sent[0].payload,
        SyncPayload::Start {
            initial: true,
            last_sync_id: 0,
            plot_file_count: 1,
            harvesting_mode: 1
        }
    );
    assert_eq!(
        sent[1].payload,
        SyncPayload::Plots {
            plots: vec![plot("a.plot")],
            last: true
        }
    );
    assert_eq!(
        sent.last().unwrap().payload,
        SyncPayload::Done { duration: 0 }
    );
}

#[test]
fn reconnect_resyncs_everything_and_busy_refreshes_wait() {
    let mut sender = PlotSyncSender::new(1, HARVESTING_MODE_CPU);
    sender.connect(at(T0), true);
    let state = SyncState {
        loaded: vec![plot("a.plot"), plot("b.plot")],
        duplicates: vec![PathBuf::from("/other/a.plot")],
        ..SyncState::default()
    };
    let batches = vec![vec![plot("a.plot")], vec![plot("b.plot")]];
    sender
        .queue_refresh(at(T0), refresh(batches.clone(), &[], state.clone()))
        .unwrap();
    let busy = sender.queue_refresh(at(T0), refresh(batches, &[], state));
    assert!(busy.is_err());
    let _first = sender.poll_transmit(at(T0)).unwrap();

    // The farmer restarts mid-sync; on the next handshake everything is sent again.
    sender.disconnect();
    assert!(sender.poll_transmit(at(T0 + 1)).is_none());
    sender.connect(at(T0 + 30), true);
    let sent = run_to_completion(&mut sender, T0 + 30);
    use SyncMessageType::*;
    assert_eq!(
        kinds(&sent),
        vec![
            Start,
            Loaded2,
            Loaded2,
            Removed,
            Invalid,
            KeysMissing,
            Duplicates,
            Done
        ]
    );
    assert_eq!(sent[0].identifier.sync_id, T0 + 30);
    assert!(matches!(
        sent[0].payload,
        SyncPayload::Start {
            initial: true,
            last_sync_id: 0,
            plot_file_count: 2,
            ..
        }
    ));
    assert_eq!(
        sent[6].payload,
        SyncPayload::Paths {
            paths: vec!["/other/a.plot".into()],
            last: true
        }
    );
}
