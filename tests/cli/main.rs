//! Integration tests: the real binary against a real Verdaccio, real npm, and an in-process
//! fake registry for what Verdaccio cannot do. One test binary, so one Verdaccio.

mod config;
mod fake;
mod network;
mod support;
mod verdaccio;
