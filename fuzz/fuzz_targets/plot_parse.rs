//! Fuzzes the plot reader: header parsing and lookups on a whole (tiny) file, park decoding, and the
//! FSE delta decoder. Any input must give a value or a typed error, never a panic.
//!
//! Input: byte 0 picks the mode, the rest is the data.
//! * mode 0: `data` is a plot file; open it and look up the challenge formed by its first 32 bytes.
//! * mode 1: `data[0]` = k (clamped to 18..=50), `data[1]` = table, `data[2..4]` = entry, rest = a park.
//! * mode 2: `data[0]` = distribution, rest = an FSE stream, decoded completely.
//!
//! Without the fuzzer this builds as a binary that replays the files named on its command line.

#![cfg_attr(fuzzing, no_main)]

use sickle_pos::Plot;
use sickle_pos::fse::{DeltaTable, FseDecoder};
use sickle_pos::park::line_point_in_park;

fn run(input: &[u8]) {
    let Some((&mode, data)) = input.split_first() else {
        return;
    };
    match mode % 3 {
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
        _ => {
            if let Some((&choice, stream)) = data.split_first() {
                let table = [
                    DeltaTable::R4_7,
                    DeltaTable::R2_75,
                    DeltaTable::R2_7,
                    DeltaTable::R2_6,
                    DeltaTable::R2_45,
                    DeltaTable::R1_0,
                ][usize::from(choice % 6)];
                if let Ok(decoder) = FseDecoder::new(table, stream, 10_000) {
                    let _ = decoder.decode_all();
                }
            }
        }
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
