//! Single sign-on through a real nginx (Debian's `nginx-light`) in front of a real `vidensbase
//! serve`: the README's set-up with HTTP basic authentication standing in for oauth2-proxy (the
//! same `X-Forwarded-User` header, set by nginx so a client's own is replaced), plus a public
//! server block that blanks the header. vidensbase trusts the header from 127.0.0.1 only
//! (`VIDENSBASE_TRUSTED_PROXIES`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{binary, eventually, indexed, require, Served};
use crate::staff::write_staff_corpus;

/// A real nginx from a configuration of its own, killed when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// GET `path` from 127.0.0.1:`port` with extra header lines: the status and the body.
fn get(port: u16, path: &str, headers: &[&str]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    crate::common::parse_answer(&answer)
}

fn nginx(dir: &Path, vidensbase: &str, staff_port: u16, public_port: u16) -> Nginx {
    let d = dir.display();
    // `{PLAIN}`: nginx's own scheme for a test password (a real set-up has oauth2-proxy here).
    std::fs::write(dir.join("htpasswd"), "anna:{PLAIN}korrekt-hest\n").expect("htpasswd");
    let config = format!(
        "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid;
error_log {d}/error.log;
events {{}}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{staff_port};
    location / {{
      auth_basic \"vidensbase\";
      auth_basic_user_file {d}/htpasswd;
      proxy_set_header X-Forwarded-User $remote_user;
      proxy_set_header X-Forwarded-Groups \"\";
      proxy_set_header Host $host;
      proxy_pass http://{vidensbase};
    }}
  }}
  server {{
    listen 127.0.0.1:{public_port};
    location / {{
      proxy_set_header X-Forwarded-User \"\";
      proxy_set_header Host $host;
      proxy_pass http://{vidensbase};
    }}
  }}
}}
"
    );
    std::fs::write(dir.join("nginx.conf"), config).expect("config");
    let child = Command::new("nginx")
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .arg("-p")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    Nginx(child)
}

#[test]
fn staff_signed_in_by_nginx_see_internal_documents_and_nobody_else_does() {
    require("nginx", "-v", "nginx-light");
    let corpus = tempfile::tempdir().expect("tempdir");
    write_staff_corpus(corpus.path());
    let (index, _) = indexed(corpus.path());
    let served = Served::spawn(
        binary(corpus.path(), index.path()),
        // With an admin token too: nginx forwards the visitor's `Authorization: Basic …`, which
        // is no attempt at the token.
        &[
            ("VIDENSBASE_TRUSTED_PROXIES", "127.0.0.1,::1"),
            (
                "VIDENSBASE_ADMIN_TOKEN",
                "korrekt-hest-batteri-haefteklamme",
            ),
        ],
    );
    let vidensbase = served.base.trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let (staff, public) = (free_port(), free_port());
    let _nginx = nginx(dir.path(), &vidensbase, staff, public);
    let up = eventually(Duration::from_secs(30), || {
        TcpStream::connect(("127.0.0.1", staff)).is_ok()
            && TcpStream::connect(("127.0.0.1", public)).is_ok()
    });
    assert!(
        up,
        "nginx did not start: {:?}",
        std::fs::read_to_string(dir.path().join("error.log"))
    );
    let search = "/api/search?q=skovsneglehus";
    let total = |(status, body): (u16, String)| {
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        json["total"].as_u64().expect("total")
    };
    // "anna:korrekt-hest", as basic authentication sends it.
    let anna = "Authorization: Basic YW5uYTprb3JyZWt0LWhlc3Q=";
    assert_eq!(get(staff, search, &[]).0, 401, "nginx asks for a sign-in");
    assert_eq!(total(get(staff, search, &[anna])), 1);
    // A user header of the visitor's own is replaced by nginx's.
    let (_, home) = get(staff, "/", &[anna, "X-Forwarded-User: ada"]);
    assert!(home.contains("<strong>anna</strong>"), "{home}");
    assert!(!home.contains("<strong>ada</strong>"), "{home}");
    // The public server block: anyone, whatever the visitor claims.
    assert_eq!(total(get(public, search, &["X-Forwarded-User: anna"])), 0);
    assert_eq!(total(get(public, "/api/search?q=snegle", &[])), 1);
}
