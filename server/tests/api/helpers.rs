use app::state::AppState;
use leptos::prelude::LeptosOptions;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, ORIGIN};
use tokio_util::sync::CancellationToken;

/// Which database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates one `#[tokio::test]` per backend for each named `async fn(Db)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Db::Postgres).await
                }
            )*
        }
    };
}

/// A fresh, migrated database that is removed when dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(db: Db) -> TestDb {
        match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb {
                    url,
                    _dir: Some(dir),
                    pg_drop: None,
                }
            }
            Db::Postgres => {
                let admin = std::env::var("TEST_DATABASE_URL").expect(
                    "TEST_DATABASE_URL must name a PostgreSQL server for the PostgreSQL half of \
                     the tests; ./scripts/test.sh starts one and sets it",
                );
                let name = format!("portal_test_{:016x}", rand::random::<u64>());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                TestDb {
                    url: format!("{base}/{name}"),
                    _dir: None,
                    pg_drop: Some((admin.clone(), name)),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_drop.take() {
            // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(mut conn) =
                        <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await
                    {
                        let _ = sqlx::Executor::execute(
                            &mut conn,
                            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                        )
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Options for [`spawn_app_with`].
#[derive(Clone)]
pub struct Options {
    pub test_controls: bool,
    /// A message gateway instead of the development outbox.
    pub messages: Option<std::sync::Arc<dyn app::infra::MessageGateway>>,
    /// Annotation workers to run (0: none).
    pub workers: usize,
    /// Each production takes this long (to share work between workers).
    pub production_delay: Option<std::time::Duration>,
    /// Every production fails (two attempts, quick backoff).
    pub fail_production: bool,
    /// Reverse proxies whose forwarding headers are believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Connection limits and the header deadline (the server's defaults unless set).
    pub connections: server::connections::ConnectionLimits,
    /// The site's address as readers see it (`--public-url`), e.g. an https one in front of
    /// the test's plain-HTTP listener; default: the listening address.
    pub public_url: Option<String>,
    /// `--verification-log-retention-days`.
    pub verification_log_retention_days: u32,
    /// The data keys (default: [`data_keys`], the tests' fixed key file).
    pub data_keys: Option<std::sync::Arc<app::storage::DataKeys>>,
    /// `--annotation-cutoff`; the national 2021-12-17 when `None`.
    pub annotation_cutoff: Option<time::Date>,
    /// A real-name check (`--real-name-check`); none by default.
    pub real_name: Option<std::sync::Arc<dyn app::infra::RealNameCheck>>,
    /// The built site (`--site-root`); default `target/site`, which the tests do not build.
    pub site_root: Option<std::path::PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            test_controls: false,
            messages: None,
            workers: 1,
            production_delay: None,
            fail_production: false,
            trusted_proxies: Vec::new(),
            connections: Default::default(),
            public_url: None,
            verification_log_retention_days: app::state::DEFAULT_VERIFICATION_LOG_RETENTION_DAYS,
            data_keys: None,
            annotation_cutoff: None,
            real_name: None,
            site_root: None,
        }
    }
}

/// The application running on a random port.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    /// A client that keeps cookies, sends this site's `Origin` like a browser, and does not
    /// follow redirects (tests assert them).
    pub client: reqwest::Client,
    /// The key this app signs with.
    pub issuer: std::sync::Arc<certpdf::IssuerKey>,
    shutdown: CancellationToken,
    _keys: Option<tempfile::TempDir>,
    /// Its data directory's key store (`server keys …` runs against it).
    pub keys_path: std::path::PathBuf,
    db_url: String,
    _db: Option<TestDb>,
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, Options::default()).await
}

pub async fn spawn_app_with(db: Db, options: Options) -> TestApp {
    let test_db = TestDb::new(db).await;
    let url = test_db.url.clone();
    start(url, Some(test_db), None, options).await
}

