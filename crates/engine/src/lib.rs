//! Operations composed from the adapters (docker, aws) that both faces of Slipway run: the
//! desktop app's commands and the `slipway` CLI call these, never the adapters piecemeal.

pub mod apply;
pub mod deploy;
pub mod doctor;
pub mod experiments;
pub mod labs;
pub mod local;
pub mod monitor;
pub mod pipeline;
pub mod practice;
pub mod project;
pub mod push;
pub mod rollout;

/// The image the practice script imports (no registry can be reached to pull one).
pub const PRACTICE_BASE_IMAGE: &str = "slipway/base:practice";
