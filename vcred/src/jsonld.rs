//! JSON-LD to RDF for the credentials this crate issues, and nothing else.
//!
//! A general JSON-LD processor is large (and would have to fetch or bundle contexts); the
//! documents here have one known `@context` each (the VC 2.0 context, plus an inline context
//! of the issuer's own terms). So the processor knows the term definitions of that context
//! that the documents use (a unit test compares them with the bundled
//! `contexts/credentials-v2.jsonld`) and **refuses everything else**: another context, an
//! unknown key, a keyword other than `id`/`type`, a relative or blank-node identifier, an
//! array where one value is expected, a number. Whatever it accepts it turns into exactly the
//! quads a full processor (jsonld.js, as the Playwright test checks) makes of it, so a
//! signature over its canonical form is the standard one; whatever it refuses simply does not
//! verify.

use oxrdf::{BlankNode, Dataset, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
const XSD_DATETIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";
const SEC: &str = "https://w3id.org/security#";
const CRED: &str = "https://www.w3.org/2018/credentials#";
const STATUS: &str = "https://www.w3.org/ns/credentials/status#";

/// Why a document is not one this processor reads.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShapeError {
    #[error("the document's @context is not the expected one")]
    Context,
    #[error("unknown key {0:?}")]
    UnknownKey(String),
    #[error("unknown type {0:?}")]
    UnknownType(String),
    #[error("unexpected value for {0:?}")]
    Value(String),
    #[error("not an absolute identifier: {0:?}")]
    Identifier(String),
    #[error("the document is nested too deeply")]
    Depth,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A node reference: an absolute IRI, or a nested node object.
    Id,
    /// A term of the property's own vocabulary (proofPurpose).
    Vocab(&'static [(&'static str, &'static str)]),
    /// A literal of this datatype.
    Typed(&'static str),
    /// A plain string literal.
    Plain,
    /// A node in a graph of its own (the proof).
    Graph,
}

/// Type-scoped contexts of the VC 2.0 context that the documents use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Credential,
    StatusList,
    StatusEntry,
    Proof,
}

const PROOF_PURPOSES: &[(&str, &str)] = &[
    (
        "assertionMethod",
        "https://w3id.org/security#assertionMethod",
    ),
    (
        "authentication",
        "https://w3id.org/security#authenticationMethod",
    ),
];

fn scoped_terms(scope: Scope) -> Vec<(&'static str, String, Kind)> {
    let c = |t: &str| format!("{CRED}{t}");
    let s = |t: &str| format!("{STATUS}{t}");
    match scope {
        Scope::Credential => vec![
            ("credentialStatus", c("credentialStatus"), Kind::Id),
            ("credentialSubject", c("credentialSubject"), Kind::Id),
            (
                "description",
                "https://schema.org/description".into(),
                Kind::Plain,
            ),
            ("issuer", c("issuer"), Kind::Id),
            ("name", "https://schema.org/name".into(), Kind::Plain),
            ("proof", format!("{SEC}proof"), Kind::Graph),
            ("validFrom", c("validFrom"), Kind::Typed(XSD_DATETIME)),
            ("validUntil", c("validUntil"), Kind::Typed(XSD_DATETIME)),
        ],
        Scope::StatusList => vec![
            (
                "encodedList",
                s("encodedList"),
                Kind::Typed("https://w3id.org/security#multibase"),
            ),
            ("statusPurpose", s("statusPurpose"), Kind::Plain),
        ],
        Scope::StatusEntry => vec![
            ("statusListCredential", s("statusListCredential"), Kind::Id),
            ("statusListIndex", s("statusListIndex"), Kind::Plain),
            ("statusPurpose", s("statusPurpose"), Kind::Plain),
        ],
        Scope::Proof => vec![
            (
                "created",
                "http://purl.org/dc/terms/created".into(),
                Kind::Typed(XSD_DATETIME),
            ),
            (
                "cryptosuite",
                format!("{SEC}cryptosuite"),
                Kind::Typed("https://w3id.org/security#cryptosuiteString"),
            ),
            (
                "proofPurpose",
                format!("{SEC}proofPurpose"),
                Kind::Vocab(PROOF_PURPOSES),
            ),
            (
                "proofValue",
                format!("{SEC}proofValue"),
                Kind::Typed("https://w3id.org/security#multibase"),
            ),
            (
                "verificationMethod",
                format!("{SEC}verificationMethod"),
                Kind::Id,
            ),
        ],
    }
}

/// The top-level terms of the VC 2.0 context that the documents use: classes (with their
/// type-scoped context) and the two properties usable anywhere.
fn top_classes() -> Vec<(&'static str, String, Option<Scope>)> {
    vec![
        (
            "VerifiableCredential",
            format!("{CRED}VerifiableCredential"),
            Some(Scope::Credential),
        ),
        (
            "BitstringStatusListCredential",
            format!("{STATUS}BitstringStatusListCredential"),
            None,
        ),
        (
            "BitstringStatusList",
            format!("{STATUS}BitstringStatusList"),
            Some(Scope::StatusList),
        ),
        (
            "BitstringStatusListEntry",
            format!("{STATUS}BitstringStatusListEntry"),
            Some(Scope::StatusEntry),
        ),
        (
            "DataIntegrityProof",
            format!("{SEC}DataIntegrityProof"),
            Some(Scope::Proof),
        ),
    ]
}

/// A kind of document: its exact `@context`, and the issuer's own terms (defined inline, all
/// plain string properties or classes without scoped contexts).
#[derive(Clone, Debug)]
pub struct Profile {
    context: Value,
    own_properties: BTreeMap<String, String>,
    own_classes: BTreeMap<String, String>,
}

impl Profile {
    /// Documents with only the VC 2.0 context (the status list credential).
    pub fn credentials_v2() -> Self {
        Profile {
            context: Value::Array(vec![Value::String(CREDENTIALS_V2.into())]),
            own_properties: BTreeMap::new(),
            own_classes: BTreeMap::new(),
        }
    }

    /// The VC 2.0 context followed by an inline context defining `classes` and
    /// `properties` as `vocabulary` + name (`vocabulary` ends in `#` or `/`).
    pub fn with_vocabulary(vocabulary: &str, classes: &[&str], properties: &[&str]) -> Self {
        let mut inline = Map::new();
        let mut own_classes = BTreeMap::new();
        let mut own_properties = BTreeMap::new();
        for class in classes {
            let iri = format!("{vocabulary}{class}");
            inline.insert((*class).into(), Value::String(iri.clone()));
            own_classes.insert((*class).to_string(), iri);
        }
        for property in properties {
            let iri = format!("{vocabulary}{property}");
            inline.insert((*property).into(), Value::String(iri.clone()));
            own_properties.insert((*property).to_string(), iri);
        }
        Profile {
            context: Value::Array(vec![
                Value::String(CREDENTIALS_V2.into()),
                Value::Object(inline),
            ]),
            own_properties,
            own_classes,
        }
    }

    /// The `@context` value of this profile's documents.
    pub fn context(&self) -> &Value {
        &self.context
    }

    /// The RDF dataset of `doc`, which must carry exactly this profile's `@context`.
    pub fn to_dataset(&self, doc: &Map<String, Value>) -> Result<Dataset, ShapeError> {
        if doc.get("@context") != Some(&self.context) {
            return Err(ShapeError::Context);
        }
        let mut out = Dataset::new();
        self.node(doc, true, &GraphName::DefaultGraph, &mut out, 0)?;
        Ok(out)
    }

    fn class(&self, name: &str) -> Result<(String, Option<Scope>), ShapeError> {
        if let Some(iri) = self.own_classes.get(name) {
            return Ok((iri.clone(), None));
        }
        top_classes()
            .into_iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, iri, scope)| (iri, scope))
            .ok_or_else(|| ShapeError::UnknownType(name.into()))
    }

    /// The definition of `key` in a node whose type-scoped contexts are `scopes`: a scoped
    /// definition wins over a top-level one, as type-scoped contexts come last.
    fn term(&self, key: &str, scopes: &[Scope]) -> Option<(String, Kind)> {
        for scope in scopes.iter().rev() {
            if let Some((_, iri, kind)) =
                scoped_terms(*scope).into_iter().find(|(n, _, _)| *n == key)
            {
                return Some((iri, kind));
            }
        }
        match key {
            "name" => return Some(("https://schema.org/name".into(), Kind::Plain)),
            "description" => return Some(("https://schema.org/description".into(), Kind::Plain)),
            _ => {}
        }
        self.own_properties
            .get(key)
            .map(|iri| (iri.clone(), Kind::Plain))
    }

    /// Adds the quads of one node object to `out` and returns its subject.
    fn node(
        &self,
        obj: &Map<String, Value>,
        top: bool,
        graph: &GraphName,
        out: &mut Dataset,
        depth: usize,
    ) -> Result<NamedOrBlankNode, ShapeError> {
        if depth > 4 {
            return Err(ShapeError::Depth);
        }
        let subject: NamedOrBlankNode = match obj.get("id") {
            None => BlankNode::default().into(),
            Some(Value::String(id)) => iri(id)?.into(),
            Some(_) => return Err(ShapeError::Value("id".into())),
        };
        let types: Vec<&str> = match obj.get("type") {
            None => Vec::new(),
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(list)) => list
                .iter()
                .map(|t| t.as_str().ok_or_else(|| ShapeError::Value("type".into())))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(ShapeError::Value("type".into())),
        };
        let rdf_type = NamedNode::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
        // Type-scoped contexts apply in the lexicographic order of the type terms.
        let mut sorted = types.clone();
        sorted.sort_unstable();
        let mut scopes = Vec::new();
        for t in sorted {
            let (class_iri, scope) = self.class(t)?;
            out.insert(&Quad::new(
                subject.clone(),
                rdf_type.clone(),
                NamedNode::new_unchecked(class_iri),
                graph.clone(),
            ));
            scopes.extend(scope);
        }
        for (key, value) in obj {
            match key.as_str() {
                "id" | "type" => continue,
                "@context" if top => continue,
                _ => {}
            }
            let Some((property, kind)) = self.term(key, &scopes) else {
                return Err(ShapeError::UnknownKey(key.clone()));
            };
            let predicate = NamedNode::new_unchecked(property);
            let object: Term = match (kind, value) {
                (Kind::Plain, Value::String(s)) => Literal::new_simple_literal(s.as_str()).into(),
                (Kind::Typed(datatype), Value::String(s)) => {
                    Literal::new_typed_literal(s.as_str(), NamedNode::new_unchecked(datatype))
                        .into()
                }
                (Kind::Vocab(terms), Value::String(s)) => {
                    let (_, iri) = terms
                        .iter()
                        .find(|(n, _)| n == s)
                        .ok_or_else(|| ShapeError::Value(key.clone()))?;
                    NamedNode::new_unchecked(*iri).into()
                }
                (Kind::Id, Value::String(s)) => iri(s)?.into(),
                (Kind::Id, Value::Object(nested)) => {
                    match self.node(nested, false, graph, out, depth + 1)? {
                        NamedOrBlankNode::NamedNode(n) => n.into(),
                        NamedOrBlankNode::BlankNode(b) => b.into(),
                    }
                }
                (Kind::Graph, Value::Object(nested)) => {
                    let name = BlankNode::default();
                    let inner = GraphName::BlankNode(name.clone());
                    self.node(nested, false, &inner, out, depth + 1)?;
                    name.into()
                }
                _ => return Err(ShapeError::Value(key.clone())),
            };
            out.insert(&Quad::new(
                subject.clone(),
                predicate,
                object,
                graph.clone(),
            ));
        }
        Ok(subject)
    }
}

