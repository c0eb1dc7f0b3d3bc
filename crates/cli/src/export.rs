//! `slipway export cloudformation`: the project's service as a CloudFormation template, made
//! offline from slipway.toml alone.

use crate::local::{emit, resolve_dir};
use crate::output;
use crate::Outcome;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_engine::project::load_spec;
use std::path::Path;

/// Writes the template to `output` (atomically) or prints it.
pub fn cloudformation(
    json: bool,
    dir: &Path,
    image: Option<String>,
    output_file: Option<&Path>,
) -> Outcome {
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let spec = match load_spec(&dir) {
        Ok(s) => s,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let template = match slipway_core::export::cloudformation(&spec, image.as_deref()) {
        Ok(t) => t,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    if image.is_none() {
        // Staying offline, the CLI does not look up the newest image in ECR.
        eprintln!(
            "note: no --image given, so the template's Image parameter has no default; give it when you deploy: --parameter-overrides Image=<repository URI>:<tag> (`slipway images` lists the tags)"
        );
    }
    let text = slipway_core::export::to_json(&template);
    let Some(file) = output_file else {
        print!("{text}");
        return Outcome::Success;
    };
    if let Err(e) = slipway_core::atomic::write_atomic(file, text.as_bytes()) {
        let body = ErrorBody::new(
            ErrorCode::PathNotFound,
            format!("Cannot write {}: {e}", file.display()),
            "Write the template into an existing folder you can write to, or leave out --output to print it.",
        );
        return output::error(json, &body, Outcome::Failed);
    }
    let resources = template["Resources"].as_object().map_or(0, |r| r.len());
    if json {
        emit(&serde_json::json!({
            "written": file.display().to_string(),
            "resources": resources,
        }));
    } else {
        println!(
            "Wrote {} ({resources} resources). Deploy it with:\n  aws cloudformation deploy --template-file {} --stack-name {} --capabilities CAPABILITY_IAM",
            file.display(),
            file.display(),
            spec.app.name
        );
    }
    Outcome::Success
}
