//! Where `serve` listens and how the user reaches it: the first free port from
//! the one asked for, the URL to print, and `--open`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, ToSocketAddrs};
use std::process::{Command, Stdio};

/// How many ports past the one asked for are tried before giving up.
const PORT_TRIES: u16 = 100;

/// Bind `host` on `port`, or on the next free port after it (saying so). Port 0
/// lets the system choose. Warns when the address is not a loopback one: the
/// packs are then readable from other machines.
pub fn bind(host: &str, port: u16) -> Result<(TcpListener, SocketAddr), String> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    for p in port..=last {
        let addr = (host, p)
            .to_socket_addrs()
            .map_err(|e| format!("cannot serve on `{host}`: {e}"))?
            .next()
            .ok_or_else(|| format!("cannot serve on `{host}`: it has no address"))?;
        match TcpListener::bind(addr) {
            Ok(listener) => {
                let bound = listener
                    .local_addr()
                    .map_err(|e| format!("cannot serve on {addr}: {e}"))?;
                if p != port {
                    crate::terminal::note(&format!("port {port} is taken; using port {p} instead"));
                }
                if !bound.ip().is_loopback() {
                    crate::terminal::warning(&format!(
                        "serving on {bound}, not on this machine alone: anyone who can reach it can read your prep packs and letters"
                    ));
                }
                return Ok((listener, bound));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(format!("cannot serve on {addr}: {e}")),
        }
    }
    Err(format!(
        "ports {port} to {last} on {host} are all taken; pass --port to choose another"
    ))
}

/// The URL to open: an address bound to every interface is reached through the
/// loopback one.
pub fn browser_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Open `url` in the user's browser. Failing to is a warning: the URL was printed.
pub fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            let url = url.to_string();
            // Waited for on the side, so that it leaves no zombie and a
            // failure is still reported.
            std::thread::spawn(move || match child.wait() {
                Ok(status) if !status.success() => crate::terminal::warning(&format!(
                    "{program} could not open a browser ({status}); open {url} yourself"
                )),
                Err(e) => crate::terminal::warning(&format!("{program}: {e}; open {url} yourself")),
                Ok(_) => {}
            });
        }
        Err(e) => crate::terminal::warning(&format!(
            "cannot open a browser ({program}: {e}); open {url} yourself"
        )),
    }
}

/// Whether a `Host` header names this machine by a loopback name. A page on
/// another site can make the browser send requests to our port through a DNS
/// name it controls that resolves to 127.0.0.1 ("DNS rebinding"); such
/// requests carry that name, and are refused, so the packs cannot be read that way.
pub fn local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    }
    .trim_end_matches('.')
    .to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_moves_on_to_the_next_free_one() {
        let (taken, addr) = bind("127.0.0.1", 0).expect("bind");
        let (_next, next) = bind("127.0.0.1", addr.port()).expect("bind next");
        assert!(next.port() > addr.port(), "{addr} then {next}");
        drop(taken);
    }

    #[test]
    fn only_loopback_names_are_local() {
        for host in [
            "127.0.0.1:4000",
            "127.0.0.1",
            "localhost:4000",
            "LOCALHOST",
            "app.localhost:1",
            "[::1]:4000",
            "127.0.0.2:4000",
            "localhost.:4000",
        ] {
            assert!(local_host(host), "{host}");
        }
        for host in [
            "evil.example:4000",
            "127.0.0.1.evil.example",
            "localhost.evil.example:4000",
            "192.168.1.2:4000",
            "[::2]:4000",
            "",
        ] {
            assert!(!local_host(host), "{host}");
        }
    }

    #[test]
    fn urls_use_loopback_for_every_interface_and_brackets_for_v6() {
        let v4: SocketAddr = "0.0.0.0:4000".parse().expect("addr");
        assert_eq!(browser_url(v4), "http://127.0.0.1:4000/");
        let v6: SocketAddr = "[::]:4001".parse().expect("addr");
        assert_eq!(browser_url(v6), "http://[::1]:4001/");
        let lan: SocketAddr = "192.168.1.20:4000".parse().expect("addr");
        assert_eq!(browser_url(lan), "http://192.168.1.20:4000/");
    }
}
