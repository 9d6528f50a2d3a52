"""chiapos' side of `cargo xtask bench-pos`, and the comparison table.

Usage: bench_pos.py PLOT CHALLENGES_FILE SICKLE_JSON [MAX_PROOFS]
  Times chiapos 2.0.12 (Python binding, parallel_read=False) on the same plot and challenges that
  Sickle's bench (SICKLE_JSON, from `cargo bench -p sickle-pos --bench prover`) used, counts chiapos'
  read calls and bytes on the plot file with strace, and prints both with ratios.
Internal: bench_pos.py --io-child PLOT CHALLENGES_FILE quality|proof|none COUNT (run under strace).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

from chiapos import DiskProver, Verifier


def load_challenges(path):
    with open(path) as f:
        return [bytes.fromhex(line.strip()) for line in f if line.strip()]


def found_proofs(prover, challenges, limit):
    found = []
    for c in challenges:
        for i in range(len(prover.get_qualities_for_challenge(c))):
            found.append((c, i))
    return found[:limit]


def io_child(plot, challenges_file, what, count):
    prover = DiskProver(plot)
    challenges = load_challenges(challenges_file)
    found = found_proofs(prover, challenges, count) if what == "proof" else []
    sys.stdout.flush()
    os.write(2, b"@@start\n")  # marker in the strace log: only reads after it are counted
    if what == "quality":
        for c in challenges[:count]:
            prover.get_qualities_for_challenge(c)
    elif what == "proof":
        for c, i in found:
            prover.get_full_proof(c, i, False)
    os.write(2, b"@@end\n")
    print(len(found) if what == "proof" else min(count, len(challenges)))


def strace_reads(plot, challenges_file, what, count):
    """(read calls, bytes) on the plot file per operation, from an strace log of a child run."""
    with tempfile.NamedTemporaryFile(suffix=".strace", delete=False) as log:
        log_path = log.name
    cmd = [
        "strace", "-f", "-qq", "-o", log_path, "-e", "trace=openat,read,pread64,close,write",
        sys.executable, __file__, "--io-child", plot, challenges_file, what, str(count),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split()
    ops = int(out[-1]) if out else 0
    plot_real = os.path.realpath(plot)
    fds, started, calls, nbytes = set(), False, 0, 0
    with open(log_path) as f:
        for line in f:
            if '"@@start\\n"' in line:
                started = True
                continue
            if '"@@end\\n"' in line:
                break
            m = re.search(r'openat\([^,]+, "([^"]+)".*\) = (\d+)', line)
            if m and os.path.realpath(m.group(1)) == plot_real:
                fds.add(int(m.group(2)))
                continue
            m = re.search(r"close\((\d+)\)", line)
            if m:
                fds.discard(int(m.group(1)))
                continue
            m = re.search(r"(pread64|read)\((\d+),.*\) = (\d+)", line)
            if m and started and int(m.group(2)) in fds:
                calls += 1
                nbytes += int(m.group(3))
    os.unlink(log_path)
    return (calls / max(ops, 1), nbytes / max(ops, 1))


def main():
    if sys.argv[1] == "--io-child":
        io_child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    plot, challenges_file, sickle_json = sys.argv[1:4]
    max_proofs = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    with open(sickle_json) as f:
        sickle = json.load(f)
    challenges = load_challenges(challenges_file)
    prover, verifier = DiskProver(plot), Verifier()
    with open(plot, "rb") as f:
        f.read()  # page cache, as Sickle's run

    def best(fn, rounds=3):
        # Best of `rounds` runs, as Sickle's bench does, so a busy machine distorts it less.
        times, result = [], None
        for _ in range(rounds):
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
        return min(times), result

    secs, hits = best(lambda: [len(prover.get_qualities_for_challenge(c)) for c in challenges])
    quality_us = secs * 1e6 / len(challenges)
    found = [(c, i) for c, h in zip(challenges, hits) for i in range(h)][:max_proofs]
    secs, proofs = best(lambda: [prover.get_full_proof(c, i, False) for c, i in found])
    proof_us = secs * 1e6 / max(len(found), 1)
    pid, k = prover.get_id(), prover.get_size()
    secs, ok = best(lambda: sum(
        1 for (c, _), p in zip(found, proofs) if verifier.validate_proof(pid, k, c, p) is not None
    ))
    verify_us = secs * 1e6 / max(len(found), 1)
    assert ok == len(found)
    n_io = min(200, len(challenges))
    q_reads, q_bytes = strace_reads(plot, challenges_file, "quality", n_io)
    p_reads, p_bytes = strace_reads(plot, challenges_file, "proof", min(100, max_proofs))
    chia = {
        "quality_us": quality_us, "proof_us": proof_us, "verify_us": verify_us,
        "quality_reads": q_reads, "quality_bytes": q_bytes,
        "proof_reads": p_reads, "proof_bytes": p_bytes,
    }
    print(f"plot {os.path.basename(plot)} k={sickle['k']}: {len(challenges)} challenges, "
          f"{sum(hits)} chiapos qualities / {sickle['qualities']} Sickle, {len(found)} proofs timed")
    print(f"{'measure':<28}{'chiapos':>14}{'sickle':>14}{'sickle/chiapos':>16}")
    rows = [
        ("quality lookup (us/call)", "quality_us"),
        ("full proof (us/proof)", "proof_us"),
        ("verify (us/proof)", "verify_us"),
        ("reads / quality lookup", "quality_reads"),
        ("bytes / quality lookup", "quality_bytes"),
        ("reads / full proof", "proof_reads"),
        ("bytes / full proof", "proof_bytes"),
    ]
    for label, key in rows:
        a, b = chia[key], sickle[key]
        ratio = f"{b / a:.3f}" if a else "-"
        print(f"{label:<28}{a:>14.1f}{b:>14.1f}{ratio:>16}")
    print("(time ratios < 1 mean Sickle is faster; chiapos' reads counted with strace on the plot fd)")


if __name__ == "__main__":
    main()
