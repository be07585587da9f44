//! Certificate electronic files: `/files/<id>` shows a file in the browser, `/files/<id>/download`
//! saves it. Only the holder who owns the certificate gets the bytes; everyone else (another
//! holder, a visitor, a guessed id) gets exactly the answer for a file that does not exist.

use super::extract::Owned;
use app::certificates::views::FileKind;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// What a `Range` header asks for, given the file length.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeRequest {
    Full,
    /// Inclusive byte positions.
    Partial(u64, u64),
    Unsatisfiable,
}

/// Parses a single `bytes=` range (RFC 9110 §14.1.2). Several ranges are answered with the
/// whole file, which the RFC allows; a malformed header is ignored.
pub fn parse_range(header: Option<&str>, len: u64) -> RangeRequest {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let parse = |s: &str| s.trim().parse::<u64>().ok();
    match (start.trim().is_empty(), parse(start), parse(end)) {
        // bytes=-N: the last N bytes.
        (true, _, Some(suffix)) => {
            if suffix == 0 || len == 0 {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Partial(len.saturating_sub(suffix), len - 1)
            }
        }
        (false, Some(first), last) => {
            if end.trim().is_empty() || last.is_some() {
                let last = last.unwrap_or(u64::MAX).min(len.saturating_sub(1));
                if first >= len || last < first {
                    RangeRequest::Unsatisfiable
                } else {
                    RangeRequest::Partial(first, last)
                }
            } else {
                RangeRequest::Full
            }
        }
        _ => RangeRequest::Full,
    }
}

/// `Content-Disposition` with a UTF-8 file name (RFC 6266 / RFC 8187) and an ASCII fallback
/// for old clients.
pub fn content_disposition(disposition: &str, file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[tracing::instrument(skip_all, fields(file = %request.key))]
pub async fn view(request: Owned) -> Response {
    serve(request, false).await
}

#[tracing::instrument(skip_all, fields(file = %request.key))]
pub async fn download(request: Owned) -> Response {
    serve(request, true).await
}

/// A visitor, a holder before the terms, and a holder asking for someone else's file all get
/// the same answer as for a file that does not exist ([`Owned`]).
async fn serve(request: Owned, attachment: bool) -> Response {
    let found =
        app::certificates::service::file(&request.state.app, &request.holder, &request.key).await;
    let (meta, bytes) = match found {
        Ok(found) => found,
        Err(error) => return request.fail(error).await,
    };
    let parts = request.parts;
    let etag = format!("\"{}\"", meta.sha256);
    if header_is(&parts.headers, header::IF_NONE_MATCH, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    // OFD and unknown types are never rendered by the browser, only saved.
    let disposition = if attachment
        || matches!(
            FileKind::of(&meta.content_type),
            FileKind::DownloadOnly | FileKind::Ofd
        ) {
        "attachment"
    } else {
        "inline"
    };
    let len = bytes.len() as u64;
    // If-Range: a range only applies to the version the client already has.
    let range_header = match parts.headers.get(header::IF_RANGE) {
        Some(_) if !header_is(&parts.headers, header::IF_RANGE, &etag) => None,
        _ => parts
            .headers
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok()),
    };
    let mut headers = HeaderMap::new();
    let mut set = |name: header::HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, meta.content_type.clone());
    set(
        header::CONTENT_DISPOSITION,
        content_disposition(disposition, &meta.file_name),
    );
    set(header::ACCEPT_RANGES, "bytes".to_string());
    set(header::ETAG, etag);
    set(header::CACHE_CONTROL, "private, no-store".to_string());
    match parse_range(range_header, len) {
        RangeRequest::Full => {
            set(header::CONTENT_LENGTH, len.to_string());
            (StatusCode::OK, headers, bytes).into_response()
        }
        RangeRequest::Partial(first, last) => {
            set(header::CONTENT_RANGE, format!("bytes {first}-{last}/{len}"));
            set(header::CONTENT_LENGTH, (last - first + 1).to_string());
            let slice = bytes[first as usize..=last as usize].to_vec();
            (StatusCode::PARTIAL_CONTENT, headers, slice).into_response()
        }
        RangeRequest::Unsatisfiable => {
            set(header::CONTENT_RANGE, format!("bytes */{len}"));
            (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response()
        }
    }
}

fn header_is(headers: &HeaderMap, name: header::HeaderName, value: &str) -> bool {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeRequest::*;
        assert_eq!(parse_range(None, 100), Full);
        assert_eq!(parse_range(Some("bytes=0-9"), 100), Partial(0, 9));
        assert_eq!(parse_range(Some("bytes=90-"), 100), Partial(90, 99));
        assert_eq!(parse_range(Some("bytes=90-200"), 100), Partial(90, 99));
        assert_eq!(parse_range(Some("bytes=-10"), 100), Partial(90, 99));
        assert_eq!(parse_range(Some("bytes=-200"), 100), Partial(0, 99));
        assert_eq!(parse_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-4"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Full);
        assert_eq!(parse_range(Some("items=0-1"), 100), Full);
        assert_eq!(parse_range(Some("bytes=a-b"), 100), Full);
    }

    #[test]
    fn chinese_file_names_survive() {
        assert_eq!(
            content_disposition("attachment", "证书 扫描件.pdf"),
            "attachment; filename=\"__ ___.pdf\"; \
             filename*=UTF-8''%E8%AF%81%E4%B9%A6%20%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf"
        );
        assert_eq!(
            content_disposition("inline", "a\"b.pdf"),
            "inline; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf"
        );
    }
}
