//! The production shape of `deploy/`: the shipped nginx site (`deploy/nginx/certportal.conf`
//! with its locations file, only ports, paths and the certificate substituted) terminating
//! TLS in front of two real server processes on one PostgreSQL database, each with its own
//! annotation workers, trusting nginx as their proxy. Through nginx: sessions work whichever
//! process answers, throttles and rate limits count across both, each client is counted by
//! its own address (two loopback source addresses), and the queue produces every copy once
//! even when one process is killed with SIGKILL mid-run.
//!
//! PostgreSQL only, and only when `TEST_DATABASE_URL` is set (several processes share one
//! database in production; without it the test returns at once). It needs Debian's nginx
//! (`/usr/sbin/nginx`, or `NGINX=path`): missing, the test is skipped, unless `CI` or
//! `CERTPDF_REQUIRE_TOOLS` is set (as `./scripts/test.sh` does, which installs nginx), where it
//! fails.

use crate::accounts::{mobile_for, resident_id, ticket_of, PASSWORD};
use crate::annotations::{completions, queue_annotations};
use crate::helpers::{inner_text, Db, TestDb};
use app::infra::MANUAL_LIMIT;
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The shipped nginx files.
const SITE_CONF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../deploy/nginx/certportal.conf"
);
const LOCATIONS_CONF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../deploy/nginx/certportal-locations.conf"
);

/// nginx, or `None` (skipped) when it is missing and nothing requires it.
fn nginx_binary() -> Option<PathBuf> {
    let nginx = std::env::var_os("NGINX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/nginx"));
    if nginx.exists() {
        return Some(nginx);
    }
    let missing = format!(
        "nginx ({}) for the deployment test: apt-get install nginx (./scripts/test.sh installs it)",
        nginx.display()
    );
    if std::env::var_os("CI").is_some() || std::env::var_os("CERTPDF_REQUIRE_TOOLS").is_some() {
        panic!("required (CI or CERTPDF_REQUIRE_TOOLS is set): {missing}");
    }
    eprintln!("SKIPPED: {missing}");
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The processes of the deployment; all are killed when it is dropped, and if the test failed
/// their logs are printed.
struct Deployment {
    dir: PathBuf,
    processes: Vec<(String, Child)>,
}

impl Deployment {
    fn log(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.log"))
    }

    fn spawn(&mut self, name: &str, command: &mut Command) -> u32 {
        let log = std::fs::File::create(self.log(name)).expect("log file");
        let child = command
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        let pid = child.id();
        self.processes.push((name.to_string(), child));
        pid
    }

    /// A server process as `certportal@PORT.service` runs it, configured as in
    /// `deploy/env.example` (but a demo: codes go to the development outbox).
    fn server(&mut self, name: &str, port: u16, database_url: &str, public_url: &str) -> u32 {
        let data = self.dir.join("data");
        let site = self.dir.join("site");
        self.spawn(
            name,
            Command::new(env!("CARGO_BIN_EXE_server"))
                .env("PORTAL_DATA_KEY_FILE", crate::helpers::data_key_file())
                .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
                .env("DATABASE_URL", database_url)
                .env("PORTAL_PUBLIC_URL", public_url)
                .env("PORTAL_DATA_DIR", &data)
                .env("LEPTOS_SITE_ROOT", &site)
                .env("PORTAL_TRUSTED_PROXIES", "127.0.0.1/32")
                .env("PORTAL_WORKERS", "2")
                .env("PORTAL_LOG", "warn")
                // Slow production and short leases, so that a kill lands mid-queue and the
                // killed process's jobs are taken again quickly.
                .args([
                    "--enable-test-controls",
                    "--test-production-delay-ms",
                    "250",
                ])
                .args(["--job-lease-ms", "1500"]),
        )
    }

    fn kill(&mut self, name: &str) {
        let (_, child) = self
            .processes
            .iter_mut()
            .find(|(n, _)| n == name)
            .expect("a process of that name");
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }

    fn exited(&mut self, name: &str) -> Option<std::process::ExitStatus> {
        let (_, child) = self.processes.iter_mut().find(|(n, _)| n == name)?;
        child.try_wait().expect("try_wait")
    }