/// An absolute identifier of the schemes the documents use. A blank-node label (`_:`), a
/// relative reference or a compact IRI would be read differently by a full processor.
fn iri(s: &str) -> Result<NamedNode, ShapeError> {
    let allowed = ["https://", "http://", "did:", "urn:"];
    if !allowed.iter().any(|p| s.starts_with(p))
        || s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c))
    {
        return Err(ShapeError::Identifier(s.into()));
    }
    NamedNode::new(s).map_err(|_| ShapeError::Identifier(s.into()))
}

/// The RDFC-1.0 canonical N-Quads of `dataset`.
pub fn canonical(dataset: &Dataset) -> Result<String, rdf_canon::CanonicalizationError> {
    rdf_canon::canonicalize(dataset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The term definitions above are the bundled VC 2.0 context's.
    #[test]
    fn terms_match_the_bundled_context() {
        let context: Value =
            serde_json::from_str(include_str!("../contexts/credentials-v2.jsonld")).unwrap();
        let top = &context["@context"];
        let id_of = |def: &Value| -> String {
            match def {
                Value::String(s) => s.clone(),
                other => other["@id"].as_str().unwrap().to_string(),
            }
        };
        let scope_name = |s: Scope| match s {
            Scope::Credential => "VerifiableCredential",
            Scope::StatusList => "BitstringStatusList",
            Scope::StatusEntry => "BitstringStatusListEntry",
            Scope::Proof => "DataIntegrityProof",
        };
        for (name, iri, scope) in top_classes() {
            assert_eq!(id_of(&top[name]), iri, "{name}");
            if let Some(scope) = scope {
                assert_eq!(scope_name(scope), name);
                let scoped = &top[name]["@context"];
                for (term, iri, kind) in scoped_terms(scope) {
                    let def = &scoped[term];
                    assert_eq!(id_of(def), iri, "{name} {term}");
                    let coerced = def.get("@type").and_then(Value::as_str);
                    match kind {
                        Kind::Id | Kind::Graph => assert_eq!(coerced, Some("@id"), "{term}"),
                        Kind::Vocab(values) => {
                            assert_eq!(coerced, Some("@vocab"));
                            for (v, iri) in values {
                                assert_eq!(id_of(&def["@context"][v]), *iri, "{v}");
                            }
                        }
                        Kind::Typed(t) => assert_eq!(coerced, Some(t), "{term}"),
                        Kind::Plain => assert_eq!(coerced, None, "{term}"),
                    }
                    if matches!(kind, Kind::Graph) {
                        assert_eq!(def["@container"], "@graph");
                    }
                }
            }
        }
        assert_eq!(id_of(&top["name"]), "https://schema.org/name");
        assert_eq!(id_of(&top["description"]), "https://schema.org/description");
        assert!(
            top.get("@vocab").is_none(),
            "undefined terms must be refused"
        );
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        let profile = Profile::with_vocabulary("https://example.org/ns#", &["Copy"], &["number"]);
        let base = json!({
            "@context": profile.context(),
            "id": "https://example.org/c/1",
            "type": ["VerifiableCredential", "Copy"],
            "issuer": "did:web:example.org",
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"number": "42"}
        });
        let ok = profile.to_dataset(base.as_object().unwrap()).unwrap();
        assert_eq!(ok.len(), 6);
        let with = |path: &str, value: Value| {
            let mut doc = base.clone();
            if let Some(v) = doc.pointer_mut(path) {
                *v = value.clone();
            } else {
                let (parent, key) = path.rsplit_once('/').unwrap();
                doc.pointer_mut(if parent.is_empty() { "" } else { parent })
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .insert(key.into(), value);
            }
            profile.to_dataset(doc.as_object().unwrap())
        };
        assert!(with("/credentialSubject/other", json!("x")).is_err());
        assert!(with("/credentialSubject/https:~1~1schema.org~1name", json!("x")).is_err());
        assert!(with("/credentialSubject/@id", json!("https://x")).is_err());
        assert!(with("/credentialSubject/id", json!("_:b0")).is_err());
        assert!(with("/credentialSubject/number", json!(42)).is_err());
        assert!(with("/credentialSubject/number", json!(["1", "2"])).is_err());
        assert!(with("/id", json!("relative")).is_err());
        assert!(with("/type", json!(["VerifiableCredential", "Other"])).is_err());
        assert!(with("/@context", json!([CREDENTIALS_V2])).is_err());
        assert!(with(
            "/issuer",
            json!({"id": "did:web:x", "name": "x", "evil": "y"})
        )
        .is_err());
    }
}
