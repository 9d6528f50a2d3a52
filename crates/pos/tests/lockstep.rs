//! Lockstep FSE decoding (`sum_lockstep`) gives exactly what decoding each stream alone gives, on
//! arbitrary streams of every distribution: random bytes decode to every symbol a table has,
//! the rare large ones included.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the assertion

use proptest::prelude::*;
use sickle_pos::fse::{DeltaTable, FseDecoder, LockstepGoal, sum_lockstep};

/// One stream: its bytes (last byte nonzero: an end marker), and how far to decode it.
fn stream() -> impl Strategy<Value = (Vec<u8>, usize, Option<u16>)> {
    (
        proptest::collection::vec(any::<u8>(), 1..400),
        1u8..=255,
        0usize..2200,
        proptest::option::of(any::<u16>()),
    )
        .prop_map(|(mut bytes, last, count, below)| {
            bytes.push(last);
            (bytes, count, below)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn lockstep_sums_equal_single_stream_sums(
        table in 0usize..6,
        streams in proptest::collection::vec(stream(), 1..=6),
    ) {
        let table = DeltaTable::ALL[table];
        let goals: Vec<LockstepGoal> = streams
            .iter()
            .map(|(_, count, below)| LockstepGoal {
                count: *count,
                below: below.map_or(u64::MAX, u64::from),
            })
            .collect();
        let mut decoders: Vec<FseDecoder<'_>> = streams
            .iter()
            .map(|(bytes, _, _)| FseDecoder::new(table, bytes, 10_000).unwrap())
            .collect();
        let fast = {
            let mut refs: Vec<&mut FseDecoder<'_>> = decoders.iter_mut().collect();
            sum_lockstep(&mut refs, &goals)
        };
        for (((decoder, goal), (bytes, _, _)), (sum, done)) in
            decoders.into_iter().zip(&goals).zip(&streams).zip(fast)
        {
            prop_assert!(done <= goal.count);
            prop_assert!(goal.below == u64::MAX || done == 0 || sum < goal.below);
            let mut alone = FseDecoder::new(table, bytes, 10_000).unwrap();
            prop_assert_eq!(alone.sum_symbols(done).unwrap(), (sum, done));
            // Both continue from the same place.
            prop_assert_eq!(decoder.decode_all(), alone.decode_all());
        }
    }
}