    /// The access log's lines: (client address, upstream addresses, request line, status).
    fn access_log(&self) -> Vec<(String, Vec<String>, String, u16)> {
        std::fs::read_to_string(self.dir.join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                // $remote_addr|$upstream_addr|$request|$status
                let mut parts = line.split('|');
                let client = parts.next()?.to_string();
                let upstreams = parts
                    .next()?
                    .split(", ")
                    .map(str::to_string)
                    .collect::<Vec<_>>();
                let request = parts.next()?.to_string();
                let status = parts.next()?.parse().ok()?;
                Some((client, upstreams, request, status))
            })
            .collect()
    }

    /// The upstreams that answered `client`'s requests whose request line starts with `what`.
    fn upstreams_for(&self, client: &str, what: &str) -> BTreeSet<String> {
        self.access_log()
            .into_iter()
            .filter(|(c, _, request, _)| c == client && request.starts_with(what))
            .filter_map(|(_, upstreams, _, _)| upstreams.last().cloned())
            .collect()
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        for (_, child) in &mut self.processes {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            for name in ["first", "second", "nginx", "nginx-error", "access"] {
                if let Ok(log) = std::fs::read_to_string(self.log(name)) {
                    let tail: Vec<&str> = log.lines().rev().take(40).collect();
                    eprintln!("---- {name}.log (last lines) ----");
                    for line in tail.into_iter().rev() {
                        eprintln!("{line}");
                    }
                }
            }
        }
    }
}

/// Replaces every `from` in `text`, which must be there: a changed shipped file fails here,
/// saying what the test no longer finds, rather than testing something else.
fn substitute(text: String, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "the shipped nginx site no longer contains `{from}`; update the deployment test"
    );
    text.replace(from, to)
}

/// The shipped site with this test's ports, paths and certificate, and the nginx.conf around
/// it (what Debian's /etc/nginx/nginx.conf provides, pointed at the test's directory).
fn nginx_conf(dir: &Path, http: u16, https: u16, upstreams: [u16; 2]) -> PathBuf {
    let (key_pem, cert_pem) = certpdf::IssuerKey::generate_self_signed("127.0.0.1", "test", 2)
        .expect("a TLS certificate")
        .to_pem();
    std::fs::write(dir.join("tls.key"), key_pem).unwrap();
    std::fs::write(dir.join("tls.crt"), cert_pem).unwrap();
    let path = |name: &str| dir.join(name).display().to_string();

    let mut site = std::fs::read_to_string(SITE_CONF).expect("deploy/nginx/certportal.conf");
    for (from, to) in [
        ("127.0.0.1:3001", format!("127.0.0.1:{}", upstreams[0])),
        ("127.0.0.1:3002", format!("127.0.0.1:{}", upstreams[1])),
        ("listen 80;", format!("listen 127.0.0.1:{http};")),
        ("listen [::]:80;", String::new()),
        (
            "listen 443 ssl http2;",
            format!("listen 127.0.0.1:{https} ssl http2;"),
        ),
        ("listen [::]:443 ssl http2;", String::new()),
        (
            "/etc/ssl/certs/certs.example.org.fullchain.pem",
            path("tls.crt"),
        ),
        ("/etc/ssl/private/certs.example.org.key", path("tls.key")),
        ("/srv/certportal/site", path("site")),
        (
            "/etc/nginx/snippets/certportal-locations.conf",
            LOCATIONS_CONF.to_string(),
        ),
    ] {
        site = substitute(site, from, &to);
    }
    std::fs::write(dir.join("certportal.conf"), site).unwrap();

    let mime = if Path::new("/etc/nginx/mime.types").exists() {
        "include /etc/nginx/mime.types;"
    } else {
        ""
    };
    let conf = format!(
        "daemon off;\n\
         master_process off;\n\
         pid {pid};\n\
         error_log {error} info;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n\
           {mime}\n\
           default_type application/octet-stream;\n\
           sendfile on;\n\
           log_format upstreams '$remote_addr|$upstream_addr|$request|$status';\n\
           access_log {access} upstreams;\n\
           client_body_temp_path {tmp}/body;\n\
           proxy_temp_path {tmp}/proxy;\n\
           fastcgi_temp_path {tmp}/fastcgi;\n\
           uwsgi_temp_path {tmp}/uwsgi;\n\
           scgi_temp_path {tmp}/scgi;\n\
           include {site};\n\
         }}\n",
        pid = path("nginx.pid"),
        error = path("nginx-error.log"),
        access = path("access.log"),
        tmp = path("nginx-tmp"),
        site = path("certportal.conf"),
    );
    std::fs::create_dir_all(dir.join("nginx-tmp")).unwrap();
    let file = dir.join("nginx.conf");
    std::fs::write(&file, conf).unwrap();
    file
}