/// The application on `test_db`, reached through `url` instead of `test_db.url` (e.g. a relay
/// in front of its server that a test can cut); `test_db` is removed when the app is dropped.
pub async fn spawn_app_via(url: String, test_db: TestDb, options: Options) -> TestApp {
    start(url, Some(test_db), None, options).await
}

/// Another instance of the application on `first`'s database, as a second server process
/// sharing it would be.
pub async fn spawn_on(first: &TestApp, options: Options) -> TestApp {
    start(first.db_url(), None, Some(first.keys_path.clone()), options).await
}

/// `TEST_LOG=filter` (e.g. `info,sqlx=debug`) writes the servers' logs to `target/test-api.log`
/// for diagnosing a failure; tests run quietly without it.
fn init_test_log() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let file = std::fs::File::create("../target/test-api.log").expect("log file");
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_writer(std::sync::Mutex::new(file))
                .with_ansi(false)
                .init();
        }
    });
}

async fn start(
    url: String,
    test_db: Option<TestDb>,
    keys: Option<std::path::PathBuf>,
    options: Options,
) -> TestApp {
    init_test_log();
    // A second instance shares the first one's key store, as processes sharing a database
    // share the issuer key.
    let key_dir = match keys {
        Some(_) => None,
        None => Some(tempfile::tempdir().expect("key dir")),
    };
    let keys_path = keys.unwrap_or_else(|| key_dir.as_ref().expect("key dir").path().to_path_buf());
    let application = server::application::Application::build(server::application::Config {
        database_url: url.clone(),
        listen: "127.0.0.1:0".parse().expect("address"),
        public_url: options.public_url.clone(),
        secure_cookies: None,
        test_controls: options.test_controls,
        demo_data: false,
        key_dir: keys_path.clone(),
        issuer_key: None,
        issuer_cert: None,
        leptos_options: LeptosOptions::builder()
            .output_name("certportal")
            .site_root(
                options
                    .site_root
                    .as_ref()
                    .map_or("target/site".to_string(), |p| p.display().to_string()),
            )
            .build(),
        workers: server::worker::WorkerConfig {
            workers: options.workers,
            poll: std::time::Duration::from_millis(50),
            test_delay: options.production_delay,
            test_fail: options.fail_production,
            max_attempts: if options.fail_production { 2 } else { 5 },
            backoff: std::time::Duration::from_millis(20),
            ..Default::default()
        },
        messages: options.messages.clone().map_or(
            server::application::Messages::Outbox,
            server::application::Messages::Gateway,
        ),
        demo: true,
        verification_log_retention_days: options.verification_log_retention_days,
        annotation_cutoff: options.annotation_cutoff,
        real_name: options.real_name.clone(),
        trusted_proxies: app::infra::TrustedProxies::new(options.trusted_proxies.clone()),
        connections: options.connections.clone(),
        data_keys: options.data_keys.clone().unwrap_or_else(data_keys),
    })
    .await
    .expect("application");
    // The tests talk to the listener; the client sends the public address as its origin, as
    // a browser behind a proxy with that address would.
    let base = format!("http://{}", application.local_addr().expect("address"));
    let origin = application.public_url().to_string();
    let state = application.state().clone();
    let issuer = application.issuer();
    let shutdown = application.shutdown_handle();
    tokio::spawn(async move { application.run_until_stopped().await.expect("serve") });
    TestApp {
        client: client_for(&origin),
        base,
        state,
        issuer,
        shutdown,
        db_url: url,
        _db: test_db,
        _keys: key_dir,
        keys_path,
    }
}

/// A browser-like client for `base`: its own cookie jar, same-site `Origin`, asks for HTML
/// like a navigation does, and does not follow redirects (tests assert them).
pub fn client_for(base: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_str(base).expect("origin"));
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        // A hung request fails the test with a message instead of hanging the suite.
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

/// Runs one SQL statement directly against a test database (to sabotage it).
pub async fn raw_execute(url: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::Executor::execute(&mut conn, sql)
            .await
            .expect("execute");
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::Executor::execute(&mut conn, sql)
            .await
            .expect("execute");
    }
}

