//! The commands the UI invokes. Each is thin: parse, call the engine, map the error.
//! Every command's error is the one IPC shape, `ErrorBody { code, message, hint }`.

pub mod app;
pub mod build;
pub mod connection;
pub mod dockerfile;
pub mod doctor;
pub mod labs;
pub mod monitor;
pub mod pipeline;
pub mod projects;
pub mod registry;
pub mod service;
