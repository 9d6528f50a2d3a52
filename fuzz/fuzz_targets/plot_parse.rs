//! Fuzzes the plot reader: header parsing and lookups on a whole (tiny) file, park decoding, and the
//! FSE delta decoder. Any input must give a value or a typed error, never a panic.
//!
//! Input: byte 0 picks the mode, the rest is the data.
//! * mode 0: `data` is a plot file; open it and look up the challenge formed by its first 32 bytes.
//! * mode 1: `data[0]` = k (clamped to 18..=50), `data[1]` = table, `data[2..4]` = entry, rest = a park.
//! * mode 2: `data[0]` = distribution, rest = an FSE stream, decoded completely.
//! * mode 3: `data[0]` = distribution, `data[1]` = stream count, then per stream a 2-byte count
//!   goal, a 2-byte sum threshold and a 1-byte length, then the streams' bytes: lockstep
//!   decoding must agree with decoding each stream alone.
//! * mode 4: like mode 1 for 2–4 parks cut from the rest: the lockstep line points must equal
//!   each park's own.
//!
//! Without the fuzzer this builds as a binary that replays the files named on its command line.

#![cfg_attr(fuzzing, no_main)]

use sickle_pos::Plot;
use sickle_pos::fse::{DeltaTable, FseDecoder, LockstepGoal, sum_lockstep};
use sickle_pos::park::{ParkEntry, line_point_in_park, line_points_in_parks};

/// Mode 3: `sum_lockstep` and then one symbol at a time must give what one stream alone gives.
fn lockstep(data: &[u8]) {
    let [choice, n, rest @ ..] = data else { return };
    let table = DeltaTable::ALL[usize::from(choice % 6)];
    let n = 1 + usize::from(n % 6);
    let Some((heads, mut bytes)) = rest.split_at_checked(5 * n) else {
        return;
    };
    let mut streams = Vec::new();
    let mut goals = Vec::new();
    for head in heads.chunks_exact(5) {
        let count = usize::from(u16::from_be_bytes([head[0], head[1]]));
        let below = u64::from(u16::from_be_bytes([head[2], head[3]]));
        let (stream, tail) = bytes.split_at(usize::from(head[4]).min(bytes.len()));
        bytes = tail;
        let below = if below == 0xffff { u64::MAX } else { below };
        streams.push(stream);
        goals.push(LockstepGoal { count, below });
    }
    let mut decoders: Vec<FseDecoder<'_>> = Vec::new();
    let mut kept_goals = Vec::new();
    let mut kept_streams = Vec::new();
    for (stream, goal) in streams.iter().zip(&goals) {
        if let Ok(decoder) = FseDecoder::new(table, stream, 10_000) {
            decoders.push(decoder);
            kept_goals.push(*goal);
            kept_streams.push(*stream);
        }
    }
    let fast = {
        let mut refs: Vec<&mut FseDecoder<'_>> = decoders.iter_mut().collect();
        sum_lockstep(&mut refs, &kept_goals)
    };
    for (((decoder, goal), stream), (sum, done)) in decoders
        .into_iter()
        .zip(&kept_goals)
        .zip(&kept_streams)
        .zip(fast)
    {
        assert!(done <= goal.count, "decoded past the goal's count");
        assert!(
            goal.below == u64::MAX || sum < goal.below || done == 0,
            "passed the threshold"
        );
        let mut alone = FseDecoder::new(table, stream, 10_000).expect("opened once already");
        let (expected, got) = alone.sum_symbols(done).expect("the fast part cannot fail");
        assert_eq!(
            (sum, done),
            (expected, got),
            "lockstep and single decoding differ"
        );
        // Both decoders must now be at the same place.
        let rest = decoder.decode_all();
        let rest_alone = alone.decode_all();
        assert_eq!(rest, rest_alone, "the streams continue differently");
    }
}

/// Mode 4: line points of several parks decoded together equal each park's own.
fn parks(data: &[u8]) {
    let [k, table, count, rest @ ..] = data else {
        return;
    };
    let k = 18 + k % 33;
    let table = 1 + table % 6;
    let count = 2 + usize::from(count % 3);
    let Some((entries, bytes)) = rest.split_at_checked(2 * count) else {
        return;
    };
    let size = bytes.len() / count;
    let wanted: Vec<ParkEntry<'_>> = entries
        .chunks_exact(2)
        .enumerate()
        .map(|(i, e)| ParkEntry {
            park: &bytes[i * size..(i + 1) * size],
            park_index: i as u64,
            entry: u64::from(u16::from_be_bytes([e[0], e[1]]) % 2048),
        })
        .collect();
    let together = line_points_in_parks(&wanted, k, table);
    for (w, got) in wanted.iter().zip(together) {
        let alone = line_point_in_park(w.park, k, table, w.park_index, w.entry);
        assert_eq!(
            got.as_ref().ok(),
            alone.as_ref().ok(),
            "grouped and single line points differ"
        );
    }
}

fn run(input: &[u8]) {
    let Some((&mode, data)) = input.split_first() else {
        return;
    };
    match mode % 5 {
        0 => {
            if let Ok(plot) = Plot::open(data) {
                let mut challenge = [0u8; 32];
                for (dst, src) in challenge.iter_mut().zip(data) {
                    *dst = *src;
                }
                if let Ok(qualities) = plot.qualities_for_challenge(&challenge) {
                    for index in 0..=qualities.len() {
                        let _ = plot.full_proof(&challenge, index);
                    }
                }
            }
        }
        1 => {
            if let [k, table, e0, e1, park @ ..] = data {
                let k = 18 + k % 33;
                let table = 1 + table % 6;
                let entry = u64::from(u16::from_be_bytes([*e0, *e1]) % 2048);
                let _ = line_point_in_park(park, k, table, 0, entry);
            }
        }
        2 => {
            if let Some((&choice, stream)) = data.split_first() {
                let table = DeltaTable::ALL[usize::from(choice % 6)];
                if let Ok(decoder) = FseDecoder::new(table, stream, 10_000) {
                    let _ = decoder.decode_all();
                }
            }
        }
        3 => lockstep(data),
        _ => parks(data),
    }
}

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(not(fuzzing))]
fn main() {
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(data) => run(&data),
            Err(err) => eprintln!("{path}: {err}"),
        }
    }
}
