//! The engine's pure half: the resources a spec wants (as a dependency graph), the plan that
//! turns what exists into what is wanted, and what it costs. Nothing here talks to AWS; the
//! aws crate observes and changes resources, the engine crate walks the plan.

pub mod diff;
pub mod pipeline;
pub mod resource;
pub mod service;

pub use diff::{plan, Action, FieldChange, Plan, PlanStep};
pub use resource::{Desired, Observed, Outputs, ResourceKind, PROJECT_TAG};
