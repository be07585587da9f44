//! Integration tests: each spawns the real application on a random port with a fresh database
//! (a temporary SQLite file, or a throwaway PostgreSQL database) and talks to it over HTTP.
//! Tests written once run on both backends through `on_both_backends!`.

mod fixtures;
mod helpers;

mod accounts;
mod annotations;
mod api_keys;
mod api_snapshots;
mod appeals;
mod assets;
mod at_rest;
mod browser_hardening;
mod certificates;
mod codes;
mod credentials;
mod deployment;
mod limits;
mod operator;
mod operator_certificates;
mod operator_keys;
mod outage;
mod personal_data;
mod process;
mod shell;
mod storage_story;
mod verification;
mod verification_log;
