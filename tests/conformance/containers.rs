//! Database servers from testcontainers, for machines with a Docker engine and no
//! `QUARRY_TEST_*_URL`. One container per backend per test binary, started once
//! and kept until the run ends; scenarios share its URL, not a pool.

use crate::harness::Kind;
use testcontainers_modules::testcontainers::runners::SyncRunner;
use testcontainers_modules::testcontainers::{Container, ImageExt};
use testcontainers_modules::{mariadb::Mariadb, postgres::Postgres};

/// True when a Docker engine answers on `DOCKER_HOST` or the default socket.
pub fn docker_answers() -> bool {
    if let Ok(host) = std::env::var("DOCKER_HOST") {
        if let Some(path) = host.strip_prefix("unix://") {
            return std::os::unix::net::UnixStream::connect(path).is_ok();
        }
        if let Some(addr) = host.strip_prefix("tcp://") {
            return std::net::TcpStream::connect(addr).is_ok();
        }
        return false;
    }
    std::os::unix::net::UnixStream::connect("/var/run/docker.sock").is_ok()
}

/// The containers started for this run; dropped (and removed) at the end.
#[derive(Default)]
pub struct Containers {
    postgres: Option<Container<Postgres>>,
    mariadb: Option<Container<Mariadb>>,
}

impl Containers {
    /// Starts a server for `kind` and returns its URL.
    pub fn start(&mut self, kind: Kind) -> Result<String, String> {
        let fail =
            |e: &dyn std::fmt::Display| format!("could not start a {} container: {e}", kind.name());
        match kind {
            Kind::Postgres => {
                let c = Postgres::default()
                    .with_tag("16-alpine")
                    .start()
                    .map_err(|e| fail(&e))?;
                let port = c.get_host_port_ipv4(5432).map_err(|e| fail(&e))?;
                self.postgres = Some(c);
                Ok(format!(
                    "postgres://postgres:postgres@127.0.0.1:{port}/postgres"
                ))
            }
            Kind::MySql => {
                let c = Mariadb::default().start().map_err(|e| fail(&e))?;
                let port = c.get_host_port_ipv4(3306).map_err(|e| fail(&e))?;
                self.mariadb = Some(c);
                Ok(format!("mysql://root@127.0.0.1:{port}/test"))
            }
            Kind::Sqlite => Ok("sqlite::memory:".to_string()),
        }
    }
}
