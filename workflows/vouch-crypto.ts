// Ed25519 verification with synchronous SHA-512 (the library's default is WebCrypto, which is
// asynchronous and absent from the workflow sandbox). The workflow bundle preloads this module
// (src/worker/bundle.ts): its base-point table is then computed once per worker and shared by
// every movement, instead of once per movement (about 25 ms of a movement's first check).
import { hashes, verify } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

if (!hashes.sha512) hashes.sha512 = sha512;

export { verify as verifyEd25519 };
