//! 持证人查询下载, 证书信息, the download page and the file viewer.

use crate::certificates::views::{
    human_size, CertificateDetails, CertificateView, FileKind, FileView,
};
use crate::components::certificate::{
    e_certificate_text, CertificateFields, NoCertificates, RevokedNote, StatusBadge,
};
use crate::components::error_view::ErrorPage;
use crate::components::guards::RequireHolder;
use crate::domain::time::written_for;
use crate::i18n::{t, tf, use_lang, Msg};
use crate::pages::verify::VerificationLog;
use crate::server_fns::certificates::{load_certificate, my_certificates};
use crate::server_fns::verification::verification_log;
use crate::urls;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || use_params_map().with(|p| p.get(name).unwrap_or_default())
}

/// 持证人查询下载: the holder's certificates.
#[component]
pub fn CertificatesPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::CertificatesTitle)/>
        <RequireHolder>
            <CertificateListContent/>
        </RequireHolder>
    }
}

#[component]
fn CertificateListContent() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| my_certificates());
    view! {
        <h1>{t(Msg::CertificatesTitle)}</h1>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || list.get().map(|result| match result {
                Err(error) => view! { <ErrorPage error/> }.into_any(),
                Ok(list) => {
                    let empty = list.certificates.is_empty();
                    // "以下是…证书" only above a list that has some.
                    if empty {
                        view! { <NoCertificates/> }.into_any()
                    } else {
                        view! {
                            <p class="lead">{tf(Msg::CertificatesIntro, &[&list.holder_name])}</p>
                            <p class="field__hint">{t(Msg::TwoClocksNote)}</p>
                            <CertificateTable certificates=list.certificates/>
                        }
                        .into_any()
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
}

/// A table on wide screens; each row becomes a card on phones (CSS only, so it works without
/// JavaScript).
#[component]
fn CertificateTable(certificates: Vec<CertificateView>) -> impl IntoView {
    view! {
        <table class="cert-table">
            <caption class="visually-hidden">{t(Msg::CertificatesTitle)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(Msg::FieldQualification)}</th>
                    <th scope="col">{t(Msg::FieldLevel)}</th>
                    <th scope="col">{t(Msg::FieldSpecialty)}</th>
                    <th scope="col">{t(Msg::FieldCertNumber)}</th>
                    <th scope="col">{t(Msg::FieldIssuedOn)}</th>
                    <th scope="col">{t(Msg::FieldIssuer)}</th>
                    <th scope="col">{t(Msg::FieldCertStatus)}</th>
                    <th scope="col">{t(Msg::Actions)}</th>
                </tr>
            </thead>
            {certificates.into_iter().map(|c| view! { <CertificateRow c/> }).collect_view()}
        </table>
    }
}

#[component]
fn CertificateRow(c: CertificateView) -> impl IntoView {
    let info = urls::certificate(&c.public_id);
    let download = urls::certificate_download(&c.public_id);
    let valid = c.status.is_valid();
    let issuer = c.issuer.clone();
    let number = c.number.clone();
    // The language once per row: each `t` would look it up in the reactive context again,
    // and a page of certificates has eleven labels a row.
    let lang = use_lang();
    let t = move |msg: Msg| msg.text(lang);
    // One <tbody> per certificate keeps its row and its revocation note together, as one
    // card on phones.
    view! {
        <tbody class="cert" data-testid="certificate" data-number=number class:revoked=!valid>
            <tr>
                <td data-label=t(Msg::FieldQualification) class="cert-table__title">{c.qualification}</td>
                <td data-label=t(Msg::FieldLevel)>{c.level}</td>
                <td data-label=t(Msg::FieldSpecialty)>{c.specialty}</td>
                <td data-label=t(Msg::FieldCertNumber) class="mono nowrap">{c.number}</td>
                <td data-label=t(Msg::FieldIssuedOn) class="nowrap">{written_for(&c.issued_on, lang).into_owned()}</td>
                <td data-label=t(Msg::FieldIssuer)>{c.issuer}</td>
                <td data-label=t(Msg::FieldCertStatus)><StatusBadge status=c.status.clone()/></td>
                <td data-label=t(Msg::Actions)>
                    <div class="cert-table__actions">
                        <A href=info attr:class="button button--secondary button--small">{t(Msg::ActionInfo)}</A>
                        {valid.then(|| view! {
                            <A href=download attr:class="button button--small">{t(Msg::ActionDownload)}</A>
                        })}
                        {(valid && c.file_count > 0).then(|| view! {
                            <span class="cert-table__files">{Msg::FileCount.format(lang, &[&c.file_count.to_string()])}</span>
                        })}
                    </div>
                </td>
            </tr>
            {(!valid).then(|| view! {
                <tr class="cert__note">
                    <td colspan="8"><RevokedNote issuer/></td>
                </tr>
            })}
        </tbody>
    }
}

/// Loads the certificate named by the `id` route parameter for the pages below.
fn details_resource() -> Resource<Result<CertificateDetails, crate::error::AppError>> {
    Resource::new_blocking(param("id"), load_certificate)
}

/// 证书信息: every field of one certificate.
#[component]
pub fn CertificatePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::CertificateInfoTitle)/>
        <RequireHolder>
            <CertificateInfoContent/>
        </RequireHolder>
    }
}

#[component]
fn CertificateInfoContent() -> impl IntoView {
    let details = details_resource();
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || details.get().map(|result| match result {
                Err(error) => view! { <ErrorPage error/> }.into_any(),
                Ok(details) => {
                    let c = details.certificate.clone();
                    let download = urls::certificate_download(&c.public_id);
                    let valid = c.status.is_valid();
                    view! {
                        <nav class="breadcrumbs" aria-label=t(Msg::Breadcrumbs)>
                            <A href="/certificates">{t(Msg::CertificatesTitle)}</A>
                        </nav>
                        <h1>{t(Msg::CertificateInfoTitle)}</h1>
                        <section class="panel">
                            <h2 class="cert-heading">{c.qualification.clone()} " · " {c.level.clone()}</h2>
                            {(!valid).then(|| view! { <RevokedNote issuer=c.issuer.clone()/> })}
                            <CertificateFields details/>
                            <p class="field__hint">{t(Msg::TwoClocksNote)}</p>
                            {valid.then(|| view! {
                                <A href=download attr:class="button">{t(Msg::ActionDownload)}</A>
                            })}
                        </section>
                        <CertificateChecks certificate_id=c.public_id.clone()/>
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
}

/// Who checked this certificate (the verification log), for its holder.
#[component]
fn CertificateChecks(certificate_id: String) -> impl IntoView {
    let log = Resource::new_blocking(move || certificate_id.clone(), verification_log);
    view! {
        <Suspense fallback=|| ()>
            {move || log.get().map(|r| match r {
                Ok(entries) => view! { <VerificationLog entries/> }.into_any(),
                Err(error) => view! { <crate::components::error_view::ErrorNotice error/> }.into_any(),
            })}
        </Suspense>
    }
}

/// [下载]: the e-certificate of a certificate and its electronic files.
#[component]
pub fn CertificateDownloadPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::DownloadTitle)/>
        <RequireHolder>
            <DownloadContent/>
        </RequireHolder>
    }
}

#[component]
fn DownloadContent() -> impl IntoView {
    let details = details_resource();
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || details.get().map(|result| match result {
                Err(error) => view! { <ErrorPage error/> }.into_any(),
                Ok(details) if !details.certificate.status.is_valid() => {
                    // Revoked: nothing can be viewed or downloaded.
                    let issuer = details.certificate.issuer.clone();
                    view! {
                        <h1>{t(Msg::DownloadTitle)}</h1>
                        <section class="panel panel--error">
                            <StatusBadge status=details.certificate.status.clone()/>
                            <RevokedNote issuer/>
                        </section>
                    }
                    .into_any()
                }
                Ok(details) => view! { <DownloadSections details/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn DownloadSections(details: CertificateDetails) -> impl IntoView {
    let c = details.certificate.clone();
    let files = details.files.clone();
    let certificate_id = c.public_id.clone();
    view! {
        <nav class="breadcrumbs" aria-label=t(Msg::Breadcrumbs)>
            <A href="/certificates">{t(Msg::CertificatesTitle)}</A>
        </nav>
        <h1>{t(Msg::DownloadTitle)}</h1>
        <section class="panel" aria-labelledby="check-title">
            <h2 id="check-title">{t(Msg::CheckDataTitle)}</h2>
            <p class="notice notice--info">
                <span class="notice__icon" aria-hidden="true">"i"</span>
                <span>{t(Msg::CheckDataText)}</span>
            </p>
            <CertificateFields details/>
        </section>
        <section class="panel" aria-labelledby="ecert-title" data-testid="e-certificate">
            <h2 id="ecert-title">{t(Msg::ECertificateTitle)}</h2>
            <p>{e_certificate_text(c.e_certificate)}</p>
            {crate::pages::annotations::ecertificate_section(c.clone())}
        </section>
        <section class="panel" aria-labelledby="files-title" data-testid="files">
            <h2 id="files-title">{t(Msg::FilesTitle)}</h2>
            {if files.is_empty() {
                view! { <p class="muted">{t(Msg::NoFiles)}</p> }.into_any()
            } else {
                view! {
                    <ul class="file-list">
                        {files
                            .into_iter()
                            .map(|f| view! { <FileItem f certificate_id=certificate_id.clone()/> })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn FileItem(f: FileView, certificate_id: String) -> impl IntoView {
    let view_href = urls::certificate_file(&certificate_id, &f.public_id);
    let download_href = urls::file_download(&f.public_id);
    let viewable = f.kind != FileKind::DownloadOnly;
    view! {
        <li class="file-list__item" data-testid="file" data-name=f.file_name.clone()>
            <div class="file-list__name">
                <span class="file-list__icon" aria-hidden="true">
                    {match f.kind {
                        FileKind::Pdf => "PDF",
                        FileKind::Image => "IMG",
                        FileKind::Ofd => "OFD",
                        FileKind::DownloadOnly => "FILE",
                    }}
                </span>
                <span>{f.file_name.clone()}</span>
            </div>
            <div class="file-list__meta">
                {human_size(f.size)} " · " {written_for(&f.added_at, use_lang()).into_owned()}
                <br/>
                <span class="mono small" title="SHA-256">"SHA-256 " <span data-testid="sha256">{f.sha256.clone()}</span></span>
            </div>
            <div class="file-list__actions">
                {viewable.then(|| view! {
                    <A href=view_href attr:class="button button--secondary button--small">{t(Msg::ActionViewFile)}</A>
                })}
                <a href=download_href class="button button--small" download=f.file_name.clone() rel="external">
                    {t(Msg::ActionDownloadFile)}
                </a>
            </div>
        </li>
    }
}

/// [查看文件]: a PDF inline (with a download fallback where the browser cannot show PDFs, as
/// on many phones) or an image.
#[component]
pub fn FileViewPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ViewFileTitle)/>
        <RequireHolder>
            <FileViewContent/>
        </RequireHolder>
    }
}

#[component]
fn FileViewContent() -> impl IntoView {
    let details = details_resource();
    let file_id = param("file");
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || details.get().map(|result| {
                let found = result.ok().and_then(|d| {
                    let file = d.files.iter().find(|f| f.public_id == file_id()).cloned()?;
                    Some((d, file))
                });
                match found {
                    None => view! { <ErrorPage error=crate::error::AppError::NotFound/> }.into_any(),
                    Some((details, file)) => {
                        let src = urls::file(&file.public_id);
                        let download = urls::file_download(&file.public_id);
                        let back = urls::certificate_download(&details.certificate.public_id);
                        view! {
                            <nav class="breadcrumbs" aria-label=t(Msg::Breadcrumbs)>
                                <A href="/certificates">{t(Msg::CertificatesTitle)}</A>
                                " › "
                                <A href=back>{t(Msg::DownloadTitle)}</A>
                            </nav>
                            <h1 class="file-title">{file.file_name.clone()}</h1>
                            <p class="button-row">
                                <a href=download.clone() class="button" download=file.file_name.clone() rel="external">
                                    {t(Msg::ActionDownloadFile)}
                                </a>
                                {(file.kind != FileKind::Ofd).then(|| view! {
                                    <a href=src.clone() class="button button--secondary" target="_blank" rel="external noopener">
                                        {t(Msg::OpenInNewTab)}
                                    </a>
                                })}
                            </p>
                            {match file.kind {
                                FileKind::Ofd => view! {
                                    <section class="panel" data-testid="ofd-explained">
                                        <p>{t(Msg::OfdExplained)}</p>
                                        <p class="mono small">"SHA-256 " {file.sha256.clone()}</p>
                                        <p>{t(Msg::OfdCheckSum)}</p>
                                    </section>
                                }.into_any(),
                                FileKind::Image => view! {
                                    <img class="file-viewer file-viewer--image" src=src alt=file.file_name.clone()/>
                                }.into_any(),
                                _ => view! {
                                    <object class="file-viewer" data=src type=file.content_type.clone()
                                        aria-label=file.file_name.clone()>
                                        <p class="notice notice--info">
                                            <span class="notice__icon" aria-hidden="true">"i"</span>
                                            <span>{t(Msg::PdfFallback)} " "
                                                <a href=download rel="external">{t(Msg::ActionDownloadFile)}</a>
                                            </span>
                                        </p>
                                    </object>
                                }.into_any(),
                            }}
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
