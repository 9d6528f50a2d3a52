//! The plot sync receiver driven by scripted harvesters: the sequence a real 2.7.5 harvester sends
//! (harvester-farmer §8.1), deltas, and every refusal of §8.4 with the error chia sends.

#![allow(clippy::unwrap_used)]

use sickle_farmer::{
    PlotSyncAnswer, PlotSyncBody, PlotSyncErrorCode, PlotSyncReceiver, SIM_NETWORK, SyncIdentifier,
    SyncedPlot, constants_for_network, duplicates_across,
};

fn receiver() -> PlotSyncReceiver {
    PlotSyncReceiver::new(constants_for_network(SIM_NETWORK, None).unwrap())
}

fn plot(name: &str, k: u8) -> SyncedPlot {
    SyncedPlot {
        filename: name.to_owned(),
        size: k,
        plot_id: sha(name),
        pool_public_key: Some([0xae; 48]),
        pool_contract_puzzle_hash: None,
        plot_public_key: [0x85; 48],
        file_size: 1_000_000 + u64::from(k),
        time_modified: 1_700_000_000,
        compression_level: Some(0),
        plot_index: 0,
        meta_group: 0,
    }
}

fn sha(text: &str) -> [u8; 32] {
    let mut id = [0u8; 32];
    for (i, b) in text.bytes().enumerate() {
        id[i % 32] ^= b.wrapping_add(i as u8);
    }
    id
}

fn paths(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// A scripted harvester: numbers its messages like chia's sender.
struct Sender {
    sync_id: u64,
    next: u64,
    now: u64,
}

impl Sender {
    fn new(sync_id: u64) -> Self {
        Self {
            sync_id,
            next: 0,
            now: 1_700_000_100,
        }
    }

    fn send(&mut self, receiver: &mut PlotSyncReceiver, body: PlotSyncBody) -> PlotSyncAnswer {
        let identifier = SyncIdentifier {
            timestamp: self.now,
            sync_id: self.sync_id,
            message_id: self.next,
        };
        let answer = receiver.handle(identifier, &body, self.now + 1);
        assert_eq!(answer.identifier, identifier, "identifier echoed unchanged");
        assert_eq!(answer.message_type, body.message_type());
        if answer.error.is_none() {
            self.next += 1;
        }
        answer
    }

    fn ok(&mut self, receiver: &mut PlotSyncReceiver, body: PlotSyncBody) {
        let answer = self.send(receiver, body);
        assert_eq!(answer.error, None);
    }

    /// The complete sequence chia sends for one refresh.
    fn full_sync(
        &mut self,
        receiver: &mut PlotSyncReceiver,
        initial: bool,
        last_sync_id: u64,
        loaded: Vec<SyncedPlot>,
        removed: &[&str],
        invalid: &[&str],
    ) {
        let count = u32::try_from(loaded.len()).unwrap();
        self.ok(
            receiver,
            PlotSyncBody::Start {
                initial,
                last_sync_id,
                plot_file_count: count,
                harvesting_mode: 1,
            },
        );
        self.ok(
            receiver,
            PlotSyncBody::Loaded {
                plots: loaded,
                last: true,
                v2: true,
            },
        );
        self.ok(
            receiver,
            PlotSyncBody::Removed {
                paths: paths(removed),
                last: true,
            },
        );
        self.ok(
            receiver,
            PlotSyncBody::Invalid {
                paths: paths(invalid),
                last: true,
            },
        );
        self.ok(
            receiver,
            PlotSyncBody::KeysMissing {
                paths: paths(&["/p/nokey.plot"]),
                last: true,
            },
        );
        self.ok(
            receiver,
            PlotSyncBody::Duplicates {
                paths: Vec::new(),
                last: true,
            },
        );
        self.ok(receiver, PlotSyncBody::Done { duration: 0 });
    }
}

#[test]
fn the_sequence_a_real_harvester_sends() {
    let mut receiver = receiver();
    let mut sender = Sender::new(1_700_000_050);
    sender.full_sync(
        &mut receiver,
        true,
        0,
        vec![plot("/p/a.plot", 18), plot("/p/b.plot", 18)],
        &[],
        &[],
    );
    assert_eq!(sender.next, 7, "message ids 0..=6");
    assert_eq!(receiver.plots().len(), 2);
    assert_eq!(receiver.keys_missing(), ["/p/nokey.plot"]);
    assert!(receiver.invalid().is_empty());
    assert_eq!(receiver.total_plot_size(), 2 * 1_000_018);
    // 0.78 · (2·18 + 1) · 2^17 = 3 782 737.92 per plot, summed then truncated.
    assert_eq!(receiver.total_effective_plot_size(), 7_565_475);
    assert_eq!(receiver.harvesting_mode(), Some(1));
    assert_eq!(receiver.last_sync().sync_id, 1_700_000_050);
    assert_eq!(receiver.last_sync().time_done, Some(1_700_000_101));
    assert_eq!(receiver.current_sync().sync_id, 0);
    assert!(!receiver.initial_sync());
}

#[test]
fn a_second_sync_applies_a_delta_only_on_done() {
    let mut receiver = receiver();
    let mut first = Sender::new(10);
    first.full_sync(
        &mut receiver,
        true,
        0,
        vec![plot("/p/a.plot", 18), plot("/p/b.plot", 18)],
        &[],
        &[],
    );
    let mut second = Sender::new(11);
    second.ok(
        &mut receiver,
        PlotSyncBody::Start {
            initial: false,
            last_sync_id: 10,
            plot_file_count: 2,
            harvesting_mode: 2,
        },
    );
    second.ok(
        &mut receiver,
        PlotSyncBody::Loaded {
            plots: vec![plot("/p/c.plot", 19)],
            last: true,
            v2: false,
        },
    );
    second.ok(
        &mut receiver,
        PlotSyncBody::Removed {
            paths: paths(&["/p/a.plot"]),
            last: true,
        },
    );
    second.ok(
        &mut receiver,
        PlotSyncBody::Invalid {
            paths: paths(&["/p/broken.plot"]),
            last: true,
        },
    );
    // Nothing visible changes before done.
    assert!(receiver.plots().contains_key("/p/a.plot"));
    assert!(receiver.invalid().is_empty());
    assert_eq!(receiver.current_sync().plots_processed, 2);
    second.ok(&mut receiver, PlotSyncBody::Done { duration: 3 });
    let mut names: Vec<&String> = receiver.plots().keys().collect();
    names.sort();
    assert_eq!(names, ["/p/b.plot", "/p/c.plot"]);
    assert_eq!(receiver.invalid(), ["/p/broken.plot"]);
    // The keys-missing list is replaced by the (absent) new one.
    assert!(receiver.keys_missing().is_empty());
    assert_eq!(receiver.harvesting_mode(), Some(2));
    assert_eq!(receiver.last_sync().sync_id, 11);
}

#[test]
fn wrong_message_id_gets_the_expected_identifier_and_resend_works() {
    let mut receiver = receiver();
    let mut sender = Sender::new(5);
    sender.ok(
        &mut receiver,
        PlotSyncBody::Start {
            initial: true,
            last_sync_id: 0,
            plot_file_count: 1,
            harvesting_mode: 1,
        },
    );
    // Skip ahead: message 2 while 1 is expected.
    sender.next = 2;
    let answer = sender.send(
        &mut receiver,
        PlotSyncBody::Removed {
            paths: Vec::new(),
            last: true,
        },
    );
    let error = answer.error.unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::InvalidIdentifier);
    assert_eq!(error.code.code(), 2);
    assert_eq!(
        error.expected_identifier,
        Some(SyncIdentifier {
            timestamp: sender.now,
            sync_id: 5,
            message_id: 1,
        })
    );
    assert!(error.message.starts_with("Invalid identifier: Actual"));
    // The harvester continues from the expected id.
    sender.next = 1;
    sender.ok(
        &mut receiver,
        PlotSyncBody::Loaded {
            plots: vec![plot("/p/a.plot", 18)],
            last: true,
            v2: true,
        },
    );
    assert_eq!(receiver.current_sync().next_message_id, 2);
}

