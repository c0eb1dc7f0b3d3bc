//! The practice stack's servers (the AWS emulator, the registry) listen on 127.0.0.1 only:
//! read from the kernel's socket table, not from their configuration.

use slipway_core::connection::PracticeStack;

/// Listening TCP sockets from /proc/net/tcp and tcp6: (address, port).
fn listeners() -> Vec<(String, u16)> {
    let mut out = Vec::new();
    for (file, v6) in [("/proc/net/tcp", false), ("/proc/net/tcp6", true)] {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // sl local_address rem_address st ...; st 0A is LISTEN.
            if cols.len() < 4 || cols[3] != "0A" {
                continue;
            }
            let Some((addr, port)) = cols[1].split_once(':') else {
                continue;
            };
            let port = u16::from_str_radix(port, 16).unwrap_or(0);
            let addr = if v6 {
                if addr == "00000000000000000000000000000000" {
                    "::".to_string()
                } else if addr == "00000000000000000000000001000000" {
                    "::1".to_string()
                } else {
                    format!("v6:{addr}")
                }
            } else {
                let n = u32::from_str_radix(addr, 16).unwrap_or(0);
                // The kernel prints the address in host byte order (little-endian here).
                std::net::Ipv4Addr::from(n.swap_bytes()).to_string()
            };
            out.push((addr, port));
        }
    }
    out
}

#[test]
fn the_practice_servers_listen_on_loopback_only() {
    let stack = PracticeStack::from_env();
    let port_of = |url: &str| -> u16 {
        url.trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("a port in {url}"))
    };
    let ports = [
        ("the AWS emulator", port_of(&stack.aws_endpoint)),
        ("the registry", port_of(&stack.registry)),
    ];
    let all = listeners();
    for (what, port) in ports {
        let on: Vec<&String> = all
            .iter()
            .filter(|(_, p)| *p == port)
            .map(|(a, _)| a)
            .collect();
        assert!(
            !on.is_empty(),
            "{what} does not listen on {port}: start the practice stack (scripts/practice start)"
        );
        for a in &on {
            assert!(
                *a == "127.0.0.1" || *a == "::1",
                "{what} listens on {a}:{port}, reachable from other machines"
            );
        }
        println!("{what}: port {port} on {on:?}");
    }
}

#[test]
fn the_socket_table_is_read_right() {
    // A listener of our own on 127.0.0.1 appears with its port and address.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    assert!(listeners().contains(&("127.0.0.1".to_string(), port)));
}
