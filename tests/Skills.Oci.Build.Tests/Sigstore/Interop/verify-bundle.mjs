// Verifies a Sigstore bundle with sigstore-js's low-level API, offline, against one public key:
//   node verify-bundle.mjs <bundle.json> <key.pem>
// Prints {"verified":true,"hintMatches":bool,"payloadType":...,"payload":<base64>} or
// {"verified":false,"error":...}.
// No transparency log or timestamp is required (our key-signed bundles carry none), and the
// DSSE statement's subject is left to the caller, as sigstore-js itself leaves it.
import { readFileSync } from 'node:fs';
import { createHash, createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

const [bundlePath, keyPath] = process.argv.slice(2);
if (!bundlePath || !keyPath) {
  console.error('usage: node verify-bundle.mjs <bundle.json> <key.pem>');
  process.exit(2);
}

try {
  const bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
  const publicKey = createPublicKey(readFileSync(keyPath, 'utf8'));
  // cosign's hint: base64 of the SHA-256 of the key's DER SubjectPublicKeyInfo.
  const expectedHint = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  const emptyRoot = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };
  // The given key whatever the hint says, so a wrong key is caught by the signature check itself.
  let hintMatches = null;
  const trustMaterial = toTrustMaterial(emptyRoot, (hint) => {
    hintMatches = hint === expectedHint;
    return { publicKey, validFor: () => true };
  });
  const verifier = new Verifier(trustMaterial, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  const envelope = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
  console.log(JSON.stringify({
    verified: true,
    hintMatches,
    payloadType: envelope?.payloadType ?? null,
    payload: envelope ? Buffer.from(envelope.payload).toString('base64') : null,
  }));
} catch (error) {
  console.log(JSON.stringify({ verified: false, error: `${error.code ?? error.name}: ${error.message}` }));
  process.exit(1);
}