#[test]
fn wrong_sync_id_mid_sync_is_refused() {
    let mut receiver = receiver();
    let mut sender = Sender::new(5);
    sender.ok(
        &mut receiver,
        PlotSyncBody::Start {
            initial: true,
            last_sync_id: 0,
            plot_file_count: 0,
            harvesting_mode: 1,
        },
    );
    let mut stranger = Sender::new(6);
    stranger.next = 1;
    let error = stranger
        .send(&mut receiver, PlotSyncBody::Done { duration: 0 })
        .error
        .unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::InvalidIdentifier);
    assert_eq!(error.expected_identifier.unwrap().sync_id, 5);
    assert_eq!(receiver.current_sync().sync_id, 5);
}

#[test]
fn last_sync_id_rules() {
    let mut receiver = receiver();
    let mut sender = Sender::new(7);
    let start = |last_sync_id| PlotSyncBody::Start {
        initial: false,
        last_sync_id,
        plot_file_count: 0,
        harvesting_mode: 1,
    };
    let error = sender.send(&mut receiver, start(3)).error.unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::InvalidLastSyncId);
    assert_eq!(error.code.code(), 3);
    assert_eq!(error.message, "Invalid last-sync-id: Actual 3, Expected 0");
    let mut zero = Sender::new(0);
    let error = zero.send(&mut receiver, start(0)).error.unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::SyncIdsMatch);
    assert_eq!(error.code.code(), 7);
}

