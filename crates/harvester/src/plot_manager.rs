//! Plot manager (filled in below).