/// The text values of a one-column query on a test app's database (to look at what is stored).
pub async fn scalar_strings(app: &TestApp, sql: &str) -> Vec<String> {
    use sqlx::Connection;
    let url = app.db_url();
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
        sqlx::query_scalar(sql)
            .fetch_all(&mut conn)
            .await
            .expect("query")
    } else {
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("connect");
        sqlx::query_scalar(sql)
            .fetch_all(&mut conn)
            .await
            .expect("query")
    }
}

impl TestApp {
    /// Stops the app's server and background work (its database stays), as a process is
    /// stopped for a restart.
    pub fn stop(&self) {
        self.shutdown.cancel();
    }

    pub fn db_url(&self) -> String {
        self.db_url.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Text content of the first element with `id`, crudely (no HTML parser needed for our own
/// markup); used to assert what the user would read.
pub fn inner_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The tests' data key file: fixed keys, so that the test process and the server binaries it
/// starts (given `PORTAL_DATA_KEY_FILE`, see [`data_key_file`]) read each other's rows.
pub const TEST_DATA_KEYS: &str = "lookup dGVzdCBsb29rdXAga2V5LCBub3QgYSBzZWNyZXQhISE=\n\
     data dGVzdCBkYXRhIGtleSAtLSBub3QgYSBzZWNyZXQhISE=\n";

/// The path of a file holding [`TEST_DATA_KEYS`] (owner-only), written once per process.
pub fn data_key_file() -> &'static std::path::Path {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        let path = dir.join(format!("test-data-{}.key", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .expect("test data key file");
        file.write_all(TEST_DATA_KEYS.as_bytes())
            .expect("write the test data key file");
        path
    })
}

/// The tests' data keys ([`TEST_DATA_KEYS`]).
pub fn data_keys() -> std::sync::Arc<app::storage::DataKeys> {
    std::sync::Arc::new(app::storage::DataKeys::parse(TEST_DATA_KEYS).expect("test data keys"))
}

/// What a stand-in for an Alibaba Cloud service received: each request's parameters.
pub type AliyunReceived =
    std::sync::Arc<std::sync::Mutex<Vec<std::collections::BTreeMap<String, String>>>>;

/// Checks a request to a stand-in for an Alibaba Cloud RPC API as the documentation describes
/// it: every `expected` parameter present (with its value, where one is given) and signature
/// version 1.0 over the others with `secret`. The parameters when it holds; otherwise the
/// service's own error answer (missing or wrong signature).
pub fn aliyun_signed_params(
    query: Option<String>,
    expected: &[(&str, Option<&str>)],
    secret: &str,
) -> Result<std::collections::BTreeMap<String, String>, Box<axum::response::Response>> {
    use axum::http::StatusCode as S;
    use axum::response::IntoResponse;
    let params: std::collections::BTreeMap<String, String> =
        serde_urlencoded::from_str(&query.unwrap_or_default()).unwrap();
    let mut unsigned: std::collections::BTreeMap<&str, &str> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let Some(signature) = unsigned.remove("Signature") else {
        return Err(Box::new((S::BAD_REQUEST, r#"{"Code":"MissingSignature","Message":"Signature is mandatory for this action.","RequestId":"r0"}"#).into_response()));
    };
    for (name, value) in expected {
        let given = unsigned.get(name);
        assert!(given.is_some(), "{name} is missing");
        if let Some(expected) = value {
            assert_eq!(given, Some(expected), "{name}");
        }
    }
    if server::sms::aliyun::signature(&unsigned, secret) != signature {
        return Err(Box::new((S::BAD_REQUEST, r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation.","RequestId":"r1"}"#).into_response()));
    }
    Ok(params)
}

/// Serves a stand-in on a free loopback port; its base address, with a trailing slash.
pub async fn serve_stand_in(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}
