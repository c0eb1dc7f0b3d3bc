//! Fargate's task sizes: the CPU and memory pairs it accepts, and the platforms it runs.

/// Valid memory sizes (MiB) for a CPU size (units, 1024 = 1 vCPU), per AWS's Fargate table.
pub fn memory_options(cpu: u32) -> Vec<u32> {
    let gib = |from: u32, to: u32, step: u32| {
        (from..=to)
            .step_by(step as usize)
            .map(|g| g * 1024)
            .collect::<Vec<_>>()
    };
    match cpu {
        256 => vec![512, 1024, 2048],
        512 => gib(1, 4, 1),
        1024 => gib(2, 8, 1),
        2048 => gib(4, 16, 1),
        4096 => gib(8, 30, 1),
        8192 => gib(16, 60, 4),
        16384 => gib(32, 120, 8),
        _ => Vec::new(),
    }
}

/// The CPU sizes Fargate accepts.
pub const CPU_OPTIONS: &[u32] = &[256, 512, 1024, 2048, 4096, 8192, 16384];

/// Checks a CPU/memory pair; the error lists what is valid.
pub fn check_size(cpu: u32, memory: u32) -> Result<(), String> {
    let options = memory_options(cpu);
    if options.is_empty() {
        return Err(format!(
            "{cpu} is not a Fargate CPU size; use one of {} (1024 = 1 vCPU)",
            CPU_OPTIONS
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !options.contains(&memory) {
        let shown = if options.len() > 6 {
            format!(
                "{} to {} MiB in steps of {}",
                options[0],
                options[options.len() - 1],
                options[1] - options[0]
            )
        } else {
            options
                .iter()
                .map(|m| format!("{m}"))
                .collect::<Vec<_>>()
                .join(", ")
                + " MiB"
        };
        return Err(format!(
            "{memory} MiB does not go with {cpu} CPU units; with {cpu} use {shown}"
        ));
    }
    Ok(())
}

/// The CPU architecture Fargate's runtime platform names for an image platform.
pub fn cpu_architecture(platform: &str) -> &'static str {
    if platform.ends_with("arm64") || platform.contains("arm64/") {
        "ARM64"
    } else {
        "X86_64"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_fargates() {
        assert!(check_size(256, 512).is_ok());
        assert!(check_size(256, 2048).is_ok());
        assert!(check_size(512, 4096).is_ok());
        assert!(check_size(4096, 30720).is_ok());
        assert!(check_size(8192, 61440).is_ok());
        assert!(check_size(16384, 122880).is_ok());
        let e = check_size(256, 4096).unwrap_err();
        assert!(e.contains("512, 1024, 2048 MiB"), "{e}");
        let e = check_size(1024, 1024).unwrap_err();
        assert!(e.contains("2048 to 8192 MiB in steps of 1024"), "{e}");
        let e = check_size(300, 512).unwrap_err();
        assert!(e.contains("256, 512, 1024"), "{e}");
        assert!(check_size(8192, 20480).is_ok());
        assert!(check_size(8192, 18432).is_err(), "8 vCPU steps by 4 GiB");
    }

    #[test]
    fn platforms_map_to_runtime_architectures() {
        assert_eq!(cpu_architecture("linux/arm64"), "ARM64");
        assert_eq!(cpu_architecture("linux/amd64"), "X86_64");
    }
}
