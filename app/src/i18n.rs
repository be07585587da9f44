//! The one translation layer. Every user-visible string is a [`Msg`] with a zh-CN and an English
//! text; the `messages!` macro refuses to compile an entry that lacks either language, and the
//! tests below refuse blank texts and placeholders that differ between the two.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The interface language. zh-CN is the default; English is remembered in a cookie.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

impl Lang {
    /// The BCP 47 tag used in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The short code used in URLs and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language named by a `Cookie` header, or the default.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Lang::from_code(value))
            .unwrap_or_default()
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Works out the language of the page being rendered: from the request cookie on the
    /// server, from `<html lang>` (which the server wrote) in the browser.
    pub fn detect() -> Lang {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| {
                    parts
                        .headers
                        .get(http::header::COOKIE)
                        .and_then(|v| v.to_str().ok())
                        .map(Lang::from_cookie_header)
                })
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            #[cfg(feature = "hydrate")]
            {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.document_element())
                    .and_then(|e| e.get_attribute("lang"))
                    .and_then(|tag| Lang::from_code(&tag))
                    .unwrap_or_default()
            }
            #[cfg(not(feature = "hydrate"))]
            {
                Lang::default()
            }
        }
    }
}

/// The language of the current page, provided once by the app root.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The text of `msg` in the current page's language.
pub fn t(msg: Msg) -> &'static str {
    msg.text(use_lang())
}

/// The text of `msg` with `{0}`, `{1}`, … replaced by `args`.
pub fn tf(msg: Msg, args: &[&str]) -> String {
    msg.format(use_lang(), args)
}

/// A message key with its arguments, as carried by errors from the server to the page, so that
/// the page can show it in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub msg: Msg,
    pub args: Vec<String>,
}

impl Text {
    pub fn new(msg: Msg) -> Self {
        Text {
            msg,
            args: Vec::new(),
        }
    }

    pub fn with(msg: Msg, args: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Text {
            msg,
            args: args.into_iter().map(Into::into).collect(),
        }
    }

    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.msg.format(lang, &args)
    }
}

impl From<Msg> for Text {
    fn from(msg: Msg) -> Self {
        Text::new(msg)
    }
}

impl Msg {
    pub fn format(self, lang: Lang, args: &[&str]) -> String {
        let mut out = self.text(lang).to_string();
        for (i, arg) in args.iter().enumerate() {
            // A date argument is written the reader's way (2026年11月30日 in Chinese).
            let arg = crate::domain::time::written_for(arg, lang);
            out = out.replace(&format!("{{{i}}}"), &arg);
        }
        out
    }
}

macro_rules! messages {
    ($( $(#[$doc:meta])* $key:ident { zh: $zh:literal, en: $en:literal $(,)? } )*) => {
        /// Every user-visible text of the product.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Msg { $( $(#[$doc])* $key, )* }

        impl Msg {
            /// All messages, for the completeness tests.
            pub const ALL: &'static [Msg] = &[ $( Msg::$key, )* ];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Msg::$key, Lang::Zh) => $zh, (Msg::$key, Lang::En) => $en, )*
                }
            }
        }

        /// The English text: what a refused deserialisation (`serde(try_from)`) reports.
        impl std::fmt::Display for Msg {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.text(Lang::En))
            }
        }
    };
}