#[test]
fn repeated_and_unknown_plots() {
    let mut receiver = receiver();
    let mut first = Sender::new(1);
    first.full_sync(
        &mut receiver,
        true,
        0,
        vec![plot("/p/a.plot", 18)],
        &[],
        &[],
    );
    let mut sender = Sender::new(2);
    sender.ok(
        &mut receiver,
        PlotSyncBody::Start {
            initial: false,
            last_sync_id: 1,
            plot_file_count: 1,
            harvesting_mode: 1,
        },
    );
    // A plot the farmer already has.
    let answer = sender.send(
        &mut receiver,
        PlotSyncBody::Loaded {
            plots: vec![plot("/p/new.plot", 18), plot("/p/a.plot", 18)],
            last: true,
            v2: true,
        },
    );
    let error = answer.error.unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::PlotAlreadyAvailable);
    assert_eq!(error.message, "loaded: Plot already available - /p/a.plot");
    // Like chia, the plot staged before the failing one stays staged: resending it fails too.
    let answer = sender.send(
        &mut receiver,
        PlotSyncBody::Loaded {
            plots: vec![plot("/p/new.plot", 18)],
            last: true,
            v2: true,
        },
    );
    assert_eq!(
        answer.error.unwrap().code,
        PlotSyncErrorCode::PlotAlreadyAvailable
    );
    sender.ok(
        &mut receiver,
        PlotSyncBody::Loaded {
            plots: Vec::new(),
            last: true,
            v2: true,
        },
    );
    // Removing an unknown plot, or the same one twice.
    let error = sender
        .send(
            &mut receiver,
            PlotSyncBody::Removed {
                paths: paths(&["/p/ghost.plot"]),
                last: true,
            },
        )
        .error
        .unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::PlotNotAvailable);
    assert_eq!(error.code.code(), 6);
    let error = sender
        .send(
            &mut receiver,
            PlotSyncBody::Removed {
                paths: paths(&["/p/a.plot", "/p/a.plot"]),
                last: true,
            },
        )
        .error
        .unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::PlotNotAvailable);
    // A path repeated within a list.
    let error = sender
        .send(
            &mut receiver,
            PlotSyncBody::Duplicates {
                paths: paths(&["/x", "/x"]),
                last: true,
            },
        )
        .error
        .unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::PlotAlreadyAvailable);
    assert_eq!(error.message, "duplicates: Plot already available - /x");
}

#[test]
fn bad_harvesting_mode_and_kinds_out_of_order() {
    let mut receiver = receiver();
    let mut sender = Sender::new(9);
    let start = |mode| PlotSyncBody::Start {
        initial: true,
        last_sync_id: 0,
        plot_file_count: 0,
        harvesting_mode: mode,
    };
    let error = sender.send(&mut receiver, start(3)).error.unwrap();
    assert_eq!(error.code, PlotSyncErrorCode::Unknown);
    assert_eq!(error.code.code(), -1);
    // chia has already taken the sync id; the message id is still 0.
    assert_eq!(receiver.current_sync().sync_id, 9);
    assert_eq!(receiver.current_sync().next_message_id, 0);
    sender.ok(&mut receiver, start(1));
    // Only ids are checked: done straight after start completes an empty sync.
    sender.ok(&mut receiver, PlotSyncBody::Done { duration: 0 });
    assert_eq!(receiver.last_sync().sync_id, 9);
    assert!(receiver.plots().is_empty());
}

#[test]
fn initial_start_mid_sync_resets_everything() {
    let mut receiver = receiver();
    let mut first = Sender::new(1);
    first.full_sync(
        &mut receiver,
        true,
        0,
        vec![plot("/p/a.plot", 18)],
        &[],
        &[],
    );
    let mut half = Sender::new(2);
    half.ok(
        &mut receiver,
        PlotSyncBody::Start {
            initial: false,
            last_sync_id: 1,
            plot_file_count: 1,
            harvesting_mode: 1,
        },
    );
    // The harvester restarts: initial = true, last_sync_id = 0, message id 0.
    let mut restart = Sender::new(3);
    restart.full_sync(
        &mut receiver,
        true,
        0,
        vec![plot("/p/z.plot", 18)],
        &[],
        &[],
    );
    let names: Vec<&String> = receiver.plots().keys().collect();
    assert_eq!(names, ["/p/z.plot"]);
    assert_eq!(receiver.last_sync().sync_id, 3);
}

#[test]
fn duplicates_across_harvesters() {
    let mut one = receiver();
    let mut two = receiver();
    Sender::new(1).full_sync(
        &mut one,
        true,
        0,
        vec![plot("/p/a.plot", 18), plot("/p/b.plot", 18)],
        &[],
        &[],
    );
    Sender::new(1).full_sync(&mut two, true, 0, vec![plot("/p/a.plot", 18)], &[], &[]);
    let (id_one, id_two) = ([1u8; 32], [2u8; 32]);
    let shared = duplicates_across([(&id_one, &one), (&id_two, &two)]);
    assert_eq!(shared.len(), 1);
    let holders = &shared[&sha("/p/a.plot")];
    assert_eq!(holders.len(), 2);
    assert!(holders.contains(&id_one) && holders.contains(&id_two));
}
