//! A certificate authority and a server certificate made at test time with the
//! `openssl` CLI, for Mosquitto's wss listener; Chromium is told to trust the CA.

use std::process::Command;

use crate::support::{run_tool, TempDir};

pub struct TestCa {
    dir: TempDir,
}

impl TestCa {
    /// A fresh CA (`ca.crt`) and a server certificate for `localhost` and `127.0.0.1`
    /// signed by it (`server.crt`, `server.key`). ECDSA P-256: quick to make.
    pub fn new() -> TestCa {
        let dir = TempDir::new("ca");
        let openssl = || {
            let mut cmd = Command::new("openssl");
            cmd.current_dir(dir.path());
            cmd
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        run_tool(openssl().args(["req", "-x509"]).args(ec).args([
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=Feedboard e2e test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]));
        run_tool(openssl().arg("req").args(ec).args([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]));
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName = DNS:localhost, IP:127.0.0.1\n\
             basicConstraints = CA:FALSE\n\
             keyUsage = critical, digitalSignature\n\
             extendedKeyUsage = serverAuth\n",
        )
        .expect("cannot write server.ext");
        run_tool(openssl().args([
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]));
        TestCa { dir }
    }

    pub fn ca_cert(&self) -> std::path::PathBuf {
        self.dir.join("ca.crt")
    }

    pub fn server_cert(&self) -> std::path::PathBuf {
        self.dir.join("server.crt")
    }

    pub fn server_key(&self) -> std::path::PathBuf {
        self.dir.join("server.key")
    }
}