messages! {
    // ---- shell ----
    SiteName { zh: "专业技术人员职业资格证书查询验证系统", en: "Professional Qualification Certificate Query and Verification" }
    SiteShortName { zh: "证书查询验证", en: "Certificate Portal" }
    SiteTagline { zh: "持证人查询下载 · 电子证书加注 · 证书查询验证", en: "Find and download your certificates · Annotate e-certificates · Verify a certificate" }
    SkipToContent { zh: "跳到正文", en: "Skip to main content" }
    NavMain { zh: "主导航", en: "Main navigation" }
    NavHome { zh: "首页", en: "Home" }
    NavCertificates { zh: "持证人查询下载", en: "My certificates" }
    NavVerify { zh: "查询验证", en: "Verify a certificate" }
    NavFaq { zh: "常见问题", en: "FAQ" }
    NavLogin { zh: "登录", en: "Log in" }
    NavRegister { zh: "用户注册", en: "Register" }
    NavAccount { zh: "我的账户", en: "My account" }
    NavLogout { zh: "退出登录", en: "Log out" }
    MenuToggle { zh: "菜单", en: "Menu" }
    LangSwitchLabel { zh: "English", en: "中文" }
    LangSwitchHint { zh: "Switch to English", en: "切换到中文" }
    FooterHelp { zh: "咨询电话", en: "Help line" }
    FooterHours { zh: "工作日 9:00–17:00", en: "Working days 9:00–17:00" }
    FooterNote { zh: "证书信息以证书发放机构的记录为准。", en: "The issuing authority's records are authoritative." }
    FooterAbout { zh: "关于本系统", en: "About this system" }
    /// A label's colon: full-width after Chinese, half-width with a space in English.
    Colon { zh: "：", en: ": " }
    AboutPurpose { zh: "本系统供持证人查询、下载本人的专业技术人员职业资格证书，申请电子证书加注并下载经数字签名的加注件；用人单位等验证方无需注册即可查询验证证书。", en: "This system lets holders find and download their professional qualification certificates, apply for e-certificate annotations and download the digitally signed annotated copies; employers and other verifiers check certificates without an account." }
    AboutSoftwareTitle { zh: "软件与许可", en: "Software and licence" }
    AboutSoftware { zh: "本系统为开源软件，以 MIT 或 Apache-2.0 许可发布。", en: "This system is open-source software, published under the MIT or Apache-2.0 licence." }

    // ---- home ----
    HomeTitle { zh: "证书查询、下载与验证", en: "Find, download and verify certificates" }
    HomeIntro { zh: "持证人可在此查看本人持有的专业技术人员职业资格证书，申请电子证书加注，并在几秒钟内查看和下载经数字签名的加注件。用人单位等验证方无需注册即可验证证书。", en: "Certificate holders can see their professional qualification certificates, apply for an e-certificate annotation and view and download the digitally signed annotated copy within seconds. Employers and other verifiers can check a certificate without an account." }
    HomeHolderTitle { zh: "我是持证人", en: "I hold a certificate" }
    HomeHolderText { zh: "使用取得证书时所用证件的证件号码登录，查看和下载证书。", en: "Log in with the ID document number you used when you obtained the certificate." }
    HomeHolderAction { zh: "持证人查询下载（含电子证书、电子文件下载）", en: "My certificates (including e-certificates and electronic files)" }
    HomeVerifierTitle { zh: "我要验证证书", en: "I want to verify a certificate" }
    HomeVerifierText { zh: "扫描加注件上的二维码，或输入管理号和持证人姓名，或上传 PDF 文件。", en: "Scan the QR code on an annotated copy, enter the certificate number and holder name, or upload the PDF." }
    HomeVerifierAction { zh: "查询验证", en: "Verify a certificate" }
    HomeStepsTitle { zh: "电子证书下载步骤", en: "How to get your e-certificate" }
    HomeStep1 { zh: "注册并登录，阅读服务须知后点击[同意]。", en: "Register and log in; read the service terms and press [Agree]." }
    HomeStep2 { zh: "在证书列表中点击[下载]，检查证书信息。", en: "In your certificate list press [Download] and check the certificate data." }
    HomeStep3 { zh: "点击[申请证书加注]，选择使用场景和加注有效期（最长 90 天）。", en: "Press [Apply for annotation], choose the usage scenario and a validity of up to 90 days." }
    HomeStep4 { zh: "加注件几秒钟内生成，即可[查看]或[下载]。", en: "The annotated copy is ready within seconds: [View] or [Download] it." }

    // ---- errors ----
    NotFoundTitle { zh: "页面不存在", en: "Page not found" }
    NotFoundText { zh: "您访问的页面不存在或已被移除。请检查地址，或返回首页。", en: "The page you asked for does not exist or has been removed. Check the address or go back to the home page." }
    BackHome { zh: "返回首页", en: "Back to the home page" }
    ServerErrorTitle { zh: "系统暂时出错", en: "Something went wrong" }
    ServerErrorText { zh: "系统处理您的请求时出错，请稍后重试。如问题持续，请拨打咨询电话并提供以下参考编号：{0}", en: "We could not complete your request. Please try again later. If it keeps happening, call the help line and quote this reference: {0}" }
    UnavailableTitle { zh: "系统繁忙", en: "Service busy" }
    UnavailableText { zh: "系统暂时无法处理请求，请稍后重试。", en: "The service cannot handle the request right now. Please try again shortly." }
    BadRequestText { zh: "请求无法处理，请返回上一页重试。", en: "The request could not be processed. Go back and try again." }
    CrossSiteRefused { zh: "请求来源无效，已拒绝。请从本站页面重新提交。", en: "The request did not come from this site and was refused. Please submit it again from this site's page." }
    Loading { zh: "加载中…", en: "Loading…" }

    // ---- identity ----
    IdTypeResident { zh: "居民身份证", en: "Resident ID card" }
    IdTypeHkMo { zh: "港澳居民来往内地通行证", en: "Mainland Travel Permit for Hong Kong and Macao Residents" }
    IdTypeTw { zh: "台湾居民来往大陆通行证", en: "Mainland Travel Permit for Taiwan Residents" }
    IdTypePassport { zh: "护照", en: "Passport" }
    IdTypeForeign { zh: "外国人永久居留身份证", en: "Foreign Permanent Resident ID Card" }
    IdHintResident { zh: "18 位，最后一位可能是 X（第一代身份证为 15 位数字）", en: "18 characters; the last may be X (15 digits on a first-generation card)" }
    IdHintHkMo { zh: "H 或 M 开头，后接 8 位或 10 位数字", en: "H or M followed by 8 or 10 digits" }
    IdHintTw { zh: "8 位或 10 位数字", en: "8 or 10 digits" }
    IdHintPassport { zh: "5 至 17 位字母或数字", en: "5 to 17 letters or digits" }
    IdHintForeign { zh: "15 位（3 个字母加 12 位数字）或 9 开头的 18 位", en: "15 characters (3 letters and 12 digits) or 18 characters starting with 9" }
    IdFormatOfChosen { zh: "号码格式：", en: "Number format: " }
    IdFormatsTitle { zh: "各类证件的号码格式", en: "Number formats of each ID document" }
    IdTypeMissing { zh: "请选择证件类型", en: "Choose the type of ID document" }
    IdTypeUnknown { zh: "证件类型无效，请从列表中选择", en: "Unknown ID document type; choose one from the list" }
    IdNumberMissing { zh: "请填写证件号码", en: "Enter the ID number" }
    IdNumberHasSpaces { zh: "证件号码中不能有空格", en: "The ID number must not contain spaces" }
    IdNumberTooLong { zh: "证件号码过长", en: "The ID number is too long" }
    IdNumberNotAscii { zh: "证件号码只能包含半角字母和数字（请关闭全角输入）", en: "The ID number may only contain plain letters and digits (no full-width characters)" }
    ResidentIdLength { zh: "居民身份证号码应为 18 位（第一代身份证为 15 位）", en: "A resident ID number has 18 characters (15 digits on a first-generation card)" }
    ResidentIdDigits { zh: "居民身份证号码的前 17 位必须是数字", en: "The first 17 characters of a resident ID number must be digits" }
    ResidentIdLastChar { zh: "居民身份证号码的最后一位必须是数字或 X", en: "The last character of a resident ID number must be a digit or X" }
    ResidentIdRegion { zh: "居民身份证号码的前 6 位地区码无效", en: "The region code (first 6 digits) is not valid" }
    ResidentIdBirthDate { zh: "居民身份证号码中的出生日期（第 7–14 位）不是有效日期", en: "The birth date in the ID number (characters 7–14) is not a real date" }
    ResidentIdBirthFuture { zh: "居民身份证号码中的出生日期晚于今天", en: "The birth date in the ID number is in the future" }
    ResidentIdCheckChar { zh: "证件号码校验位不正确，请核对每一位", en: "The check character does not match; please check every digit" }
    HkMoPrefix { zh: "港澳通行证号码应以 H 或 M 开头", en: "The permit number must start with H or M" }
    HkMoShape { zh: "港澳通行证号码应为 H 或 M 后接 8 位或 10 位数字", en: "The permit number must be H or M followed by 8 or 10 digits" }
    TwShape { zh: "台湾居民来往大陆通行证号码应为 8 位或 10 位数字", en: "The permit number must have 8 or 10 digits" }
    PassportShape { zh: "护照号码应为 5 至 17 位字母或数字", en: "A passport number has 5 to 17 letters or digits" }
    ForeignShape { zh: "外国人永久居留身份证号码应为 15 位（3 个字母加 12 位数字）或以 9 开头的 18 位", en: "The card number must be 15 characters (3 letters and 12 digits) or 18 characters starting with 9" }

    // ---- names ----
    NameMissing { zh: "请填写姓名", en: "Enter the name" }
    NameControlChars { zh: "姓名中含有不可见的控制字符，请重新输入", en: "The name contains invisible control characters; please type it again" }
    NameOuterSpaces { zh: "姓名开头或结尾有空格，请删除", en: "The name starts or ends with a space; please remove it" }
    NameTooLong { zh: "姓名过长（最多 60 个字）", en: "The name is too long (at most 60 characters)" }
    NameDotPlacement { zh: "间隔号“·”只能用在两个字之间", en: "The middle dot “·” may only stand between two parts of the name" }
    NameDoubleSpace { zh: "姓名中不能有连续的空格", en: "The name must not contain two spaces in a row" }
    NameOddSpace { zh: "姓名中含有全角或特殊空格，请使用普通空格或间隔号“·”", en: "The name contains a full-width or special space; use a normal space or the middle dot “·”" }
    NameBadChar { zh: "姓名中含有不允许的字符（只能使用汉字、间隔号“·”或外文字母）", en: "The name contains a character that is not allowed (use Chinese characters, the middle dot “·” or letters)" }
    NameNoLetters { zh: "姓名中必须有汉字或字母", en: "The name must contain Chinese characters or letters" }

    // ---- contact and password ----
    MobileMissing { zh: "请填写手机号码", en: "Enter the mobile number" }
    MobileHasSpaces { zh: "手机号码中不能有空格", en: "The mobile number must not contain spaces" }
    MobileShape { zh: "手机号码应为 11 位（1 开头），境外号码请以 + 加国家代码开头", en: "Enter an 11-digit mainland number starting with 1, or an international number starting with + and the country code" }
    PasswordMissing { zh: "请设置密码", en: "Choose a password" }
    PasswordTooShort { zh: "密码至少 8 位", en: "The password needs at least 8 characters" }
    PasswordTooLong { zh: "密码最多 128 位", en: "The password may have at most 128 characters" }
    PasswordControlChars { zh: "密码中含有不可见的控制字符", en: "The password contains invisible control characters" }
    PasswordNeedsLettersAndDigits { zh: "密码必须同时包含字母和数字", en: "The password must contain both letters and digits" }
    PasswordContainsId { zh: "密码不能包含证件号码", en: "The password must not contain your ID number" }
    // ---- forms ----
    FormHasErrors { zh: "提交的信息有 {0} 处需要修改，请查看下方标出的栏目。", en: "{0} field(s) need correcting; see the marked fields below." }
    Close { zh: "关闭", en: "Close" }
    Search { zh: "查询", en: "Search" }
    FieldIdType { zh: "证件类型", en: "ID document type" }
    FieldIdNumber { zh: "证件号码", en: "ID number" }
    FieldName { zh: "姓名", en: "Full name" }
    FieldMobile { zh: "手机号码", en: "Mobile number" }
    FieldPassword { zh: "密码", en: "Password" }
    FieldPassword2 { zh: "确认密码", en: "Repeat the password" }
    FieldCurrentPassword { zh: "当前密码", en: "Current password" }
    FieldNewPassword { zh: "新密码", en: "New password" }
    IdNumberHint { zh: "请使用取得证书时所用证件的号码。居民身份证为 18 位，末位可能是 X。", en: "Use the number of the ID document you used when you obtained the certificate. A resident ID number has 18 characters; the last may be X." }
    NameHint { zh: "与证件上的姓名完全一致。输入法打不出的字，请点击[生僻字输入]。", en: "Exactly as on your ID document. For a character your keyboard cannot type, use [Rare characters]." }
    PasswordHint { zh: "至少 8 位，须同时包含字母和数字，不能包含证件号码。", en: "At least 8 characters with letters and digits, not containing your ID number." }
    PasswordsDiffer { zh: "两次输入的密码不一致", en: "The two passwords differ" }
    LoginFailed { zh: "证件号码或密码错误", en: "Wrong ID number or password" }
    LoginLocked { zh: "登录失败次数过多，请于 {0} 后再试，或通过“忘记密码”验证手机号后重设密码", en: "Too many failed attempts. Try again after {0}, or reset your password with a code sent to your mobile (Forgot password)" }
    CurrentPasswordWrong { zh: "当前密码不正确", en: "The current password is wrong" }
    PasswordChanged { zh: "密码已修改。您在其他设备上的登录已全部退出。", en: "Your password has been changed. You have been logged out everywhere else." }

    // ---- one-time codes, registration's second step, password reset ----
    FieldCode { zh: "短信验证码", en: "Text message code" }
    CodeHint { zh: "6 位数字，5 分钟内有效。", en: "6 digits, valid for 5 minutes." }
    CodeSentTitle { zh: "验证手机号", en: "Confirm your mobile number" }
    CodeSentText { zh: "验证码已发送到您填写的手机号。请输入短信中的 6 位验证码。", en: "A code was sent to the mobile number you entered. Enter the 6 digits from the text message." }
    CodeSubmit { zh: "确认", en: "Confirm" }
    CodeResend { zh: "重新获取验证码", en: "Send a new code" }
    CodeResent { zh: "新的验证码已发送，之前的验证码作废。", en: "A new code was sent; the previous one no longer works." }
    CodeFormat { zh: "请输入短信中的 6 位数字验证码", en: "Enter the 6-digit code from the text message" }
    CodeWrong { zh: "验证码错误，还可尝试 {0} 次", en: "Wrong code; {0} tries left" }
    CodeExpired { zh: "验证码已失效（超时、已使用或错误次数过多），请重新获取", en: "This code no longer works (expired, used or too many wrong tries). Ask for a new one" }
    CodeTooSoon { zh: "验证码发送过于频繁，请于 {0} 后再获取", en: "Codes are sent at most once a minute. Ask again after {0}" }
    CodeDailyLimit { zh: "今日获取验证码次数已达上限，请明天再试", en: "No more codes can be sent today. Please try again tomorrow" }
    CodeNotSent { zh: "短信暂时无法发送，请稍后再试", en: "The text message could not be sent. Please try again later" }
    RegisterTakenTitle { zh: "该证件号码已注册", en: "This ID number is already registered" }
    RegisterTakenText { zh: "您的手机号已验证，但该证件号码已有账户，未创建新账户。如果是您本人注册的，请直接登录，或通过“忘记密码”重设密码；如果不是您本人注册的，请提出账号申诉。", en: "Your mobile number is confirmed, but an account for this ID number already exists, so no new account was created. If you registered it, log in or reset your password; if you did not, file an account appeal." }
    ForgotPasswordLink { zh: "忘记密码？", en: "Forgot your password?" }
    ForgotPasswordTitle { zh: "忘记密码", en: "Forgot password" }
    ForgotPasswordIntro { zh: "请输入证件号码和注册时填写的手机号，我们将向该手机号发送验证码。", en: "Enter your ID number and the mobile number you registered with; a code will be sent to it." }
    ForgotPasswordSubmit { zh: "获取验证码", en: "Send code" }
    ResetPasswordTitle { zh: "重设密码", en: "Set a new password" }
    ResetPasswordText { zh: "如果证件号码和手机号与账户一致，验证码已发送到该手机号。请输入验证码并设置新密码。", en: "If the ID number and mobile number match an account, a code was sent to that mobile number. Enter it and choose a new password." }
    ResetPasswordSubmit { zh: "重设密码", en: "Set new password" }
    PasswordResetDone { zh: "密码已重设，所有设备上的登录均已退出。请使用新密码登录。", en: "Your password has been reset and you have been logged out everywhere. Log in with the new password." }

    // ---- register / login ----
    RegisterTitle { zh: "用户注册", en: "Register" }
    RegisterIntro { zh: "请使用取得证书时所用证件的证件号码和本人真实姓名注册，注册时需验证手机号。如人事考试机构更正过您的姓名：尚未注册的，请使用更正后的姓名注册；已经注册的，请登录后在“我的账户”中更正姓名。", en: "Register with the ID number you used when you obtained your certificate and your real name; your mobile number is confirmed with a code. If the examination authority corrected your name: register with the corrected name, or, if you are registered already, log in and correct it under My account." }
    RegisterSubmit { zh: "注册", en: "Register" }
    HaveAccount { zh: "已有账户？", en: "Already registered?" }
    LoginTitle { zh: "登录", en: "Log in" }
    LoginIntro { zh: "持证人请使用注册时的证件类型、证件号码和密码登录。", en: "Log in with the ID document type, ID number and password you registered with." }
    LoginSubmit { zh: "登录", en: "Log in" }
    NoAccount { zh: "还没有账户？", en: "No account yet?" }

    // ---- rare characters ----
    RareCharButton { zh: "生僻字输入", en: "Rare characters" }
    RareCharTitle { zh: "生僻字输入", en: "Enter a rare character" }
    RareCharHowTo { zh: "输入拼音（如 yan、yan3 或 yǎn），在结果中点选正确的汉字，它会插入到姓名中光标所在的位置。常用字在前，扩展区生僻字在后；结果较多时，可填写部首或笔画数缩小范围，或勾选“只看扩展区生僻字”。", en: "Type the pinyin (e.g. yan, yan3 or yǎn) and choose the right character; it is inserted into the name where the cursor was. Common characters come first, then the rare extension characters; if there are many, narrow them down by radical or stroke count, or tick “Only rare characters from the extension blocks”." }
    RareCharPageIntro { zh: "输入拼音查询汉字，然后复制所需的字，粘贴到注册页的姓名栏中。每个字都显示字形图和编码，即使您的设备没有相应字体也能辨认。", en: "Search characters by pinyin, then copy the one you need and paste it into the name field of the registration page. Each character is shown as a drawn glyph with its code, so you can recognise it even if your device has no font for it." }
    RareCharPrompt { zh: "请输入拼音，或填写部首。", en: "Type a pinyin syllable, or a radical." }
    RareCharNone { zh: "没有找到符合条件的汉字，请检查拼音，或放宽部首、笔画数等条件。", en: "No characters match; check the pinyin, or loosen the radical, stroke count or other conditions." }
    RareCharCount { zh: "找到 {0} 个字。选中字框中的字即可复制。", en: "{0} characters found. Select the character in its box to copy it." }
    PinyinLabel { zh: "拼音", en: "Pinyin" }
    StrokesLabel { zh: "笔画数", en: "Stroke count" }
    StrokesHint { zh: "选填。如 12，不确定时可填范围，如 10-12。", en: "Optional. E.g. 12, or a range such as 10-12 if unsure." }
    RadicalLabel { zh: "部首", en: "Radical (部首)" }
    RadicalHint { zh: "选填。字典中归入的部首，一个字，如 氵、亻、扌、讠、龍。填了部首，拼音可不填。", en: "Optional. The radical the dictionary files it under, one character such as 氵, 亻, 扌, 讠 or 龍. With a radical the pinyin may be left empty." }
    RareOnlyLabel { zh: "只看扩展区生僻字", en: "Only rare characters from the extension blocks" }
    StrokesCount { zh: "{0}画", en: "{0} strokes" }
    StrokesInvalid { zh: "笔画数请填写 1 到 64 之间的数字，如 12，或范围，如 10-12", en: "Enter a stroke count from 1 to 64, such as 12, or a range such as 10-12" }
    RadicalInvalid { zh: "部首请只填写一个字，如 氵、亻、龍", en: "Enter a single character as the radical, such as 氵, 亻 or 龍" }
    RadicalUnknown { zh: "“{0}”不是部首，请填写部首，如 氵、亻、扌、讠、钅、龍", en: "“{0}” is not a radical; enter a radical such as 氵, 亻, 扌, 讠, 钅 or 龍" }
    PinyinEmpty { zh: "请输入拼音，或填写部首", en: "Type a pinyin syllable, or a radical" }
    PinyinTooLong { zh: "拼音过长，请只输入一个音节", en: "Too long; type one syllable" }
    PinyinInvalid { zh: "这不是有效的拼音（可用 yan、yan3、yǎn、lv 等形式）", en: "This is not valid pinyin (try forms like yan, yan3, yǎn or lv)" }

    // ---- terms ----
    TermsTitle { zh: "服务须知", en: "Service terms" }
    TermsIntro { zh: "首次登录请认真阅读以下服务须知，点击[同意]后方可使用本系统。", en: "Please read these terms before using the system for the first time, then press [Agree]." }
    Terms1 { zh: "本系统供持证人查询、下载本人持有的专业技术人员职业资格证书及其电子证书、证书电子文件，并供用人单位等验证方查询验证证书。", en: "This system lets holders find and download their own professional qualification certificates, e-certificates and certificate electronic files, and lets employers and other verifiers check certificates." }
    Terms2 { zh: "请使用本人证件注册并妥善保管密码，不得将账户转借他人。因个人原因造成的信息泄露由本人负责。", en: "Register with your own ID document and keep your password safe; do not let others use your account. You are responsible for any disclosure of your information caused by your own actions." }
    Terms3 { zh: "{0}（含）以后制发的电子证书，须经加注并在加注有效期内查看、下载和使用；每次加注有效期最长 90 天，同一证书 90 日内最多存在 3 次加注。", en: "E-certificates issued on or after {0} can only be viewed, downloaded and used through an annotation within its validity; an annotation lasts at most 90 days, and one certificate can have at most 3 annotations within 90 days." }
    Terms4 { zh: "加注件带有证书发放机构的电子印章和数字签名，任何修改都会使其失效。验证方扫描二维码或上传文件即可核验。", en: "Annotated copies carry the issuer's electronic seal and digital signature; any change invalidates them. Verifiers check them by scanning the QR code or uploading the file." }
    Terms5 { zh: "您的证书被验证时，系统会记录验证时间、方式和验证方填写的用途，您可以在证书页面查看。", en: "When your certificate is verified, the system records when, how and for what stated purpose; you can see this on your certificate page." }
    Terms6 { zh: "证书信息以证书发放机构的记录为准。如有疑问，请联系证书发放机构或拨打咨询电话。", en: "The issuing authority's records are authoritative. If in doubt, contact the issuing authority or call the help line." }
    TermsAgree { zh: "同意", en: "Agree" }
    TermsDecline { zh: "不同意并退出", en: "Decline and log out" }
    TermsAlreadyAccepted { zh: "您已同意当前版本的服务须知。", en: "You have accepted the current version of these terms." }

    // ---- account ----
    AccountTitle { zh: "我的账户", en: "My account" }
    AccountDetails { zh: "账户信息", en: "Account details" }
    AccountRegisteredAt { zh: "注册时间", en: "Registered" }
    AccountTermsAcceptedAt { zh: "同意服务须知时间", en: "Service terms accepted" }
    AccountCorrectionNote { zh: "证件号码不能修改。如人事考试机构更正过您的姓名，请通过“更正姓名”改为更正后的姓名，证书即可重新匹配。", en: "The ID number cannot be changed. If the examination authority corrected your name, use “Correct my name” so that your certificates match again." }
    ChangeMobileTitle { zh: "更换手机号", en: "Change mobile number" }
    ChangeMobileIntro { zh: "请输入当前密码和新手机号，验证码将发送到新手机号。", en: "Enter your current password and the new mobile number; a code will be sent to the new number." }
    ChangeMobileSubmit { zh: "获取验证码", en: "Send code" }
    FieldNewMobile { zh: "新手机号码", en: "New mobile number" }
    MobileUnchanged { zh: "这就是您当前的手机号", en: "This is your current mobile number" }
    CorrectNameTitle { zh: "更正姓名", en: "Correct my name" }
    CorrectNameIntro { zh: "仅在人事考试机构更正了您的姓名时使用：请输入更正后的姓名（与证件一致）和当前密码，验证码将发送到您注册的手机号。更正会记录在案。", en: "Only when the examination authority corrected your name: enter the corrected name (as on your ID document) and your current password; a code will be sent to your registered mobile number. The correction is recorded." }
    CorrectNameSubmit { zh: "获取验证码", en: "Send code" }
    FieldCorrectedName { zh: "更正后的姓名", en: "Corrected name" }
    NameUnchanged { zh: "这就是您当前的姓名", en: "This is your current name" }
    AccountConfirmTitle { zh: "确认账户变更", en: "Confirm the change" }
    AccountConfirmText { zh: "请输入发送到手机的 6 位验证码以完成变更。", en: "Enter the 6-digit code sent to the mobile number to complete the change." }
    MobileChanged { zh: "手机号已更换。", en: "Your mobile number has been changed." }
    NameCorrected { zh: "姓名已更正，证书将按更正后的姓名匹配。", en: "Your name has been corrected; certificates are matched with the corrected name." }
    ChangePasswordTitle { zh: "修改密码", en: "Change password" }
    ChangePasswordIntro { zh: "修改后，您在其他设备上的登录将全部退出。", en: "After the change you will be logged out on all other devices." }
    ChangePasswordSubmit { zh: "修改密码", en: "Change password" }
    // ---- certificates ----
    CertificatesTitle { zh: "持证人查询下载", en: "My certificates" }
    CertificatesIntro { zh: "{0}，以下是与您的证件号码和姓名相符的专业技术人员职业资格证书。", en: "{0}, these are the professional qualification certificates recorded under your ID number and name." }
    TwoClocksNote { zh: "“证书状态”指证书本身是否有效（有效 / 已撤销）；“加注有效期”指电子证书加注件可以使用的期限，二者不同。", en: "“Certificate status” says whether the certificate itself stands (valid / revoked); an annotation's “validity period” is how long an annotated e-certificate copy may be used. They are different things." }
    Actions { zh: "操作", en: "Actions" }
    ActionInfo { zh: "证书信息", en: "Certificate details" }
    ActionDownload { zh: "下载", en: "Download" }
    ActionDownloadCredential { zh: "下载可验证凭证", en: "Download verifiable credential" }
    ActionViewFile { zh: "查看文件", en: "View file" }
    ActionDownloadFile { zh: "下载文件", en: "Download file" }
    OpenInNewTab { zh: "在新窗口打开", en: "Open in a new tab" }
    StatusValid { zh: "有效", en: "Valid" }
    StatusRevoked { zh: "已撤销", en: "Revoked" }
    RevokedMeaning { zh: "该证书曾经发放，但因某种原因已被收回和注销，处于无效状态，不能加注、查看或下载。", en: "This certificate was issued but has since been withdrawn and cancelled; it is invalid and cannot be annotated, viewed or downloaded." }
    RevokedContact { zh: "如有疑问，请联系证书发放机构：{0}。", en: "If in doubt, contact the issuing authority: {0}." }
    FaqLinkRevoked { zh: "什么是“已撤销”？", en: "What does “revoked” mean?" }
    FaqLinkBlank { zh: "为什么页面显示为空白？", en: "Why is my list empty?" }
    ECertNone { zh: "该证书没有电子证书（纸质证书）。证书电子文件（如有）列在“证书电子文件”栏目中。", en: "This certificate has no electronic certificate (paper only). Its electronic files, if any, are listed under “Certificate electronic files”." }
    ECertDirect { zh: "电子证书（{0}之前制发），可直接查看和下载。", en: "Electronic certificate issued before {0}: it can be viewed and downloaded directly." }
    ECertNeedsAnnotation { zh: "电子证书（{0}（含）以后制发），须经加注并在加注有效期内查看、下载和使用。", en: "Electronic certificate issued on or after {0}: it can only be viewed, downloaded and used through an annotation, within its validity period." }
    ECertShortNone { zh: "无（纸质证书）", en: "None (paper certificate)" }
    ECertShortDirect { zh: "有，可直接查看和下载", en: "Yes; view and download it directly" }
    ECertShortNeedsAnnotation { zh: "有，须经加注后使用", en: "Yes; used through an annotation" }
    FieldHolderName { zh: "持证人姓名", en: "Holder" }
    FieldQualification { zh: "资格名称", en: "Qualification" }
    FieldLevel { zh: "级别", en: "Level" }
    FieldSpecialty { zh: "专业", en: "Specialty" }
    FieldCertNumber { zh: "管理号", en: "Certificate number" }
    FieldIssuedOn { zh: "签发日期", en: "Issued on" }
    FieldIssuer { zh: "证书发放机构", en: "Issued by" }
    FieldCertStatus { zh: "证书状态", en: "Certificate status" }
    FieldRevokedOn { zh: "撤销日期", en: "Revoked on" }
    FieldRevokeReason { zh: "撤销原因", en: "Reason" }
    FieldECertificate { zh: "电子证书", en: "E-certificate" }
    FieldFiles { zh: "证书电子文件", en: "Electronic files" }
    FileCount { zh: "电子文件 {0} 个", en: "{0} electronic file(s)" }
    EmptyTitle { zh: "暂无证书信息", en: "No certificates found" }
    EmptyIntro { zh: "页面显示为空白，说明系统中没有与您的证件号码和姓名相符的证书信息。可能的原因和处理办法：", en: "The list is empty because no certificate is recorded under your ID number and name. Possible reasons, and what to do:" }
    EmptyReason1 { zh: "未取得证书。", en: "You have not obtained a certificate." }
    EmptyReason1Do { zh: "取得证书后，证书信息上线即可在此查看。", en: "Once you obtain one, it appears here when its record goes online." }
    EmptyReason2 { zh: "已取得证书，但证书信息暂未上线；或取得的证书不属于人力资源和社会保障部统一印制和制作的专业技术人员职业资格证书。", en: "You have a certificate but its record is not online yet, or it is not a nationally unified professional qualification certificate of the Ministry of Human Resources and Social Security." }
    EmptyReason2Do { zh: "请稍后再查询；如有疑问，请联系证书发放机构。", en: "Check again later; if in doubt, contact the issuing authority." }
    EmptyReason3 { zh: "注册后，人事考试机构更正过您的姓名或证件号码。", en: "The examination authority corrected your name or ID number after you registered." }
    EmptyReason3Do { zh: "只更正了姓名的，请在“我的账户”中更正姓名；证件号码被更正的，请使用更正后正确的姓名和证件号码重新注册。", en: "If only your name was corrected, correct it under My account; if your ID number was corrected, register again with the corrected name and ID number." }
    EmptyPre2016 { zh: "2016年度以前的既往证书数据正在陆续上线；2017年度以后的证书如未显示，请联系证书发放机构。", en: "Certificates from 2016 and earlier are still being brought online; if a certificate from 2017 or later is missing, contact the issuing authority." }
    CertificateInfoTitle { zh: "证书信息", en: "Certificate details" }
    Breadcrumbs { zh: "位置", en: "Breadcrumbs" }
    DownloadTitle { zh: "电子证书加注、下载", en: "Annotate and download" }
    CheckDataTitle { zh: "证书信息", en: "Certificate data" }
    CheckDataText { zh: "申请证书加注前，请先检查证书信息，如有疑问，请联系证书发放机构。", en: "Before applying for an annotation, check the certificate data; if anything is wrong, contact the issuing authority." }
    ECertificateTitle { zh: "电子证书", en: "E-certificate" }
    FilesTitle { zh: "证书电子文件", en: "Certificate electronic files" }
    NoFiles { zh: "该证书暂无电子文件。", en: "This certificate has no electronic files." }
    ViewFileTitle { zh: "查看文件", en: "View file" }
    OfdExplained { zh: "这是 OFD 格式的文件。OFD 是我国电子证照和电子公文使用的版式文件格式，浏览器不能直接显示。请点击[下载文件]，然后用 OFD 阅读器打开（各地政务服务平台和常用版式办公软件均提供 OFD 阅读器）。", en: "This is an OFD file, China's standard layout format for e-licences and official e-documents, which browsers cannot show. Press [Download file] and open it with an OFD reader (government service platforms and common office suites provide one)." }
    OfdCheckSum { zh: "下载后可用上面的 SHA-256 校验值核对文件是否完整、未被改动。", en: "After downloading, the SHA-256 value above tells whether the file is complete and unchanged." }
    PdfFallback { zh: "您的浏览器无法在页面中直接显示此文件（手机浏览器常见），请下载后查看。", en: "Your browser cannot show this file inside the page (common on phones); download it to view it." }

    // ---- FAQ ----
    FaqTitle { zh: "电子证书和证书电子文件下载的常见问题", en: "Frequently asked questions" }
    FaqQ1 { zh: "证书状态为[已撤销]是什么意思？", en: "What does the status [Revoked] mean?" }
    FaqA1 { zh: "证书状态为[已撤销]说明该证书曾经发放，但因某种原因，证书已经被收回和注销，证书处于无效状态。", en: "[Revoked] means the certificate was issued but, for some reason, has been withdrawn and cancelled; it is invalid." }
    FaqA1b { zh: "如有疑问，可联系证书发放机构。", en: "If in doubt, contact the issuing authority." }
    FaqQ2 { zh: "证书查看和下载页面显示为空白，是什么原因？", en: "Why is my certificate page empty?" }
    FaqA2 { zh: "如页面显示为空白，说明不存在证书信息。具体原因如下：", en: "An empty page means no certificate is recorded for you. The reasons can be:" }
    FaqA2a { zh: "① 未取得证书。", en: "① You have not obtained a certificate." }
    FaqA2b { zh: "② 已取得证书，但证书信息暂未上线；取得的证书不属于人力资源和社会保障部统一印制和制作的专业技术人员职业资格证书。", en: "② You have one but its record is not online yet, or it is not a nationally unified professional qualification certificate." }
    FaqA2c { zh: "③ 在本系统注册后，经人事考试机构更正过姓名或证件号码：证件号码被更正的，须使用更正后正确的姓名和证件号码重新注册；只更正了姓名的，请在“我的账户”中更正姓名。", en: "③ Your name or ID number was corrected by the examination authority after you registered: if the ID number was corrected, register again with the corrected data; if only the name was, correct it under My account." }
    FaqA2d { zh: "如有疑问，可联系证书发放机构。", en: "If in doubt, contact the issuing authority." }
    FaqQ3 { zh: "已取得证书查询验证范围内的证书，为何证书下载页面显示为空白？", en: "I hold a certificate this system covers. Why is nothing shown?" }
    FaqA3 { zh: "2016年度以前的既往证书数据正在陆续上线；2017年度以后的证书如出现上述问题，请联系证书发放机构。", en: "Certificates from 2016 and earlier are being brought online gradually; for certificates from 2017 or later, contact the issuing authority." }
    FaqQ4 { zh: "注册时，持证人员姓名中包含生僻字，如何输入？", en: "My name has a rare character. How do I type it?" }
    FaqA4 { zh: "注册时，在输入姓名时，请点击右侧[生僻字输入]按钮，通过拼音查询并选择正确的汉字。", en: "When registering, press [Rare characters] next to the name field, search by pinyin and pick the right character." }
    FaqA4b { zh: "每个候选字都显示字形图和编码（如 U+2A6A5），即使手机没有该字的字体也能辨认。如按钮无法打开查询框，可在生僻字页面查询后复制粘贴到姓名栏。", en: "Each candidate is shown as a drawn glyph with its code (e.g. U+2A6A5), so you can recognise it even if your phone has no font for it. If the button does not open the search, search on the rare-character page and paste the character into the name field." }
    FaqQ5 { zh: "提交加注申请后，无法查看和下载电子证书，显示[证书生成中…]", en: "After applying, the e-certificate shows [Generating…]" }
    FaqA5 { zh: "提交加注申请后，系统通常在几秒钟内完成证书加注，页面会自动更新；如页面未自动更新，请点击刷新。如长时间未完成，页面会提示生成失败，请重新申请或拨打咨询电话。", en: "After you apply, the annotation is usually ready within seconds and the page updates by itself; if it does not, press Reload. If it cannot be produced, the page says so; apply again or call the help line." }
    FaqQ6 { zh: "证书加注信息栏显示[加注件已过期]，无法查看和下载电子证书。", en: "The annotation shows [Annotated copy expired] and I cannot view or download it." }
    FaqA6 { zh: "请重新提交证书加注申请。系统完成证书加注后，方可查看和下载。", en: "Apply for a new annotation; once it is produced you can view and download it again." }
    FaqA6b { zh: "注意：自持证人员申请加注当日起，90日内同一证书可存在3次有效加注；请根据本人使用需求，合理申请加注。", en: "Note: counted from the day of an application, one certificate can have at most 3 annotations within 90 days; apply according to your actual needs." }
    FaqQ7 { zh: "人事考试机构更正了我的姓名或证件号码，怎么办？", en: "The examination authority corrected my name or ID number. What now?" }
    FaqA7 { zh: "证书按证件类型、证件号码和姓名与账户对应。只更正了姓名的，请登录后在“我的账户 › 更正姓名”中改为更正后的姓名（需验证手机号），即可看到更正后的证书；证件号码被更正的，请使用更正后的姓名和证件号码重新注册。", en: "Certificates are matched to accounts by ID type, ID number and name. If only your name was corrected, log in and change it under My account › Correct my name (your mobile number is confirmed with a code) to see your certificates; if your ID number was corrected, register with the corrected name and ID number." }
    FaqHelpTitle { zh: "咨询电话", en: "Help line" }
    FaqHelpText { zh: "如有其他疑问，可拨打咨询电话：", en: "For any other question, call:" }
    // ---- annotations ----
    ScenarioSelfUse { zh: "本人调用", en: "Self use" }
    ScenarioMissing { zh: "请选择使用场景", en: "Choose a usage scenario" }
    ScenarioUnknown { zh: "使用场景无效，请从列表中选择", en: "Unknown usage scenario; choose one from the list" }
    ValidityMissing { zh: "请填写加注有效期", en: "Enter the validity period" }
    ValidityNotWholeDays { zh: "加注有效期须为整数天", en: "The validity must be a whole number of days" }
    ValidityOutOfRange { zh: "加注有效期须为 1 至 90 天", en: "The validity must be between 1 and 90 days" }
    AnnotateRevokedRefused { zh: "该证书已撤销，不能加注、查看或下载。", en: "This certificate has been revoked; it cannot be annotated, viewed or downloaded." }
    AnnotateNotNeeded { zh: "该证书不需要加注：{0}之前制发的电子证书可直接查看和下载。", en: "This certificate needs no annotation: e-certificates issued before {0} can be viewed and downloaded directly." }
    QuotaReached { zh: "同一证书 {0} 日内最多可有 3 次加注，本证书已达上限。最早可于 {1} 再次申请。", en: "A certificate can have at most 3 annotations within {0} days and this one has reached the limit. You can apply again from {1}." }
    CopyGenerating { zh: "证书生成中，请稍候。", en: "The annotated copy is still being generated; please wait." }
    CopyFailed { zh: "加注件生成失败，请重新申请加注。", en: "The annotated copy could not be produced; please apply again." }
    CopyExpired { zh: "加注件已过期，请重新申请加注。", en: "The annotated copy has expired; please apply for a new annotation." }
    AnnotationInfoTitle { zh: "加注信息", en: "Annotations" }
    NoAnnotations { zh: "证书加注信息为空：请先申请证书加注，加注完成后即可查看和下载电子证书。", en: "No annotations yet: apply for one; once it is produced you can view and download the e-certificate." }
    ApplyAnnotation { zh: "申请证书加注", en: "Apply for an annotation" }
    ApplyAgain { zh: "重新申请加注", en: "Apply again" }
    SubmitAnnotation { zh: "提交加注申请", en: "Submit the application" }
    AnnotationAdvice { zh: "申请证书加注前，请先检查证书信息。注意：每次申请加注最长有效期为90天；如无特别需要，建议按上限申请；目前支持的使用场景为“本人调用”。", en: "Check the certificate data before applying. An annotation lasts at most 90 days; unless you need less, apply for the maximum. The only usage scenario today is “self use”." }
    ScenarioHint { zh: "加注件仅可用于所选的使用场景。", en: "The annotated copy may only be used for the chosen scenario." }
    ValidityHint { zh: "自加注件生成时起算，最长 90 天；如无特别需要，建议选择 90 天。选择“其他天数”时，请填写 1 至 90 的整数。", en: "Counted from when the copy is produced, at most 90 days; unless you need less, choose 90. With “Other”, enter a whole number from 1 to 90." }
    ValidityAdvised { zh: "（建议）", en: " (advised)" }
    ValidityOther { zh: "其他天数", en: "Other" }
    ValidityOtherLabel { zh: "其他天数（1 至 90 天）", en: "Other number of days (1 to 90)" }
    DaysUnit { zh: "天", en: "days" }
    FieldScenario { zh: "使用场景", en: "Usage scenario" }
    FieldValidityDays { zh: "加注有效期（天）", en: "Validity (days)" }
    FieldValidity { zh: "加注有效期", en: "Valid" }
    FieldAnnotationNumber { zh: "加注编号", en: "Annotation no." }
    FieldAppliedAt { zh: "申请时间", en: "Applied" }
    ValidityDaysValue { zh: "{0} 天", en: "{0} days" }
    To { zh: "至", en: "to" }
    ExpiredOn { zh: "加注有效期已于 {0} 结束。", en: "The validity ended on {0}." }
    QuotaRemaining { zh: "同一证书 90 日内可存在 3 次加注，本证书目前还可申请 {0} 次。", en: "A certificate can have 3 annotations within 90 days; this one can have {0} more now." }
    QuotaReachedShort { zh: "本证书 90 日内已有 3 次加注，最早可于 {0} 再次申请。", en: "This certificate already has 3 annotations within 90 days; you can apply again from {0}." }
    StatusGenerating { zh: "证书生成中…", en: "Generating…" }
    StatusAnnotationValid { zh: "可使用", en: "Usable" }
    StatusExpired { zh: "加注件已过期", en: "Annotated copy expired" }
    StatusFailed { zh: "生成失败", en: "Failed" }
    GeneratingText { zh: "加注申请已提交，系统正在生成加注件，通常只需几秒钟。", en: "Your application is in; the annotated copy is being produced, which usually takes a few seconds." }
    GeneratingHint { zh: "本页面会自动更新；如页面未自动更新，请点击刷新。", en: "This page updates by itself; if it does not, press Reload." }
    Reload { zh: "刷新", en: "Reload" }
    ActionView { zh: "查看", en: "View" }
    AnnotatedCopyTitle { zh: "电子证书加注件", en: "Annotated e-certificate" }
    ShareTitle { zh: "分享给验证方", en: "Share with a verifier" }
    ShareText { zh: "用人单位等验证方打开下方的核验链接或扫描二维码，即可查看本加注件的验证结果。加注有效期至 {0}，此后验证结果为“加注件已过期”。", en: "An employer or other verifier opens the verification link below or scans the QR code to see this copy's verification result. The annotation is valid until {0}; after that the result says the copy has expired." }
    ShareLinkLabel { zh: "核验链接", en: "Verification link" }
    CopyLink { zh: "复制核验链接", en: "Copy the link" }
    LinkCopied { zh: "核验链接已复制。", en: "The link was copied." }
    LinkCopyByHand { zh: "无法自动复制，请选中链接后手动复制。", en: "It could not be copied automatically; select the link and copy it." }
    ShareQrAlt { zh: "加注件的核验二维码", en: "QR code of the copy's verification link" }
    WalletTitle { zh: "添加到数字钱包", en: "Add to a digital wallet" }
    WalletText { zh: "用手机上的数字钱包扫描下方二维码，或在钱包中打开此链接，即可收下本加注件的可验证凭证。链接仅供本人使用，{0} 分钟内有效，过期后刷新本页即可获得新链接。", en: "Scan the QR code below with the digital wallet on your phone, or open this link in the wallet, to receive this copy as a verifiable credential. The link is for you alone and works for {0} minutes; reload this page for a new one." }
    WalletLinkLabel { zh: "钱包链接", en: "Wallet link" }
    WalletQrAlt { zh: "数字钱包领取可验证凭证的二维码", en: "QR code for a digital wallet to receive the verifiable credential" }
    WalletLinkExpired { zh: "此钱包链接已过期，请刷新加注件页面获取新的链接。", en: "This wallet link has expired; reload the annotated copy's page for a new one." }
    SampleTitle { zh: "加注后的电子证书样式", en: "What an annotated e-certificate looks like" }
    SampleLink { zh: "查看加注后的电子证书样式", en: "See what an annotated copy looks like" }
    SampleIntro { zh: "申请证书加注后，系统在几秒钟内生成以下样式的加注件（PDF），带有证书发放机构的电子印章和数字签名。", en: "After you apply, the system produces within seconds an annotated copy (PDF) like the one below, with the issuing authority's electronic seal and digital signature." }
    SampleNotice { zh: "此为样式，仅供参考，不是有效证书。", en: "This is a sample for reference only; it is not a valid certificate." }
    SamplePartsTitle { zh: "加注件的组成", en: "What the copy shows" }
    SamplePart1 { zh: "证书信息：持证人姓名、证件号码（部分隐藏）、资格名称、级别、专业、管理号、签发日期和证书发放机构。", en: "The certificate: holder's name, ID number (partly hidden), qualification, level, specialty, certificate number, date of issue and issuing authority." }
    SamplePart2 { zh: "加注信息：加注编号、使用场景和加注有效期；有效期过后，加注件不能再作为有效凭证使用。", en: "The annotation: its number, the usage scenario and the validity period; after it ends, the copy can no longer be used." }
    SamplePart3 { zh: "二维码和验证码：验证方扫码或在查询验证页面输入信息，即可核验加注件的真伪和当前状态。", en: "The QR code and verification code: a verifier scans it, or enters the details on the verification page, to check that the copy is genuine and still valid." }
    SampleAlt { zh: "加注后的电子证书样式（样例，非有效证书）", en: "Sample annotated e-certificate (not a valid certificate)" }
    CopyCancelled { zh: "此加注件已作废，不能再查看或下载。", en: "This annotated copy was cancelled; it can no longer be viewed or downloaded." }
    StatusCancelled { zh: "已作废", en: "Cancelled" }
    CancelledOn { zh: "已于 {0} 作废。", en: "Cancelled on {0}." }
    CancelCopyTitle { zh: "作废此加注件", en: "Cancel this copy" }
    CancelCopyText { zh: "如加注件发给了错误的单位或不再需要，可提前作废。作废后，任何人验证此加注件都将看到“已由持证人作废”，您也不能再查看或下载它。作废不能撤销；已作废的加注件仍计入 90 日内 3 次加注的次数。", en: "If the copy went to the wrong party or is no longer needed, cancel it early. Anyone who then verifies it is told its holder cancelled it, and you can no longer view or download it. This cannot be undone, and a cancelled copy still counts toward the 3 annotations within 90 days." }
    CancelCopySubmit { zh: "确认作废", en: "Cancel the copy" }
    CopyCancelledDone { zh: "加注件已作废。", en: "The copy was cancelled." }
    VerdictCancelledTitle { zh: "加注件已作废", en: "Annotated copy cancelled" }
    VerdictCancelledText { zh: "证书真实，但此加注件已由持证人作废，不能再作为有效凭证使用。", en: "The certificate is genuine, but its holder cancelled this annotated copy; it can no longer be used." }
    CopyPreviewAlt { zh: "加注件预览图", en: "Preview of the annotated copy" }
    // ---- verification ----
    VerifyTitle { zh: "查询验证", en: "Verify a certificate" }
    VerifyIntro { zh: "用人单位等验证方无需注册即可验证。请选择一种方式：扫描加注件上的二维码，输入管理号和持证人姓名，或上传持证人提供的 PDF 文件。", en: "Verifiers need no account. Choose a way: scan the QR code on an annotated copy, enter the certificate number and the holder's name, or upload the PDF the holder gave you." }
    VerifyQrTitle { zh: "扫码验证", en: "Scan the QR code" }
    VerifyQrText { zh: "用手机扫描加注件左下角的二维码，即可打开本系统的验证结果页面。也可以在浏览器中输入加注件底部印有的验证地址。", en: "Scan the QR code at the bottom left of the annotated copy with a phone to open its verification page here, or type the verification address printed at the bottom of the copy." }
    VerifyManualTitle { zh: "输入证书信息验证", en: "Check by certificate number and name" }
    VerifyManualText { zh: "管理号和持证人姓名必须同时相符。如填写加注编号，还将核对该加注件是否有效。", en: "The certificate number and the holder's name must both match. With an annotation number, that annotated copy is checked too." }
    VerifyFileTitle { zh: "上传文件验证", en: "Check an uploaded PDF" }
    VerifyFileText { zh: "上传持证人提供的加注件 PDF 或可验证凭证（.jsonld，不超过 5 MB），系统将核对证书发放机构的数字签名、文件是否被修改，以及证书和加注的当前状态。", en: "Upload the annotated PDF or the verifiable credential (.jsonld) the holder gave you (up to 5 MB). The issuer's digital signature, whether the file was changed, and the current state of the certificate and annotation are checked." }
    FieldCertNumberInput { zh: "管理号", en: "Certificate number" }
    FieldHolderNameInput { zh: "持证人姓名", en: "Holder's name" }
    FieldAnnotationNumberOptional { zh: "加注编号（选填）", en: "Annotation number (optional)" }
    FieldPurpose { zh: "验证用途（选填）", en: "Purpose of the check (optional)" }
    PurposeHint { zh: "例如“入职审核”。持证人可以看到其证书何时、以何种方式、为何用途被验证。", en: "For example “employment check”. Holders can see when, how and for what stated purpose their certificates were checked." }
    FieldPdfFile { zh: "PDF 文件或可验证凭证", en: "PDF file or verifiable credential" }
    VerifySubmit { zh: "查询验证", en: "Verify" }
    VerifyUpload { zh: "上传并验证", en: "Upload and verify" }
    VerdictValidTitle { zh: "真实有效", en: "Genuine and valid" }
    VerdictValidText { zh: "该加注件由证书发放机构签发，证书有效，加注有效期至 {0}。", en: "This annotated copy was issued by the issuing authority; the certificate stands and the annotation is valid until {0}." }
    VerdictCertificateValidTitle { zh: "证书真实有效", en: "Genuine certificate, valid" }
    VerdictCertificateValidText { zh: "该证书由证书发放机构签发，目前处于有效状态。", en: "This certificate was issued by the issuing authority and currently stands." }
    VerdictExpiredTitle { zh: "加注件已过期", en: "Annotated copy expired" }
    VerdictExpiredText { zh: "证书真实，但此加注件的有效期已于 {0} 结束，不能再作为有效凭证使用。请持证人重新申请加注。", en: "The certificate is genuine, but this annotated copy's validity ended on {0}; it can no longer be used. The holder can apply for a new annotation." }
    VerdictRevokedTitle { zh: "证书已撤销", en: "Certificate revoked" }
    VerdictRevokedText { zh: "该证书已于 {0} 被撤销，处于无效状态。", en: "This certificate was revoked on {0} and is invalid." }
    VerdictNotGenuineTitle { zh: "无法验证为真实", en: "Not genuine, or unknown" }
    VerdictNotGenuineText { zh: "没有找到与所填信息相符的证书或加注件，或文件不是由证书发放机构签发的真实文件。请核对后重试，如有疑问请联系持证人或证书发放机构。", en: "No certificate or annotated copy matches what was given, or the file is not a genuine document of the issuing authority. Check the details and try again; if in doubt, contact the holder or the issuing authority." }
    VerdictWithdrawnTitle { zh: "加注件已撤回", en: "Annotated copy withdrawn" }
    VerdictWithdrawnText { zh: "此加注件曾由证书发放机构签发，但持证人已注销账号，加注件随之撤回，不能再作为有效凭证使用。如需核验证书，请持证人提供新的加注件，或联系证书发放机构。", en: "This annotated copy was issued by the issuing authority, but its holder has deleted their account and the copy was withdrawn with it; it can no longer be used. To check the certificate, ask the holder for a new annotated copy or contact the issuing authority." }
    ProblemNoSignature { zh: "文件没有证书发放机构的数字签名。", en: "The file carries no digital signature of the issuing authority." }
    ProblemModified { zh: "文件在签名后被修改过（或被追加了内容）。", en: "The file was changed (or had content added) after it was signed." }
    ProblemUnknownSigner { zh: "文件的签名不是证书发放机构的。", en: "The file was not signed by the issuing authority." }
    ProblemUnknownDocument { zh: "证书发放机构没有签发过这份文件。", en: "The issuing authority never issued this file." }
    ProblemNotPdf { zh: "文件不是 PDF。", en: "The file is not a PDF." }
    ProblemTooLarge { zh: "文件过大。", en: "The file is too large." }
    ProblemRetiredKey { zh: "文件的签名密钥已被证书发放机构停用，不再可信。", en: "The file was signed with a key the issuing authority has retired; it is no longer trusted." }
    ProblemNotProduced { zh: "这份文件不是本系统生成的：系统从未交付过内容与之完全相同的文件。", en: "This file was not produced by this system: it never handed out a file with exactly this content." }
    ProblemOutsideKeyValidity { zh: "签名时间不在签名证书的有效期内。", en: "The file was signed outside the validity period of the signing certificate." }
    CheckedAt { zh: "验证时间", en: "Checked at" }
    VerifyAnother { zh: "验证其他证书", en: "Verify another certificate" }
    CertNumberMissing { zh: "请填写管理号", en: "Enter the certificate number" }
    CertNumberTooLong { zh: "管理号过长", en: "The certificate number is too long" }
    CertNumberHasSpaces { zh: "管理号中不能有空格", en: "The certificate number cannot contain spaces" }
    CertNumberControlChars { zh: "管理号含有不可见的控制字符", en: "The certificate number contains invisible control characters" }
    PurposeTooLong { zh: "用途最多 60 个字", en: "The purpose may have at most 60 characters" }
    PurposeControlChars { zh: "用途中含有不可见的控制字符", en: "The purpose contains invisible control characters" }
    PurposeFormatChars { zh: "用途中含有不可见的格式字符（如文字方向控制符、零宽字符），请删除后重试", en: "The purpose contains invisible formatting characters (direction marks, zero-width characters); remove them and try again" }
    UploadMissing { zh: "请选择要上传的 PDF 文件或可验证凭证", en: "Choose the PDF file or verifiable credential to upload" }
    UploadTooLarge { zh: "文件过大：最大 5 MB（加注件通常小于 60 KB）", en: "The file is too large: at most 5 MB (annotated copies are usually under 60 KB)" }
    UploadNotPdf { zh: "只能上传 PDF 文件或可验证凭证（.jsonld）", en: "Only PDF files and verifiable credentials (.jsonld) can be checked" }
    VerifyRateLimited { zh: "查询过于频繁，请于 {0} 后再试", en: "Too many checks from your address. Try again after {0}" }
    VerificationLogTitle { zh: "验证记录", en: "Verification log" }
    VerificationLogIntro { zh: "以下是您的这本证书被查询验证的记录（验证方无需注册，因此只记录时间、方式和其填写的用途）。", en: "These are the checks of this certificate (verifiers have no accounts, so the time, the way and the stated purpose are recorded)." }
    VerificationLogEmpty { zh: "暂无验证记录。", en: "No checks yet." }
    MethodCode { zh: "扫码", en: "QR code" }
    MethodManual { zh: "输入证书信息", en: "Certificate number and name" }
    MethodFile { zh: "上传文件", en: "Uploaded file" }
    MethodApi { zh: "接口查询", en: "API" }
    NoPurpose { zh: "未填写", en: "Not stated" }
    LogPurpose { zh: "用途", en: "Purpose" }
    LogMoreChecks { zh: "另有 {0} 次重复查验", en: "{0} more checks from the same source" }
    ApiKeyInvalid { zh: "API 密钥无效或已停用（请以 Authorization: Bearer <密钥> 或 X-Api-Key 请求头发送）", en: "The API key is unknown or revoked (send it as Authorization: Bearer <key> or in X-Api-Key)" }
    ApiKeyQuotaUsed { zh: "该 API 密钥今日的 {0} 次查验额度已用完，北京时间 0 点恢复", en: "This API key has used its {0} checks for today; the quota renews at 00:00 China time (UTC+8)" }
    LoginRequired { zh: "请先登录", en: "Please log in first" }
    TermsRequiredText { zh: "请先阅读并同意服务须知", en: "Please read and accept the service terms first" }
    // ---- personal data: export and deletion (PIPL), the real-name check ----
    PersonalDataTitle { zh: "我的个人信息", en: "My personal data" }
    PersonalDataIntro { zh: "您可以下载本系统保存的关于您的全部信息（账户、匹配的证书、加注记录、证书验证记录、账户操作记录和登录会话），也可以注销账号。", en: "You can download everything this system holds about you (account, matched certificates, annotations, verification log, account history and sessions), or delete your account." }
    ExportLink { zh: "下载我的个人信息（JSON 文件）", en: "Download my personal data (JSON file)" }
    ExportTooOften { zh: "下载次数过多，请于 {0} 后再试", en: "Too many downloads. Try again after {0}" }
    DeleteAccountLink { zh: "注销账号", en: "Delete my account" }
    DeleteAccountTitle { zh: "注销账号", en: "Delete my account" }
    DeleteAccountIntro { zh: "注销后无法恢复。请输入当前密码，验证码将发送到您注册的手机号；输入验证码后账号即被注销。", en: "Deletion cannot be undone. Enter your current password; a code will be sent to your registered mobile number, and entering it deletes the account." }
    DeleteAccountRemovedTitle { zh: "将被删除的信息", en: "What is deleted" }
    DeleteAccountRemoved1 { zh: "账户本身：姓名、证件号码、手机号、密码和服务须知的同意记录；", en: "The account: name, ID number, mobile number, password and your acceptance of the terms;" }
    DeleteAccountRemoved2 { zh: "所有登录会话、未使用的验证码和登录限制记录；", en: "Every login session, unused codes and login locks;" }
    DeleteAccountRemoved3 { zh: "您申请的加注件及其文件：已下载的加注件随之撤回，验证时显示“加注件已撤回”，不显示您的任何信息；", en: "Your annotated copies and their files: copies already handed out are withdrawn, and checking one says “withdrawn” without showing anything about you;" }
    DeleteAccountRemoved4 { zh: "账户操作记录中您的姓名、手机号等内容（记录改为匿名）。", en: "Your name, mobile number and other details in the account history (the lines become anonymous)." }
    DeleteAccountKeptTitle { zh: "将保留的信息", en: "What is kept" }
    DeleteAccountKept1 { zh: "证书本身：证书是证书发放机构的记录，不因注销而删除。日后用同一证件号码重新注册，仍可看到您的证书；", en: "The certificates themselves: they are the issuing authority's records and are not deleted. If you register again with the same ID number, you will see them again;" }
    DeleteAccountKept2 { zh: "证书的验证记录（时间、方式、验证方填写的用途），以及不含个人信息的匿名操作记录。", en: "The verification log of the certificates (when, how, the verifier's stated purpose) and anonymous history lines without personal details." }
    DeleteAccountSubmit { zh: "获取验证码", en: "Send code" }
    AccountDeleted { zh: "您的账号已注销，个人信息已删除。", en: "Your account has been deleted, and your personal data with it." }
    RealNameMismatch { zh: "姓名、证件号码和手机号不属于同一人（运营商实名信息不一致），请核对，并使用本人实名登记的手机号", en: "The name, ID number and mobile number do not belong together according to the mobile operator. Check them, and use a mobile number registered in your own name" }
    RealNameUnavailable { zh: "实名核验暂时无法完成，请稍后再试", en: "The real-name check cannot be completed right now. Please try again later" }
    // ---- 账号申诉 (appeals) ----
    AppealTitle { zh: "账号申诉", en: "Account appeal" }
    AppealIntro { zh: "如果您的证件号码已被他人注册，可在此提出账号申诉：填写您的姓名、证件信息和手机号，说明情况并上传证件照片。手机号通过验证码确认后申诉即提交，工作人员核实后处理。申诉通过后，原账号将被冻结，您可以用该证件号码重新注册。", en: "If someone else registered your ID number, appeal here: give your name, ID document and mobile number, explain what happened and upload a photo of your ID document. The appeal is filed once a code confirms your mobile number, and staff decide it after checking. If it is approved, the other account is frozen and you can register with your ID number." }
    AppealLink { zh: "证件号码被他人注册？提出账号申诉", en: "Someone else registered your ID number? Appeal" }
    AppealStatusLink { zh: "查询申诉进度", en: "Check the state of an appeal" }
    FieldStatement { zh: "申诉说明", en: "Statement" }
    StatementHint { zh: "请说明您的情况，例如何时发现证件号码已被注册（最多 1000 字）", en: "Explain what happened, e.g. when you found your ID number registered (at most 1000 characters)" }
    FieldIdPhoto { zh: "证件照片", en: "Photo of your ID document" }
    IdPhotoHint { zh: "证件正面的照片或扫描件：JPEG、PNG 或 PDF，不超过 5 MB", en: "A photo or scan of the front of your ID document: JPEG, PNG or PDF, at most 5 MB" }
    AppealSubmit { zh: "获取验证码并提交", en: "Get a code and submit" }
    AppealStatementMissing { zh: "请填写申诉说明", en: "Enter your statement" }
    AppealStatementTooLong { zh: "申诉说明最多 1000 字", en: "The statement may have at most 1000 characters" }
    AppealStatementControlChars { zh: "申诉说明中含有不可见的控制字符", en: "The statement contains invisible control characters" }
    AppealPhotoMissing { zh: "请选择证件照片（JPEG、PNG 或 PDF）", en: "Choose the photo of your ID document (JPEG, PNG or PDF)" }
    AppealPhotoType { zh: "证件照片只能是 JPEG、PNG 或 PDF 文件", en: "The photo of your ID document must be a JPEG, PNG or PDF file" }
    AppealPhotoTooLarge { zh: "证件照片过大：最大 5 MB", en: "The photo of your ID document is too large: at most 5 MB" }
    AppealRateLimited { zh: "操作过于频繁，请于 {0} 后再试", en: "Too many requests from your address. Try again after {0}" }
    AppealConfirmTitle { zh: "确认手机号，提交申诉", en: "Confirm your mobile number to file the appeal" }
    AppealConfirmText { zh: "验证码已发送到您填写的手机号。输入验证码后，申诉即提交。", en: "A code was sent to the mobile number you gave. Enter it to file the appeal." }
    AppealConfirmSubmit { zh: "提交申诉", en: "File the appeal" }
    AppealAlreadyOpen { zh: "该证件号码已有一项申诉正在处理中，请等待处理结果，可凭申诉编号查询进度。", en: "An appeal for this ID number is already being handled. Wait for the decision; you can check it with the appeal number." }
    AppealStatusTitle { zh: "申诉进度查询", en: "State of an appeal" }
    AppealStatusIntro { zh: "输入申诉编号和申诉时填写的证件号码。", en: "Enter the appeal number and the ID number given in the appeal." }
    FieldAppealNumber { zh: "申诉编号", en: "Appeal number" }
    AppealNumberMissing { zh: "请填写申诉编号", en: "Enter the appeal number" }
    AppealStatusSubmit { zh: "查询", en: "Look up" }
    AppealNotFound { zh: "未找到该申诉，请核对申诉编号和证件号码", en: "No such appeal. Check the appeal number and the ID number" }
    AppealFiledTitle { zh: "申诉已提交", en: "Your appeal is filed" }
    AppealFiledText { zh: "申诉编号：{0}。请牢记申诉编号，凭申诉编号和证件号码可随时查询处理进度。", en: "Appeal number: {0}. Keep it: with it and your ID number you can check the state of the appeal at any time." }
    AppealUnregisteredTitle { zh: "该证件号码尚未注册", en: "This ID number is not registered" }
    AppealUnregisteredText { zh: "您的手机号已验证，但该证件号码还没有账户，无需申诉，申诉未提交。您可以直接用该证件号码注册。", en: "Your mobile number is confirmed, but there is no account for this ID number, so no appeal is needed and none was filed. You can simply register with it." }
    AppealStatePending { zh: "待处理", en: "Pending" }
    AppealStatePendingText { zh: "工作人员正在核实，请耐心等待。", en: "Staff are checking it; please wait." }
    AppealStateApproved { zh: "已通过", en: "Approved" }
    AppealStateApprovedText { zh: "原账号已被冻结，您现在可以用该证件号码注册。", en: "The other account is frozen. You can now register with your ID number." }
    AppealStateRejected { zh: "未通过", en: "Not approved" }
    AppealReason { zh: "原因", en: "Reason" }
    FieldAppealState { zh: "处理状态", en: "State" }
    FieldFiledAt { zh: "提交时间", en: "Filed" }
    FieldDecidedAt { zh: "处理时间", en: "Decided" }
    FaqQ8 { zh: "注册时提示证件号码已注册，但不是我本人注册的，怎么办？", en: "Registration says my ID number is already registered, but I did not register it. What now?" }
    FaqA8 { zh: "请提出账号申诉：填写姓名、证件信息和手机号，说明情况并上传证件照片。申诉通过后，原账号将被冻结，您可以用该证件号码重新注册；凭申诉编号可随时查询处理进度。", en: "File an account appeal: give your name, ID document and mobile number, explain what happened and upload a photo of your ID document. If it is approved, the other account is frozen and you can register with your ID number; the appeal number lets you check its state at any time." }
    AccountLockedByAppeal { zh: "该账号已因账号申诉被冻结，如有疑问请联系客服", en: "This account was frozen after an account appeal. If you have questions, contact the help desk" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut found: Vec<String> = s
            .match_indices('{')
            .filter_map(|(i, _)| {
                let rest = &s[i + 1..];
                let end = rest.find('}')?;
                let inner = &rest[..end];
                inner
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    .then(|| inner.to_string())
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn every_message_has_text_in_both_languages() {
        for msg in Msg::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert!(
                    !msg.text(lang).trim().is_empty(),
                    "{msg:?} has no {lang:?} text"
                );
            }
        }
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        for msg in Msg::ALL {
            assert_eq!(
                placeholders(msg.text(Lang::Zh)),
                placeholders(msg.text(Lang::En)),
                "{msg:?} placeholders differ"
            );
        }
    }

    #[test]
    fn chinese_texts_are_chinese() {
        // Catches an English string pasted into the zh slot (a "translation" that is not one).
        let exempt = [Msg::LangSwitchLabel, Msg::LangSwitchHint, Msg::Colon];
        for msg in Msg::ALL.iter().filter(|m| !exempt.contains(m)) {
            let zh = msg.text(Lang::Zh);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{msg:?} zh text has no Chinese: {zh}"
            );
        }
    }

    #[test]
    fn chinese_texts_use_full_width_colons_and_never_say_javascript() {
        // The guide's wording: "：" after Chinese, and no technical words a holder must know.
        for msg in Msg::ALL {
            let zh = msg.text(Lang::Zh);
            let chars: Vec<char> = zh.chars().collect();
            for pair in chars.windows(2) {
                assert!(
                    !(is_han(pair[0]) && pair[1] == ':'),
                    "{msg:?} has a half-width colon after Chinese: {zh}"
                );
            }
            assert!(
                !zh.to_lowercase().contains("javascript"),
                "{msg:?} mentions JavaScript: {zh}"
            );
        }
    }

    fn is_han(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{20000}'..='\u{323af}').contains(&c)
    }

    #[test]
    fn cookie_header_selects_language() {
        assert_eq!(Lang::from_cookie_header("a=b; lang=en"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=zh"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header("lang=fr"), Lang::Zh);
        assert_eq!(Lang::from_cookie_header(""), Lang::Zh);
    }

    #[test]
    fn format_substitutes_arguments() {
        assert!(Msg::ServerErrorText
            .format(Lang::En, &["ABC123"])
            .ends_with("ABC123"));
    }
}
