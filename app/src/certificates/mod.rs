//! Certificates as the holder sees them: the list (持证人查询下载), the details (证书信息), the
//! download page and the electronic files (证书电子文件).

#[cfg(feature = "ssr")]
pub mod service;
pub mod views;
