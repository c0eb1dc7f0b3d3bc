//! Slipway's domain model: everything the desktop app, the CLI and the tests share that needs
//! neither Tauri nor an SDK. Adapters (docker, aws, store) translate their worlds into these types.

pub mod atomic;
pub mod awscli;
pub mod build;
pub mod buildspec;
pub mod connection;
pub mod cost;
pub mod diagnose;
pub mod dockerfile;
pub mod dockerignore;
pub mod doctor;
pub mod ecr;
pub mod error;
pub mod export;
pub mod fargate;
pub mod generate;
pub mod gitignore;
pub mod health;
pub mod journal;
pub mod labs;
pub mod lint;
pub mod metrics;
pub mod names;
pub mod plan;
pub mod project;
pub mod redact;
pub mod settings;
pub mod spec;
pub mod stack;
pub mod textdiff;
pub mod watch;

pub use error::{ErrorBody, ErrorCode};
