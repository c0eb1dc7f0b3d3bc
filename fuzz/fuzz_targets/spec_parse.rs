//! Any text as slipway.toml: parsed and validated, and when valid, planned into resources.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(spec) = slipway_core::spec::ProjectSpec::parse(text) {
            let _ = slipway_core::buildspec::generate(&spec);
            let _ = slipway_core::plan::service::service_resources(
                &spec,
                &slipway_core::plan::service::ServiceContext {
                    region: "us-east-1".into(),
                    image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1".into(),
                },
            );
        }
    }
});