/// A browser at `source` (a loopback address of its own) reaching the site at `public`.
fn browser(source: Ipv4Addr, public: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_str(public).unwrap());
    reqwest::Client::builder()
        .local_address(IpAddr::V4(source))
        // The test's own certificate.
        .danger_accept_invalid_certs(true)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

async fn wait_for(what: &str, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs an operator command of the server binary, as the README's deployment steps do.
fn operator(args: &[&str], database_url: &str, data: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PORTAL_DATA_KEY_FILE", crate::helpers::data_key_file())
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("PORTAL_DATA_DIR", data)
        .env("PORTAL_LOG", "warn")
        .output()
        .expect("run the server binary");
    assert!(
        output.status.success(),
        "server {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The newest code the development outbox holds for `mobile`.
async fn code_sent_to(storage: &app::storage::DynStorage, mobile: &str) -> String {
    let messages = storage.outbox(Some(mobile), 1).await.unwrap();
    let body = &messages.first().expect("a message in the outbox").body;
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .expect("a code in the message")
        .to_string()
}

async fn login(client: &reqwest::Client, public: &str, id: &str, password: &str) -> StatusCode {
    client
        .post(format!("{public}/login"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id),
            ("password", password),
            ("next", ""),
        ])
        .send()
        .await
        .expect("POST /login")
        .status()
}

async fn manual_check(client: &reqwest::Client, public: &str) -> StatusCode {
    client
        .post(format!("{public}/api/v1/verify/manual"))
        .json(&json!({ "certificate_number": "1", "holder_name": "王五" }))
        .send()
        .await
        .expect("POST /api/v1/verify/manual")
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_behind_the_shipped_nginx_site() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: the deployment test needs PostgreSQL (TEST_DATABASE_URL)");
        return;
    }
    let Some(nginx) = nginx_binary() else {
        return;
    };
    let started = Instant::now();
    let test_db = TestDb::new(Db::Postgres).await;
    let url = test_db.url.clone();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let data = dir.join("data");
    // The built site as installed; nginx serves its pkg/ itself.
    std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
    let script = "/* certportal.js */ ".repeat(200);
    std::fs::write(dir.join("site/pkg/certportal.js"), &script).unwrap();
    // A content-hashed file as `cargo xtask build-site` writes it, with its gzip copy.
    let hashed = "certportal.0123456789abcdef0123.wasm";
    let wasm = [b"\0asm\x01\0\0\0".as_slice(), &[0u8; 4000]].concat();
    std::fs::write(dir.join("site/pkg").join(hashed), &wasm).unwrap();
    let wasm_gz = {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&wasm).unwrap();
        gz.finish().unwrap()
    };
    std::fs::write(dir.join("site/pkg").join(format!("{hashed}.gz")), &wasm_gz).unwrap();

    // The README's steps before starting: the schema, then one signing key for all processes.
    operator(&["migrate"], &url, &data);
    operator(&["keys", "generate"], &url, &data);

    let ports = [free_port(), free_port()];
    let (http, https) = (free_port(), free_port());
    let public = format!("https://127.0.0.1:{https}");
    let mut deployment = Deployment {
        dir: dir.clone(),
        processes: Vec::new(),
    };
    let first_pid = deployment.server("first", ports[0], &url, &public);
    let second_pid = deployment.server("second", ports[1], &url, &public);
    let conf = nginx_conf(&dir, http, https, ports);
    deployment.spawn(
        "nginx",
        Command::new(&nginx)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("nginx-error.log"))
            .arg("-c")
            .arg(&conf),
    );
    let direct = reqwest::Client::new();
    for port in ports {
        wait_for("a server process", Duration::from_secs(30), async || {
            direct
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        })
        .await;
    }
    let anonymous = browser(Ipv4Addr::new(127, 0, 0, 1), &public);
    wait_for("nginx", Duration::from_secs(10), async || {
        assert!(deployment.exited("nginx").is_none(), "nginx exited");
        anonymous
            .get(format!("{public}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
    .await;
    eprintln!("deployment up in {:?}", started.elapsed());

    // ---- What nginx does itself: the redirect to https and the site's files ----
    let redirect = anonymous
        .get(format!("http://127.0.0.1:{http}/verify?x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        redirect.headers()["location"],
        "https://127.0.0.1/verify?x=1",
        "plain HTTP goes to https, same path"
    );
    let pkg = anonymous
        .get(format!("{public}/pkg/certportal.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(pkg.status(), StatusCode::OK);
    let headers = pkg.headers().clone();
    assert_eq!(headers["cache-control"], "public, no-cache");
    assert_eq!(headers.get_all("x-content-type-options").iter().count(), 1);
    let etag = headers
        .get("etag")
        .expect("an ETag to revalidate with")
        .clone();
    assert_eq!(pkg.text().await.unwrap(), script);
    let again = anonymous
        .get(format!("{public}/pkg/certportal.js"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "revalidated");
    // A hashed name: kept for a year, and the gzip copy written at build time sent as it is.
    for (accept, body, encoding) in [("gzip", &wasm_gz, Some("gzip")), ("identity", &wasm, None)] {
        let response = anonymous
            .get(format!("{public}/pkg/{hashed}"))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{hashed} ({accept})");
        let headers = response.headers().clone();
        assert_eq!(
            headers["cache-control"], "public, max-age=31536000, immutable",
            "{hashed}"
        );
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{hashed} ({accept})"
        );
        assert_eq!(headers.get_all("x-content-type-options").iter().count(), 1);
        assert_eq!(
            &response.bytes().await.unwrap()[..],
            &body[..],
            "{hashed} ({accept})"
        );
    }
    let missing = anonymous
        .get(format!("{public}/pkg/certportal.fedcba9876543210fedc.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing.headers().get("cache-control").is_none(),
        "a 404 is never cached: {:?}",
        missing.headers().get("cache-control")
    );
    assert_eq!(
        deployment.upstreams_for("127.0.0.1", "GET /pkg/"),
        BTreeSet::from(["-".to_string()]),
        "/pkg/ is served by nginx, not by a server process"
    );
    // A proxied answer carries the application's headers once, and nginx's request id.
    let health = anonymous
        .get(format!("{public}/healthz"))
        .send()
        .await
        .unwrap();
    for name in [
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert_eq!(health.headers().get_all(name).iter().count(), 1, "{name}");
    }
    let request_id = health.headers()["x-request-id"].to_str().unwrap();
    assert!(
        request_id.len() == 32 && request_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "the server kept nginx's $request_id: {request_id}"
    );

    // ---- Sessions work whichever process answers ----
    let holder_at = Ipv4Addr::new(127, 0, 0, 2);
    let holder = browser(holder_at, &public);
    let storage = server::open_storage(&url, crate::helpers::data_keys())
        .await
        .unwrap();
    let id = resident_id(31);
    let first_step = holder
        .post(format!("{public}/register"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id.as_str()),
            ("name", "张𪚥"),
            ("mobile", &mobile_for(&id)),
            ("password", PASSWORD),
            ("password2", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        first_step.status(),
        StatusCode::SEE_OTHER,
        "registration form"
    );
    let ticket = ticket_of(&first_step);
    let code = code_sent_to(&storage, &mobile_for(&id)).await;
    let confirmed = holder
        .post(format!("{public}{}", app::urls::register_confirm(&ticket)))
        .form(&[
            ("ticket", ticket.as_str()),
            ("code", &code),
            ("intent", "confirm"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        confirmed.status(),
        StatusCode::SEE_OTHER,
        "registration code"
    );
    let terms = holder
        .post(format!("{public}/terms"))
        .form(&[("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(terms.status(), StatusCode::SEE_OTHER, "terms");
    // A holder without certificates: the list's explanation, only when signed in.
    for n in 0..8 {
        let page = holder
            .get(format!("{public}/certificates"))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "request {n}");
        let text = inner_text(&page.text().await.unwrap());
        assert!(text.contains("暂无证书信息"), "signed in, request {n}");
    }
    let signed_out = anonymous
        .get(format!("{public}/certificates"))
        .send()
        .await
        .unwrap();
    assert!(
        !inner_text(&signed_out.text().await.unwrap()).contains("暂无证书信息"),
        "the list needs a session"
    );
    let both: BTreeSet<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    assert_eq!(
        deployment.upstreams_for(&holder_at.to_string(), "GET /certificates"),
        both,
        "both processes served the signed-in holder"
    );

    // ---- Login throttles count across both processes, per client ----
    let guesser_at = Ipv4Addr::new(127, 0, 0, 4);
    let guesser = browser(guesser_at, &public);
    for attempt in 1..=4 {
        assert_eq!(
            login(&guesser, &public, &id, "Wrong-pass1").await,
            StatusCode::CONFLICT,
            "wrong password {attempt}"
        );
    }
    assert_eq!(
        login(&guesser, &public, &id, "Wrong-pass1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the fifth locks the account from this address"
    );
    assert_eq!(
        login(&guesser, &public, &id, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password, on either process"
    );
    assert_eq!(
        deployment.upstreams_for(&guesser_at.to_string(), "POST /login"),
        both,
        "the attempts were spread over both processes"
    );
    let owner = browser(Ipv4Addr::new(127, 0, 0, 5), &public);
    assert_eq!(
        login(&owner, &public, &id, PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the owner, from another address, still gets in"
    );

    // ---- Rate limits count across both processes, per client address ----
    let verifier_at = Ipv4Addr::new(127, 0, 0, 2);
    let verifier = browser(verifier_at, &public);
    for n in 0..MANUAL_LIMIT {
        assert_eq!(
            manual_check(&verifier, &public).await,
            StatusCode::OK,
            "check {n}"
        );
    }
    for _ in 0..2 {
        assert_eq!(
            manual_check(&verifier, &public).await,
            StatusCode::TOO_MANY_REQUESTS,
            "over the limit, whichever process answers"
        );
    }
    assert_eq!(
        deployment.upstreams_for(&verifier_at.to_string(), "POST /api/v1/verify/manual"),
        both
    );
    let other = browser(Ipv4Addr::new(127, 0, 0, 3), &public);
    assert_eq!(
        manual_check(&other, &public).await,
        StatusCode::OK,
        "another client behind the same nginx is not limited"
    );

    // ---- The queue: workers in both processes, one of them killed mid-run ----
    let codes = queue_annotations(&storage, 18).await;
    let db = sqlx::PgPool::connect(&url).await.unwrap();
    let prefix = |pid: u32| format!("{pid}-%");
    let mut in_hand: Vec<String> = Vec::new();
    wait_for(
        "both processes producing, the first with a job in hand",
        Duration::from_secs(30),
        async || {
            let produced: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT COUNT(*) FILTER (WHERE produced_by LIKE $1), \
                        COUNT(*) FILTER (WHERE produced_by LIKE $2) FROM annotations",
            )
            .bind(prefix(first_pid))
            .bind(prefix(second_pid))
            .fetch_all(&db)
            .await
            .unwrap();
            in_hand = sqlx::query_scalar(
                "SELECT code FROM annotations WHERE state = 'queued' AND lease_owner LIKE $1",
            )
            .bind(prefix(first_pid))
            .fetch_all(&db)
            .await
            .unwrap();
            produced[0].0 >= 1 && produced[0].1 >= 1 && !in_hand.is_empty()
        },
    )
    .await;
    deployment.kill("first");
    // The jobs it held when it died (one it finished just before is not among them).
    in_hand = sqlx::query_scalar(
        "SELECT code FROM annotations WHERE state = 'queued' AND lease_owner LIKE $1",
    )
    .bind(prefix(first_pid))
    .fetch_all(&db)
    .await
    .unwrap();
    assert!(!in_hand.is_empty(), "killed with a job in hand");
    let done = completions(&storage, &codes).await.iter().sum::<usize>();
    assert!(done < codes.len(), "killed mid-queue ({done} done)");
    // nginx sends requests to the survivor meanwhile.
    for n in 0..6 {
        let response = anonymous
            .get(format!("{public}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "after the kill, {n}");
    }
    wait_for("the whole queue", Duration::from_secs(30), async || {
        completions(&storage, &codes).await.iter().all(|c| *c >= 1)
    })
    .await;
    assert!(
        completions(&storage, &codes).await.iter().all(|c| *c == 1),
        "every annotation completed exactly once"
    );
    for code in &in_hand {
        let by: Option<String> =
            sqlx::query_scalar("SELECT produced_by FROM annotations WHERE code = $1")
                .bind(code)
                .fetch_one(&db)
                .await
                .unwrap();
        assert!(
            by.is_some_and(|by| by.starts_with(&format!("{second_pid}-"))),
            "a job the killed process had in hand was produced by the other"
        );
    }
    db.close().await;
    storage.close().await;
    eprintln!("deployment test done in {:?}", started.elapsed());
}
